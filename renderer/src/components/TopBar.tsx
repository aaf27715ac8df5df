// Header: navigation and the always-visible search box (`/` focuses it). Typing updates #/search?q=…
// (debounced by the search view), keeping the other search parameters (filters).
import { useEffect, useRef, useState, type RefObject } from 'react';
import { useT } from '../i18n';
import { href, navigate, parseHash, type Route } from '../router';

const NAV: { name: Route['name']; to: string; key: 'nav.library' | 'nav.albums' | 'nav.places' | 'nav.map' | 'nav.chat' | 'nav.caption' | 'nav.settings' }[] = [
  { name: 'library', to: href.library(), key: 'nav.library' },
  { name: 'albums', to: href.albums(), key: 'nav.albums' },
  { name: 'places', to: href.places([]), key: 'nav.places' },
  { name: 'map', to: href.map(), key: 'nav.map' },
  { name: 'chat', to: href.chat(), key: 'nav.chat' },
  { name: 'caption', to: href.caption(), key: 'nav.caption' },
  { name: 'settings', to: href.settings(), key: 'nav.settings' },
];

export function TopBar({ route, searchRef, onHelp }: { route: Route; searchRef: RefObject<HTMLInputElement | null>; onHelp(): void }) {
  const t = useT();
  const routeQuery = route.name === 'search' ? route.params.get('q') ?? '' : '';
  const [text, setText] = useState(routeQuery);
  useEffect(() => { if (route.name === 'search') setText(routeQuery); else setText(''); }, [route.name, routeQuery]);
  const leaveTo = useRef<string>(href.library());
  useEffect(() => { if (route.name !== 'search') leaveTo.current = window.location.hash || href.library(); }, [route]);

  const onChange = (value: string) => {
    setText(value);
    const current = parseHash(window.location.hash);
    const params = current.name === 'search' ? new URLSearchParams(current.params) : new URLSearchParams();
    if (value) params.set('q', value); else params.delete('q');
    if (!value && current.name === 'search' && [...params.keys()].length === 0) { navigate(leaveTo.current, { replace: true }); return; }
    navigate(href.search(params), { replace: current.name === 'search' });
  };

  const active = route.name === 'album' ? 'albums' : route.name === 'photo' || route.name === 'search' ? 'library' : route.name;
  return (
    <header className="topbar">
      <a className="brand" href={href.library()} aria-label={t('app.name')}>
        <span className="brand-mark" aria-hidden="true">◧</span> {t('app.name')}
      </a>
      <nav aria-label={t('nav.main')}>
        {NAV.map((n) => (
          <a key={n.name} href={n.to} className={active === n.name ? 'active' : ''} aria-current={active === n.name ? 'page' : undefined}>{t(n.key)}</a>
        ))}
      </nav>
      <div className="search-box" role="search">
        <input
          ref={searchRef}
          type="search"
          value={text}
          onChange={(e) => onChange(e.target.value)}
          onKeyDown={(e) => { if (e.key === 'Escape') { e.currentTarget.blur(); } }}
          placeholder={t('search.placeholder')}
          aria-label={t('search.label')}
          data-testid="search-input"
          autoComplete="off"
          spellCheck={false}
        />
      </div>
      <button type="button" className="icon-button" onClick={onHelp} aria-label={t('shortcuts.open')} title={t('shortcuts.open')} data-testid="shortcuts-button">?</button>
    </header>
  );
}
