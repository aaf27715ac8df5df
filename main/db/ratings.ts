// Ratings, favourites and labels: each source's say lives in photo_ratings ('xmp' = what the file
// carries, rewritten on every read; 'user' = a person's choice, which scans never touch). The
// effective values are copied onto photos (rating, favourite, label) for filters and rules, chosen by
// the one source priority (sourceRankSql in main/db/photo-text.ts). Call inside the caller's transaction.
import type { Db } from './connection';
import { cachedStatement } from './statements';
import { nowIso } from './connection';
import { sourceRankSql } from './photo-text';
import type { PhotoMeta } from '../library/metadata';

const best = (column: string) => `(SELECT r.${column} FROM photo_ratings r WHERE r.photo_id = photos.id AND r.${column} IS NOT NULL
  ORDER BY ${sourceRankSql('r.source')} LIMIT 1)`;

/** Recomputes the effective rating, favourite and label of the photos. */
export function refreshEffectiveRatings(db: Db, photoIds: Iterable<number>): void {
  const stmt = cachedStatement(db, `UPDATE photos SET rating = COALESCE(${best('stars')}, 0), favourite = COALESCE(${best('favourite')}, 0),
    label = ${best('label')} WHERE id = ?`);
  for (const id of photoIds) stmt.run(id);
}

/** Stores what the file says (rating, label, pick) as the 'xmp' source; nothing said = no row. */
export function saveFileRating(db: Db, photoId: number, meta: Pick<PhotoMeta, 'rating' | 'label' | 'pick'>): void {
  if (meta.rating === null && meta.label === null && meta.pick === null) {
    cachedStatement(db, `DELETE FROM photo_ratings WHERE photo_id = ? AND source = 'xmp'`).run(photoId);
  } else {
    cachedStatement(db, `INSERT INTO photo_ratings (photo_id, source, stars, favourite, label, pick, updated_at) VALUES (?, 'xmp', ?, NULL, ?, ?, ?)
      ON CONFLICT (photo_id, source) DO UPDATE SET stars = excluded.stars, label = excluded.label, pick = excluded.pick, updated_at = excluded.updated_at`)
      .run(photoId, meta.rating, meta.label, meta.pick, nowIso());
  }
  refreshEffectiveRatings(db, [photoId]);
}

export interface UserRatingChange {
  /** Stars 0–5; null withdraws the person's rating; undefined leaves it. */
  rating?: number | null;
  /** null withdraws the person's flag; undefined leaves it. */
  favourite?: boolean | null;
}

/** A person's rating / favourite on photos (source 'user': scans never touch it). Returns the ids changed. */
export function setUserRating(db: Db, photoIds: readonly number[], change: UserRatingChange): number[] {
  const exists = db.prepare('SELECT 1 FROM photos WHERE id = ?').pluck();
  const upsert = db.prepare(`INSERT INTO photo_ratings (photo_id, source, stars, favourite, updated_at) VALUES (?, 'user', ?, ?, ?)
    ON CONFLICT (photo_id, source) DO UPDATE SET
      stars = CASE WHEN ? THEN excluded.stars ELSE stars END,
      favourite = CASE WHEN ? THEN excluded.favourite ELSE favourite END,
      updated_at = excluded.updated_at`);
  const now = nowIso();
  const stars = change.rating ?? null;
  const favourite = change.favourite === undefined || change.favourite === null ? null : change.favourite ? 1 : 0;
  const setStars = change.rating !== undefined ? 1 : 0;
  const setFavourite = change.favourite !== undefined ? 1 : 0;
  const changed = [...new Set(photoIds)].filter((id) => exists.get(id) !== undefined);
  for (const id of changed) upsert.run(id, stars, favourite, now, setStars, setFavourite);
  // A user row that says nothing any more is dropped.
  db.prepare(`DELETE FROM photo_ratings WHERE source = 'user' AND stars IS NULL AND favourite IS NULL AND label IS NULL
    AND photo_id IN (SELECT value FROM json_each(?))`).run(JSON.stringify(changed));
  refreshEffectiveRatings(db, changed);
  return changed;
}

/** Whose rating shows and the file's pick label, for the photo detail. */
export function ratingDetail(db: Db, photoId: number): { pick: 'rejected' | 'pending' | 'accepted' | null; ratingSource: 'user' | 'xmp' | null } {
  const source = db.prepare(`SELECT r.source FROM photo_ratings r WHERE r.photo_id = ? AND r.stars IS NOT NULL
    ORDER BY ${sourceRankSql('r.source')} LIMIT 1`).pluck().get(photoId) as 'user' | 'xmp' | undefined;
  const pick = db.prepare(`SELECT r.pick FROM photo_ratings r WHERE r.photo_id = ? AND r.pick IS NOT NULL
    ORDER BY ${sourceRankSql('r.source')} LIMIT 1`).pluck().get(photoId) as 'rejected' | 'pending' | 'accepted' | undefined;
  return { pick: pick ?? null, ratingSource: source ?? null };
}

/** Effective values of photos, in the order given (unknown ids left out). */
export function effectiveRatings(db: Db, photoIds: readonly number[]): { id: number; rating: number; favourite: boolean; label: string | null }[] {
  const stmt = db.prepare('SELECT id, rating, favourite, label FROM photos WHERE id = ?');
  return photoIds.flatMap((id) => {
    const r = stmt.get(id) as { id: number; rating: number; favourite: number; label: string | null } | undefined;
    return r ? [{ id: r.id, rating: r.rating, favourite: r.favourite === 1, label: r.label }] : [];
  });
}
