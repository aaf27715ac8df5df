// "From library": a dialog listing the newest photos as thumbnails to attach.
import { useEffect, useRef, useState } from 'react';
import type { PhotoSummary } from '../../../../shared/types';
import { api, mediaUrl } from '../../api';
import { useT } from '../../i18n';

export function LibraryPicker({ onPick, onClose }: { onPick(photos: PhotoSummary[]): void; onClose(): void }) {
  const t = useT();
  const dialog = useRef<HTMLDialogElement>(null);
  const [photos, setPhotos] = useState<PhotoSummary[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [chosen, setChosen] = useState<Set<number>>(new Set());

  useEffect(() => {
    dialog.current?.showModal();
    api['photos.list']({ limit: 300 }).then((p) => setPhotos(p.items), (err: Error) => setError(err.message));
  }, []);

  const toggle = (id: number) => setChosen((s) => { const n = new Set(s); if (n.has(id)) n.delete(id); else n.add(id); return n; });

  return (
    <dialog ref={dialog} className="chat-picker" aria-label={t('chat.pickTitle')} onClose={onClose}>
      <h2>{t('chat.pickTitle')}</h2>
      {error && <p role="alert" className="error-text">{error}</p>}
      <div className="chat-picker-grid">
        {photos.map((p) => (
          <button key={p.id} type="button" className={`chat-picker-tile${chosen.has(p.id) ? ' chosen' : ''}`} aria-pressed={chosen.has(p.id)}
            aria-label={p.relPath} onClick={() => toggle(p.id)}>
            <img src={mediaUrl('thumb', p.id)} alt="" loading="lazy" />
          </button>
        ))}
      </div>
      <div className="chat-actions">
        <button type="button" disabled={chosen.size === 0} onClick={() => { onPick(photos.filter((p) => chosen.has(p.id))); dialog.current?.close(); }}>
          {t('chat.pickAttach', { count: chosen.size })}
        </button>
        <button type="button" onClick={() => dialog.current?.close()}>{t('chat.cancel')}</button>
      </div>
    </dialog>
  );
}
