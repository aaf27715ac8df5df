// Read side of places: the country → region → city counts of the places view and `places`, one
// photo's place, and the photos of a place. Counts come from the photo_places_where index alone.
import type { Db } from '../db/connection';
import { cachedStatement } from '../db/statements';
import type { PhotoPlace, PlaceCount, PlaceSource } from '../../shared/types';

interface CountRow { country_code: string | null; region: string | null; city: string | null; count: number; cover_id: number }

const toCount = (r: CountRow): PlaceCount => ({ countryCode: r.country_code, region: r.region, city: r.city, count: r.count, coverId: r.cover_id });

/**
 * One level of the places tree, biggest first: countries (no argument), the regions of a country,
 * or the cities of a region (`region` null: the cities GeoNames gives no region). Photos at sea (no
 * country) are left out. The cover is the most recently added photo of the place.
 */
export function placeLevel(db: Db, at: { country?: string; region?: string | null }): PlaceCount[] {
  if (at.country === undefined) return countryLevel(db).map((c) => ({ ...c }));
  if (at.region === undefined) {
    return (cachedStatement(db, `SELECT country_code, region, NULL AS city, count(*) AS count, max(photo_id) AS cover_id
      FROM photo_places WHERE country_code = ? GROUP BY region ORDER BY count DESC, region`).all(at.country) as CountRow[]).map(toCount);
  }
  return (cachedStatement(db, `SELECT country_code, region, city, count(*) AS count, max(photo_id) AS cover_id
    FROM photo_places WHERE country_code = ? AND region IS ? GROUP BY city ORDER BY count DESC, city`).all(at.country, at.region) as CountRow[]).map(toCount);
}

// The countries level counts every placed photo (≈ 20 ms CPU at 100,000): recounted only after a write.
// data_version moves when another connection commits, total_changes when this one writes.
const countriesMemo = new WeakMap<Db, { version: string; rows: PlaceCount[] }>();

function countryLevel(db: Db): PlaceCount[] {
  const version = `${db.pragma('data_version', { simple: true })}:${(cachedStatement(db, 'SELECT total_changes() AS n').get() as { n: number }).n}`;
  const memo = countriesMemo.get(db);
  if (memo?.version === version) return memo.rows;
  const rows = (cachedStatement(db, `SELECT country_code, NULL AS region, NULL AS city, count(*) AS count, max(photo_id) AS cover_id
    FROM photo_places WHERE country_code IS NOT NULL GROUP BY country_code ORDER BY count DESC, country_code`).all() as CountRow[]).map(toCount);
  countriesMemo.set(db, { version, rows });
  return rows;
}

/** Every (country, region, city) with its count: the whole tree at once (CLI `places`). */
export function placeTree(db: Db): PlaceCount[] {
  return (cachedStatement(db, `SELECT country_code, region, city, count(*) AS count, max(photo_id) AS cover_id
    FROM photo_places WHERE country_code IS NOT NULL GROUP BY country_code, region, city
    ORDER BY country_code, region, city`).all() as CountRow[]).map(toCount);
}

interface PlaceRow { source: PlaceSource; lat: number; lon: number; city: string | null; region: string | null; country_code: string | null }

export function photoPlace(db: Db, photoId: number): PhotoPlace | null {
  const r = cachedStatement(db, `SELECT source, lat, lon, city, region, country_code FROM photo_places WHERE photo_id = ?`).get(photoId) as PlaceRow | undefined;
  return r ? { source: r.source, lat: r.lat, lon: r.lon, city: r.city, region: r.region, countryCode: r.country_code } : null;
}

/** Places of several photos at once (export). */
export function photoPlaces(db: Db, photoIds: readonly number[]): Map<number, PhotoPlace> {
  const out = new Map<number, PhotoPlace>();
  if (!photoIds.length) return out;
  const rows = cachedStatement(db, `SELECT photo_id, source, lat, lon, city, region, country_code FROM photo_places
    WHERE photo_id IN (SELECT value FROM json_each(?))`).all(JSON.stringify(photoIds)) as (PlaceRow & { photo_id: number })[];
  for (const r of rows) out.set(r.photo_id, { source: r.source, lat: r.lat, lon: r.lon, city: r.city, region: r.region, countryCode: r.country_code });
  return out;
}

