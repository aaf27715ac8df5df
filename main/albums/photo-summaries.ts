// PhotoSummary rows for a list of ids (album pages, duplicate groups), in the order given, through
// the library's own row mapping.
import type { Db } from '../db/connection';
import type { PhotoSummary } from '../../shared/types';
import { PHOTO_SUMMARY_COLUMNS, PHOTO_SUMMARY_FROM, toPhotoSummary, type PhotoSummaryRow } from '../library/repo';

const CHUNK = 500;

export function photoSummaries(db: Db, ids: readonly number[]): PhotoSummary[] {
  const byId = new Map<number, PhotoSummary>();
  for (let i = 0; i < ids.length; i += CHUNK) {
    const chunk = ids.slice(i, i + CHUNK);
    const rows = db.prepare(`SELECT ${PHOTO_SUMMARY_COLUMNS} FROM ${PHOTO_SUMMARY_FROM}
      WHERE p.id IN (${chunk.map(() => '?').join(',')})`).all(...chunk) as PhotoSummaryRow[];
    for (const r of rows) byId.set(r.id, toPhotoSummary(r));
  }
  return ids.map((id) => byId.get(id)).filter((s): s is PhotoSummary => !!s);
}
