// RAW+JPEG pairs (issue 10): cameras set to RAW+JPEG write IMG_0001.CR2 and IMG_0001.JPG side by side.
// They are one photo: the JPEG (or HEIC) is shown and captioned, the RAW is listed with it in the
// detail; the RAW's row stays (its metadata and file are still the library's) but is marked in
// raw_pairs, which keeps it out of the timeline, search results and the AI queue.
import path from 'node:path';
import type { Db } from '../db/connection';
import { isRawFormat, type MediaFormat } from '../../shared/media';

/** Formats a RAW pairs with: what the camera writes beside it for display. */
const DISPLAY_FORMATS: ReadonlySet<MediaFormat> = new Set<MediaFormat>(['jpeg', 'heic', 'heif']);

/** `p` is not the RAW half of a pair (alias p for photos). */
export const NOT_PAIRED_RAW = 'NOT EXISTS (SELECT 1 FROM raw_pairs rp WHERE rp.raw_id = p.id)';
/** `p` is the shown half of a pair. */
export const HAS_RAW_SQL = 'EXISTS (SELECT 1 FROM raw_pairs rj WHERE rj.jpeg_id = p.id)';

interface FileRow { id: number; root_id: number; rel_path: string; format: MediaFormat | null }

/**
 * Pairs the given photos (just read by the indexer) with their other half: a RAW with the display
 * file beside it, a display file with the RAW beside it (whichever arrived first). Same folder, same
 * base name, one extension. Returns the ids whose item changed (for `library.changed`). Run inside
 * the indexer's write path; one indexed range lookup per given photo.
 */
export function pairRawFiles(db: Db, ids: readonly number[]): number[] {
  if (!ids.length) return [];
  const rows = db.prepare(`SELECT p.id, p.root_id, p.rel_path, p.format FROM photos p JOIN json_each(?) e ON e.value = p.id`)
    .all(JSON.stringify(ids)) as FileRow[];
  const siblings = db.prepare(`SELECT p.id, p.root_id, p.rel_path, p.format FROM photos p WHERE p.root_id = ? AND p.rel_path >= ? AND p.rel_path < ?
    AND NOT EXISTS (SELECT 1 FROM raw_pairs x WHERE x.raw_id = p.id OR x.jpeg_id = p.id)`);
  const paired = db.prepare('SELECT 1 FROM raw_pairs WHERE raw_id = ? OR jpeg_id = ?');
  const pair = db.prepare('INSERT OR IGNORE INTO raw_pairs (raw_id, jpeg_id) VALUES (?, ?)');
  const changed: number[] = [];
  for (const row of rows) {
    const raw = isRawFormat(row.format);
    if ((!raw && !(row.format && DISPLAY_FORMATS.has(row.format))) || paired.get(row.id, row.id)) continue;
    const ext = path.posix.extname(row.rel_path);
    const base = ext ? row.rel_path.slice(0, -ext.length) : row.rel_path;
    // '.' < '/' keeps the range inside names that continue with a dot ("IMG_0001.JPG", not "IMG_0001/x").
    const other = (siblings.all(row.root_id, `${base}.`, `${base}/`) as FileRow[]).find((s) => s.id !== row.id
      && !s.rel_path.slice(base.length + 1).includes('.') && (raw ? s.format !== null && DISPLAY_FORMATS.has(s.format) : isRawFormat(s.format)));
    if (!other) continue;
    const [rawId, shownId] = raw ? [row.id, other.id] : [other.id, row.id];
    if (pair.run(rawId, shownId).changes) changed.push(rawId, shownId);
  }
  return changed;
}
