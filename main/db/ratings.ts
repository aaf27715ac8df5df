// Ratings, favourites and labels: each source's say lives in photo_ratings ('xmp' = what the file
// carries, rewritten on every read; 'user' = a person's choice, which scans never touch). The
// effective values are copied onto photos (rating, favourite, label) for filters and rules, chosen by
// the one source priority (sourceRankSql in main/db/photo-text.ts). Call inside the caller's transaction.
import type { Db } from './connection';
import { nowIso } from './connection';
import { sourceRankSql } from './photo-text';
import type { PhotoMeta } from '../library/metadata';

const best = (column: string) => `(SELECT r.${column} FROM photo_ratings r WHERE r.photo_id = photos.id AND r.${column} IS NOT NULL
  ORDER BY ${sourceRankSql('r.source')} LIMIT 1)`;

/** Recomputes the effective rating, favourite and label of the photos. */
export function refreshEffectiveRatings(db: Db, photoIds: Iterable<number>): void {
  const stmt = db.prepare(`UPDATE photos SET rating = COALESCE(${best('stars')}, 0), favourite = COALESCE(${best('favourite')}, 0),
    label = ${best('label')} WHERE id = ?`);
  for (const id of photoIds) stmt.run(id);
}

/** Stores what the file says (rating, label, pick) as the 'xmp' source; nothing said = no row. */
export function saveFileRating(db: Db, photoId: number, meta: Pick<PhotoMeta, 'rating' | 'label' | 'pick'>): void {
  if (meta.rating === null && meta.label === null && meta.pick === null) {
    db.prepare(`DELETE FROM photo_ratings WHERE photo_id = ? AND source = 'xmp'`).run(photoId);
  } else {
    db.prepare(`INSERT INTO photo_ratings (photo_id, source, stars, favourite, label, pick, updated_at) VALUES (?, 'xmp', ?, NULL, ?, ?, ?)
      ON CONFLICT (photo_id, source) DO UPDATE SET stars = excluded.stars, label = excluded.label, pick = excluded.pick, updated_at = excluded.updated_at`)
      .run(photoId, meta.rating, meta.label, meta.pick, nowIso());
  }
  refreshEffectiveRatings(db, [photoId]);
}
