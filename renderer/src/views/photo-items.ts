// Adapters from contract rows to grid tiles.
import type { PhotoSummary, SearchHit } from '../../../shared/types';
import type { GridItem } from '../components/PhotoGrid';
import { problemOf } from './tile-problem';

const fileName = (path: string): string => path.split(/[\\/]/).pop() ?? path;

export const summaryToItem = (p: PhotoSummary): GridItem => ({
  id: p.id,
  hasThumb: p.hasThumb,
  rawPair: p.rawPair,
  status: p.status,
  problem: problemOf(p.status, p.error),
  error: p.error,
  rating: p.rating,
  favourite: p.favourite,
  label: p.caption ? `${fileName(p.relPath)} — ${p.caption}` : fileName(p.relPath),
  mediaType: p.mediaType,
  durationMs: p.durationMs,
});

export const hitToItem = (h: SearchHit): GridItem => ({
  id: h.id,
  hasThumb: h.hasThumb,
  status: h.status,
  problem: problemOf(h.status, h.error),
  error: h.error,
  rating: h.rating,
  favourite: h.favourite,
  label: h.caption ? `${fileName(h.path)} — ${h.caption}` : fileName(h.path),
  mediaType: h.mediaType,
  durationMs: h.durationMs,
});
