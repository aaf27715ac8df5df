// The grid's thumbnail hook: one ThumbStore (./thumb-store.ts) per page where the transport batches,
// kept up to date by library.changed; the per-id URL elsewhere.
import { useCallback, useSyncExternalStore } from 'react';
import type { Transport } from './transport';
import { ThumbStore } from './thumb-store';

let store: ThumbStore | null | undefined;

/** The transport's store (created on first use; null where thumbnails are fetched one by one). */
function thumbStore(transport: Transport): ThumbStore | null {
  if (store === undefined) {
    store = transport.thumbBatch ? new ThumbStore(transport.thumbBatch, (id) => transport.mediaUrl('thumb', id)) : null;
    if (store) {
      const s = store;
      transport.on('library.changed', ({ photoIds }) => s.invalidate(photoIds));
    }
  }
  return store;
}

/** A tile's thumbnail URL (null while it loads); `enabled` false (no thumbnail yet) asks for nothing. */
export function useThumbUrl(transport: Transport, id: number, enabled: boolean): string | null {
  const s = enabled ? thumbStore(transport) : null;
  const subscribe = useCallback((l: () => void) => (s ? s.subscribe(id, l) : () => {}), [s, id]);
  const get = () => (!enabled ? null : s ? s.get(id) : transport.mediaUrl('thumb', id));
  return useSyncExternalStore(subscribe, get);
}
