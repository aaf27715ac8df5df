// Place conditions as SQL over `photos p` (membership in photo_places), shared by search filters and
// smart-album rules so both mean the same thing. Names compare ignoring ASCII case (SQLite NOCASE); a
// country may be given as its code or its English or Chinese name.
import { AppError } from '../../shared/errors';
import { countryCodeOf } from '../../shared/country-names';

export interface SqlPart { sql: string; params: (string | number)[] }

export const EARTH_RADIUS_KM = 6371.0088;

/** ISO code of a country given by code or name; an input error otherwise. */
export function requireCountryCode(value: string): string {
  const code = countryCodeOf(value);
  if (!code) throw new AppError('input', `"${value}" is not a country code or a country name (English or Chinese)`);
  return code;
}

/** Photos whose place is in this country / region / city (any may be left out; region null: none known). */
export function placeIsSql(where: { country?: string; region?: string | null; city?: string }): SqlPart {
  const conds: string[] = [];
  const params: (string | number)[] = [];
  if (where.country !== undefined) { conds.push('pl.country_code = ?'); params.push(requireCountryCode(where.country)); }
  if (where.region === null) conds.push('pl.region IS NULL');
  else if (where.region !== undefined) { conds.push('pl.region = ? COLLATE NOCASE'); params.push(where.region.trim()); }
  if (where.city !== undefined) { conds.push('pl.city = ? COLLATE NOCASE'); params.push(where.city.trim()); }
  if (!conds.length) throw new AppError('input', 'a place condition needs a country, region or city');
  return { sql: `+p.id IN (SELECT pl.photo_id FROM photo_places pl WHERE ${conds.join(' AND ')})`, params };
}

/**
 * Photos whose place lies within `km` of a point (great-circle distance). A latitude band and, away
 * from the poles, a longitude band (split at the antimeridian) narrow it on the (lat, lon) index first.
 */
export function nearSql(lat: number, lon: number, km: number): SqlPart {
  if (!Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) {
    throw new AppError('input', `near: ${lat}, ${lon} is not a coordinate`);
  }
  if (!Number.isFinite(km) || km <= 0) throw new AppError('input', 'near: the distance must be more than 0 km');
  const dLat = (km / EARTH_RADIUS_KM) * (180 / Math.PI);
  const params: (string | number)[] = [lat - dLat, lat + dLat];
  const conds = ['pl.lat BETWEEN ? AND ?'];
  const maxAbsLat = Math.abs(lat) + dLat;
  if (maxAbsLat < 89) {
    const dLon = dLat / Math.cos((maxAbsLat * Math.PI) / 180);
    if (dLon < 180) {
      const w = lon - dLon;
      const e = lon + dLon;
      if (w < -180) { conds.push('(pl.lon >= ? OR pl.lon <= ?)'); params.push(w + 360, e); }
      else if (e > 180) { conds.push('(pl.lon >= ? OR pl.lon <= ?)'); params.push(w, e - 360); }
      else { conds.push('pl.lon BETWEEN ? AND ?'); params.push(w, e); }
    }
  }
  // Haversine with SQLite's math functions.
  conds.push(`${2 * EARTH_RADIUS_KM} * asin(min(1, sqrt(pow(sin(radians(pl.lat - ?) / 2), 2)
    + cos(radians(?)) * cos(radians(pl.lat)) * pow(sin(radians(pl.lon - ?) / 2), 2)))) <= ?`);
  params.push(lat, lat, lon, km);
  return { sql: `+p.id IN (SELECT pl.photo_id FROM photo_places pl WHERE ${conds.join(' AND ')})`, params };
}
