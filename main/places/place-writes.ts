// Write side of photo_places: geocoded places (source 'gps') and places a person chose (source
// 'user', which wins: GPS writes never touch them). Every write refreshes photo_text in the same
// transaction, so search finds the place at once. Callers wrap these in transactions.
import type { Db } from '../db/connection';
import { nowIso } from '../db/connection';
import { refreshPhotoText } from '../db/photo-text';
import { countryName, PLACE_LANGUAGES } from '../../shared/country-names';
import type { PlaceSource } from '../../shared/types';

export interface PlaceFields {
  lat: number;
  lon: number;
  city: string | null;
  region: string | null;
  countryCode: string | null;
}

/** What the search index holds for a place: its names, the country in every indexed language, the code. */
export function placeSearchText(p: Pick<PlaceFields, 'city' | 'region' | 'countryCode'>): string {
  const words = [p.city, p.region];
  if (p.countryCode) words.push(...PLACE_LANGUAGES.map((l) => countryName(p.countryCode!, l)), p.countryCode);
  return [...new Set(words.filter((w): w is string => !!w))].join(' ');
}

/** Stores a place; a 'gps' write leaves a person's place alone. Returns whether a row changed. */
export function writePlace(db: Db, photoId: number, source: PlaceSource, place: PlaceFields, dataVersion: string): boolean {
  const changed = db.prepare(`INSERT INTO photo_places (photo_id, source, lat, lon, city, region, country_code, search_text, data_version, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT(photo_id) DO UPDATE SET source = excluded.source, lat = excluded.lat, lon = excluded.lon, city = excluded.city,
      region = excluded.region, country_code = excluded.country_code, search_text = excluded.search_text,
      data_version = excluded.data_version, updated_at = excluded.updated_at
    WHERE excluded.source = 'user' OR photo_places.source = 'gps'`)
    .run(photoId, source, place.lat, place.lon, place.city, place.region, place.countryCode, placeSearchText(place), dataVersion, nowIso()).changes > 0;
  if (changed) refreshPhotoText(db, [photoId]);
  return changed;
}

/** Forgets a person's place: the photo's GPS (if any) decides again at the next places stage. */
export function clearUserPlace(db: Db, photoIds: readonly number[]): number[] {
  const del = db.prepare(`DELETE FROM photo_places WHERE photo_id = ? AND source = 'user'`);
  const cleared = photoIds.filter((id) => del.run(id).changes > 0);
  refreshPhotoText(db, cleared);
  return cleared;
}

/** GPS places of photos (with ids in (afterId, toId]) that no longer have GPS (the file changed). */
export function dropStaleGpsPlaces(db: Db, afterId: number, toId: number): number[] {
  const ids = (db.prepare(`SELECT pl.photo_id AS id FROM photo_places pl JOIN photos p ON p.id = pl.photo_id
    WHERE pl.photo_id > ? AND pl.photo_id <= ? AND pl.source = 'gps' AND (p.lat IS NULL OR p.lon IS NULL)`)
    .all(afterId, toId) as { id: number }[]).map((r) => r.id);
  const del = db.prepare('DELETE FROM photo_places WHERE photo_id = ?');
  for (const id of ids) del.run(id);
  refreshPhotoText(db, ids);
  return ids;
}
