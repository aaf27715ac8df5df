// SQL for walking the timeline newest first from a keyset position [sort_date, id] (./cursor.ts):
// over photos, and over the full-text index, whose rowid is the timeline key (./timeline-key.ts).
import { photoIdOfKey, timelineKeySql } from './timeline-key';

/** SQL and parameters: photos `p` after the position in the newest-first order. */
export const photoBefore = (date: string, id: number): { sql: string; params: unknown[] } =>
  ({ sql: '(p.sort_date < ? OR (p.sort_date = ? AND p.id < ?))', params: [date, date, id] });

/**
 * The match set of `photos_fts f` joined to its photos `p`, walked in timeline order. CROSS JOIN
 * fixes the join order (SQLite's rule): the match set drives, never a scan of photos and a sort.
 */
export const FTS_PHOTOS_FROM = `photos_fts f CROSS JOIN photos p ON p.id = ${photoIdOfKey('f.rowid')}`;

/** SQL and parameters: rows of `f` (as in FTS_PHOTOS_FROM) after the position. */
export const keyBefore = (date: string, id: number): { sql: string; params: unknown[] } =>
  ({ sql: `f.rowid < ${timelineKeySql('?', '?')}`, params: [date, id] });
