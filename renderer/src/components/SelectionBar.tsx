// Actions on the grid's multi-selection: add to a manual album (or a new one), remove from the
// current album, clear.
import { useEffect, useState } from 'react';
import type { Album } from '../../../shared/contract/albums';
import { api } from '../api';
import { useT } from '../i18n';
import { errorText } from '../format';
import { NameForm } from './NameForm';
import { PlaceEditor } from '../views/places/PlaceEditor';

export function SelectionBar({ selection, onClear, albumId, onRemoved }: {
  selection: ReadonlySet<number>; onClear(): void; albumId?: number; onRemoved?(): void;
}) {
  const t = useT();
  const [albums, setAlbums] = useState<Album[]>([]);
  const [message, setMessage] = useState<string | null>(null);
  const [naming, setNaming] = useState(false);
  const [placing, setPlacing] = useState(false);
  const active = selection.size > 0;
  useEffect(() => {
    if (!active) return;
    api['albums.list']({ includeAuto: false }).then((list) => setAlbums(list.filter((a) => a.kind === 'manual')), () => setAlbums([]));
  }, [active]);
  if (selection.size === 0) return null;
  const ids = [...selection];

  const addTo = async (value: string, newName?: string) => {
    if (value === 'new' && newName === undefined) { setNaming(true); return; }
    try {
      const album = value === 'new' ? await api['albums.create']({ name: newName! }) : albums.find((a) => String(a.id) === value);
      setNaming(false);
      if (!album || typeof album.id !== 'number') return;
      const updated = await api['albums.addPhotos']({ id: album.id, photoIds: ids });
      setMessage(t('select.added', { count: ids.length, name: updated.name }));
      onClear();
    } catch (err) {
      setMessage(t('error.generic', { message: errorText(err) }));
    }
  };

  const remove = async () => {
    if (albumId === undefined) return;
    try {
      await api['albums.removePhotos']({ id: albumId, photoIds: ids });
      onClear();
      onRemoved?.();
    } catch (err) {
      setMessage(t('error.generic', { message: errorText(err) }));
    }
  };

  return (
    <div className="selection-bar" role="toolbar" aria-label={t('select.count', { count: ids.length })} data-testid="selection-bar">
      <strong>{t('select.count', { count: ids.length })}</strong>
      {placing
        ? <PlaceEditor photoIds={ids} current={null} onDone={() => { setPlacing(false); onClear(); }} />
        : <button type="button" onClick={() => setPlacing(true)} data-testid="selection-set-place">{t('select.setPlace')}</button>}
      <label>
        <span className="sr-only">{t('select.addTo')}</span>
        <select value="" onChange={(e) => { void addTo(e.target.value); }} aria-label={t('select.addTo')}>
          <option value="">{t('select.addTo')}…</option>
          {albums.map((a) => <option key={a.id} value={String(a.id)}>{a.name}</option>)}
          <option value="new">{t('select.newAlbum')}</option>
        </select>
      </label>
      {naming ? <NameForm label={t('albums.name')} submitLabel={t('albums.create')} onSubmit={(name) => { void addTo('new', name); }} onCancel={() => setNaming(false)} /> : null}
      {albumId !== undefined ? <button type="button" onClick={() => { void remove(); }}>{t('select.removeFrom')}</button> : null}
      <button type="button" onClick={onClear}>{t('select.clear')}</button>
      {message ? <span role="status">{message}</span> : null}
    </div>
  );
}
