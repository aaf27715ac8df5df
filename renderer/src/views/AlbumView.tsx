// #/albums/:id: an album's photos; rename/delete stored albums, edit a smart album's rule.
// Counts follow albums.changed / library.changed (a new matching photo shows up by itself).
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { Album } from '../../../shared/contract/albums';
import type { RuleGroup } from '../../../shared/rules';
import type { PhotoSummary } from '../../../shared/types';
import { api } from '../api';
import { PhotoGrid } from '../components/PhotoGrid';
import { SelectionBar } from '../components/SelectionBar';
import { RuleBuilder, fromRule, toRule, type DraftGroup } from '../components/RuleBuilder';
import { useEvent, useThrottled } from '../hooks/useEvent';
import { usePaged } from '../hooks/usePaged';
import { useI18n } from '../i18n';
import { href, navigate } from '../router';
import { summaryToItem } from './photo-items';
import { NameForm } from '../components/NameForm';
import { errorText } from '../format';
import { albumCount } from './album-count';

export function AlbumView({ id }: { id: number | string }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [album, setAlbum] = useState<Album | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [selection, setSelection] = useState<Set<number>>(new Set());
  const [draft, setDraft] = useState<DraftGroup | null>(null);
  const [renaming, setRenaming] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);

  const loadAlbum = useCallback(() => {
    api['albums.get']({ id }).then((a) => { setAlbum(a); setError(null); }, (err: unknown) => setError(errorText(err)));
  }, [id]);
  useEffect(loadAlbum, [loadAlbum]);
  const fetchPage = useCallback((cursor: string | undefined) => api['albums.photos']({ id, cursor, limit: 500 }), [id]);
  const paged = usePaged<PhotoSummary>(fetchPage, `album:${id}`);
  const items = useMemo(() => paged.items.map(summaryToItem), [paged.items]);
  const refresh = useCallback(() => { loadAlbum(); paged.reload(); }, [loadAlbum, paged.reload]);
  const refreshSoon = useThrottled(refresh, 800);
  useEvent('albums.changed', (p) => { if (!p.albumIds || p.albumIds.includes(id)) refreshSoon(); });
  useEvent('library.changed', refreshSoon);

  const stored = typeof id === 'number';
  const rename = (name: string) => {
    if (!album || typeof album.id !== 'number') return;
    api['albums.rename']({ id: album.id, name }).then((a) => { setAlbum(a); setRenaming(false); }, (err: unknown) => setError(errorText(err)));
  };
  const remove = () => {
    if (!album || typeof album.id !== 'number') return;
    api['albums.remove']({ id: album.id }).then(() => navigate(href.albums()), (err: unknown) => setError(errorText(err)));
  };
  const saveRule = () => {
    const rule = draft ? toRule(draft) : null;
    if (!rule || !album || typeof album.id !== 'number') return;
    api['albums.update']({ id: album.id, rule }).then((a) => { setAlbum(a); setDraft(null); paged.reload(); }, (err: unknown) => setError(errorText(err)));
  };

  return (
    <div className="view view-grid" data-testid="album-view">
      <div className="view-head">
        <a href={href.albums()} className="back">← {t('albums.back')}</a>
        {renaming && album
          ? <NameForm initial={album.name} label={t('albums.name')} submitLabel={t('albums.rename')} onSubmit={rename} onCancel={() => setRenaming(false)} />
          : <h1 data-testid="album-title">{album?.name ?? ''}</h1>}
        {album ? <span className="badge">{t(`albums.kind.${album.kind}`)}</span> : null}
        {album ? <span className="muted" data-testid="album-view-count" data-count={album.count}>{albumCount(album, i18n)}</span> : null}
        {stored && album && !renaming ? <button type="button" onClick={() => setRenaming(true)}>{t('albums.rename')}</button> : null}
        {album?.kind === 'smart' && !draft ? <button type="button" onClick={() => setDraft(fromRule(album.rule as RuleGroup))}>{t('albums.editRule')}</button> : null}
        {stored && album && !confirmDelete ? <button type="button" className="danger" onClick={() => setConfirmDelete(true)}>{t('albums.delete')}</button> : null}
        {confirmDelete ? (
          <span role="alertdialog" aria-label={t('albums.delete')} className="confirm">
            {t('albums.confirmDelete')}{' '}
            <button type="button" className="danger" onClick={remove} data-testid="album-delete-confirm">{t('albums.delete')}</button>
            <button type="button" onClick={() => setConfirmDelete(false)}>{t('albums.cancel')}</button>
          </span>
        ) : null}
        <SelectionBar selection={selection} onClear={() => setSelection(new Set())} albumId={album?.kind === 'manual' && typeof album.id === 'number' ? album.id : undefined} onRemoved={refresh} />
      </div>
      {draft ? (
        <div className="card">
          <RuleBuilder draft={draft} onChange={setDraft} />
          <div className="row">
            <button type="button" className="primary" onClick={saveRule} disabled={!toRule(draft)}>{t('albums.saveRule')}</button>
            <button type="button" onClick={() => setDraft(null)}>{t('albums.cancel')}</button>
          </div>
        </div>
      ) : null}
      {error || paged.error ? <p role="alert" className="error-text">{t('error.generic', { message: (error ?? paged.error)! })}</p> : null}
      <PhotoGrid
        items={items}
        total={paged.total}
        groups={null}
        ariaLabel={album?.name ?? t('grid.label')}
        onNeed={paged.ensure}
        onOpen={(photoId) => navigate(href.photo(photoId))}
        selection={selection}
        onSelectionChange={setSelection}
      />
    </div>
  );
}
