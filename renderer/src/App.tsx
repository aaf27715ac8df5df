// The app shell: top bar with search, the routed view, the status bar, global shortcuts and the help overlay.
import { lazy, Suspense, useEffect, useMemo, useRef, useState } from 'react';
import { parseHash, useHash, navigate, href, type Route } from './router';
import { TopBar } from './components/TopBar';
import { StatusBar } from './components/StatusBar';
import { ShortcutsHelp } from './components/ShortcutsHelp';
import { LibraryView } from './views/LibraryView';
import { SearchView } from './views/SearchView';
import { AlbumsView } from './views/AlbumsView';
import { AlbumView } from './views/AlbumView';
import { PhotoView } from './views/PhotoView';
import { useWindowFileDrop } from './views/caption/drop-handoff';

// Chat and captioning pull in markdown rendering: loaded when first opened.
const ChatView = lazy(() => import('./views/chat/ChatView'));
const CaptionView = lazy(() => import('./views/caption/CaptionView'));
// Settings reads the model/device lists from the contract (zod schemas): kept out of the first bundle.
// Places and the map carry the world's shapes (world-atlas, d3-geo): loaded when first opened.
const PlacesView = lazy(() => import('./views/places/PlacesView').then((m) => ({ default: m.PlacesView })));
const MapView = lazy(() => import('./views/places/MapView').then((m) => ({ default: m.MapView })));
const SettingsView = lazy(() => import('./views/SettingsView').then((m) => ({ default: m.SettingsView })));

function View({ route }: { route: Route }) {
  switch (route.name) {
    case 'library': return <LibraryView />;
    case 'search': return <SearchView params={route.params} />;
    case 'albums': return <AlbumsView params={route.params} />;
    case 'album': return <AlbumView key={String(route.id)} id={route.id} />;
    case 'photo': return <PhotoView key={route.id} id={route.id} />;
    case 'chat': return <ChatView />;
    case 'caption': return <CaptionView />;
    case 'settings': return <SettingsView />;
    case 'places': return <PlacesView path={route.path} />;
    case 'map': return <MapView />;
  }
}

const isTyping = (el: EventTarget | null): boolean => {
  const node = el as HTMLElement | null;
  return !!node && (node.tagName === 'INPUT' || node.tagName === 'TEXTAREA' || node.tagName === 'SELECT' || node.isContentEditable);
};

export function App() {
  const hash = useHash();
  const route = useMemo(() => parseHash(hash), [hash]);
  const searchRef = useRef<HTMLInputElement>(null);
  const [help, setHelp] = useState(false);
  useWindowFileDrop(); // files dropped anywhere open #/caption (CHAT's drop hand-off)

  useEffect(() => {
    let pendingG = 0;
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return;
      if (e.key === '/') { e.preventDefault(); searchRef.current?.focus(); searchRef.current?.select(); return; }
      if (e.key === '?') { e.preventDefault(); setHelp((h) => !h); return; }
      if (e.key === 'Escape') { setHelp(false); return; }
      if (e.key === 'g') { pendingG = Date.now(); return; }
      if (Date.now() - pendingG < 1500) {
        pendingG = 0;
        const to = { l: href.library(), a: href.albums(), c: href.chat(), s: href.settings(), p: href.places([]), m: href.map() }[e.key];
        if (to) { e.preventDefault(); navigate(to); }
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  return (
    <div className="app">
      <TopBar route={route} searchRef={searchRef} onHelp={() => setHelp(true)} />
      <main className="main">
        <Suspense fallback={<div className="view" aria-busy="true" />}>
          <View route={route} />
        </Suspense>
      </main>
      <StatusBar />
      {help ? <ShortcutsHelp onClose={() => setHelp(false)} /> : null}
    </div>
  );
}
