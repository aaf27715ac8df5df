// Adapters from contract rows to grid tiles.
import type { PhotoSummary, SearchHit } from '../../../shared/types';
import type { GridItem } from '../components/PhotoGrid';

const fileName = (path: string): string => path.split(/[\\/]/).pop() ?? path;

export const summaryToItem = (p: PhotoSummary): GridItem => ({
  id: p.id,
  hasThumb: p.hasThumb,
  rating: p.rating,
  favourite: p.favourite,
  label: p.caption ? `${fileName(p.relPath)} — ${p.caption}` : fileName(p.relPath),
  mediaType: p.mediaType,
  durationMs: p.durationMs,
});

export const hitToItem = (h: SearchHit): GridItem => ({
  id: h.id,
  hasThumb: true,
  rating: h.rating,
  favourite: h.favourite,
  label: h.caption ? `${fileName(h.path)} — ${h.caption}` : fileName(h.path),
  mediaType: h.mediaType,
  durationMs: h.durationMs,
});
