// #/albums: manual, smart and suggested (auto) albums with covers and counts; creating a manual album
// by name, or a smart one with the rule builder (#/albums?new=smart).
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { Album } from '../../../shared/contract/albums';
import { api, mediaUrl } from '../api';
import { RuleBuilder, emptyRule, toRule, type DraftGroup } from '../components/RuleBuilder';
import { useEvent, useThrottled } from '../hooks/useEvent';
import { useI18n } from '../i18n';
import { href, navigate } from '../router';
import { errorText } from '../format';
import { albumCount } from './album-count';

function AlbumCard({ album }: { album: Album }) {
  const i18n = useI18n();
  const count = albumCount(album, i18n);
  return (
    <a className="album-card" href={href.album(album.id)} data-testid="album-card" data-album-id={album.id} data-count={album.count}
      aria-label={`${album.name}, ${count}`}>
      <div className="album-cover">
        {album.coverId ? <img src={mediaUrl('thumb', album.coverId)} alt="" loading="lazy" /> : <div className="thumb-placeholder" aria-hidden="true" />}
      </div>
      <div className="album-meta">
        <span className="album-name">{album.name}</span>
        <span className="muted" data-testid="album-count">{count}</span>
      </div>
    </a>
  );
}

export function SmartAlbumForm({ onDone }: { onDone(album: Album | null): void }) {
  const { t } = useI18n();
  const [name, setName] = useState('');
  const [draft, setDraft] = useState<DraftGroup>(emptyRule);
  const [error, setError] = useState<string | null>(null);
  const rule = toRule(draft);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!rule || !name.trim()) return;
    api['albums.create']({ name: name.trim(), rule }).then(onDone, (err: unknown) => setError(errorText(err)));
  };
  return (
    <form className="card album-builder" onSubmit={submit} aria-labelledby="builder-title" data-testid="album-builder">
      <h2 id="builder-title">{t('albums.newSmart')}</h2>
      <label className="field">
        <span>{t('albums.name')}</span>
        <input type="text" value={name} onChange={(e) => setName(e.target.value)} data-testid="album-name" required />
      </label>
      <RuleBuilder draft={draft} onChange={setDraft} />
      {error ? <p role="alert" className="error-text">{error}</p> : null}
      <div className="row">
        <button type="submit" className="primary" disabled={!rule || !name.trim()} data-testid="album-create">{t('albums.create')}</button>
        <button type="button" onClick={() => onDone(null)}>{t('albums.cancel')}</button>
      </div>
    </form>
  );
}

function NewAlbumForm({ onDone }: { onDone(album: Album | null): void }) {
  const { t } = useI18n();
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!name.trim()) return;
    api['albums.create']({ name: name.trim() }).then(onDone, (err: unknown) => setError(errorText(err)));
  };
  return (
    <form className="inline-form card" onSubmit={submit}>
      <label><span>{t('albums.name')}</span><input type="text" value={name} onChange={(e) => setName(e.target.value)} autoFocus /></label>
      <button type="submit" className="primary" disabled={!name.trim()}>{t('albums.create')}</button>
      <button type="button" onClick={() => onDone(null)}>{t('albums.cancel')}</button>
      {error ? <p role="alert" className="error-text">{error}</p> : null}
    </form>
  );
}

export function AlbumsView({ params }: { params: URLSearchParams }) {
  const { t } = useI18n();
  const [albums, setAlbums] = useState<Album[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [newManual, setNewManual] = useState(false);
  const building = params.get('new') === 'smart';

  const load = useCallback(() => {
    api['albums.list']({ includeAuto: true }).then((list) => { setAlbums(list); setError(null); }, (err: unknown) => setError(errorText(err)));
  }, []);
  useEffect(load, [load]);
  const loadSoon = useThrottled(load, 1000);
  useEvent('albums.changed', loadSoon);
  useEvent('library.changed', loadSoon);

  const sections: { kind: Album['kind']; title: string }[] = [
    { kind: 'smart', title: t('albums.smart') },
    { kind: 'manual', title: t('albums.manual') },
    { kind: 'auto', title: t('albums.auto') },
  ];
  return (
    <div className="view view-scroll" data-testid="albums-view">
      <div className="view-head">
        <h1>{t('albums.title')}</h1>
        <button type="button" onClick={() => setNewManual(true)} data-testid="new-album">+ {t('albums.newManual')}</button>
        <button type="button" className="primary" onClick={() => navigate(href.albums({ newSmart: true }))} data-testid="new-smart-album">+ {t('albums.newSmart')}</button>
      </div>
      {newManual ? <NewAlbumForm onDone={(a) => { setNewManual(false); if (a) load(); }} /> : null}
      {building ? <SmartAlbumForm onDone={(a) => { if (a) navigate(href.album(a.id)); else navigate(href.albums()); }} /> : null}
      {error ? <p role="alert" className="error-text">{t('error.generic', { message: error })}</p> : null}
      {albums && albums.length === 0 ? <p className="empty">{t('albums.empty')}</p> : null}
      {albums ? sections.map((s) => {
        const list = albums.filter((a) => a.kind === s.kind);
        if (!list.length) return null;
        return (
          <section key={s.kind} aria-labelledby={`albums-${s.kind}`}>
            <h2 id={`albums-${s.kind}`}>{s.title}</h2>
            <div className="album-list">{list.map((a) => <AlbumCard key={a.id} album={a} />)}</div>
          </section>
        );
      }) : null}
    </div>
  );
}
