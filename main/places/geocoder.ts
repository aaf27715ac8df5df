// Offline reverse geocoding: the country from borders (@rapideditor/country-coder, so a point in
// Évian is in France even though Lausanne across the lake is nearer), then the nearest GeoNames place
// of that country within 25 km (kdbush + geokdbush, great-circle distance, the antimeridian
// included). At sea the borders data decides: no country there means no place at all.
// Also: city lookup by name for places set by hand. The one typed adapter over these packages.
import KDBush from 'kdbush';
import { around } from 'geokdbush';
import { iso1A2Code } from '@rapideditor/country-coder';
import { countryOf, foldName, latOf, lonOf, loadPlacesData, nameOf, regionOf, type PlacesData } from './places-data';
import { countryCodeOf } from '../../shared/country-names';

/** Immich's radius: farther than this from any place, a photo gets the country only. */
export const NEAREST_PLACE_KM = 25;

export interface GeoPlace {
  city: string | null;
  region: string | null;
  countryCode: string;
}

export interface CityMatch {
  /** Index in the gazetteer of the current data version. */
  id: number;
  city: string;
  region: string | null;
  countryCode: string;
  lat: number;
  lon: number;
}

export class Geocoder {
  private readonly index: KDBush;
  private readonly countryIdx = new Map<string, number>();

  constructor(readonly data: PlacesData) {
    this.index = KDBush.from(data.index);
    data.countries.forEach((c, i) => this.countryIdx.set(c, i));
  }

  get version(): string { return this.data.version; }

  /** The place of a coordinate; null for invalid values, null island and open sea. Never throws. */
  reverse(lat: number, lon: number): GeoPlace | null {
    if (!Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) return null;
    // (0, 0) is what broken GPS units write; there is nothing there but sea anyway.
    if (lat === 0 && lon === 0) return null;
    let countryCode = iso1A2Code([lon, lat], { level: 'territory' });
    if (!countryCode) return null;
    // A territory GeoNames files under its country (Ceuta "EA" → Spain): use the country's code.
    if (!this.countryIdx.has(countryCode)) countryCode = iso1A2Code([lon, lat], { level: 'country' }) ?? countryCode;
    const ci = this.countryIdx.get(countryCode);
    const nearest = ci === undefined ? [] : around(this.index, lon, lat, 1, NEAREST_PLACE_KM, (i) => this.data.country[i] === ci);
    const id = nearest[0];
    if (id === undefined) return { city: null, region: null, countryCode };
    return { city: nameOf(this.data, id), region: regionOf(this.data, id), countryCode };
  }

  city(id: number): CityMatch | null {
    if (!Number.isInteger(id) || id < 0 || id >= this.data.count) return null;
    const d = this.data;
    return { id, city: nameOf(d, id), region: regionOf(d, id), countryCode: countryOf(d, id), lat: latOf(d, id), lon: lonOf(d, id) };
  }

  /**
   * Places whose name starts with `text` (case and accents ignored), biggest first. `text` may end
   * in ", region", ", country" or ", region, country" ("Kyoto, JP", "Paris, France", "Springfield, Illinois, US").
   */
  search(text: string, limit = 10): CityMatch[] {
    const parts = text.split(',').map((s) => s.trim()).filter(Boolean);
    const name = parts.shift();
    if (!name) return [];
    let countryCode: string | null = null;
    let region: string | null = null;
    const last = parts[parts.length - 1];
    if (last !== undefined && countryCodeOf(last)) { countryCode = countryCodeOf(last); parts.pop(); }
    if (parts.length) region = foldName(parts.join(', '));
    const key = foldName(name);
    const d = this.data;
    const order = d.nameOrder;
    const keyAt = (i: number) => foldName(nameOf(d, order[i]!));
    let lo = 0;
    let hi = d.count;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (keyAt(mid) < key) lo = mid + 1; else hi = mid; }
    const found: { id: number; exact: boolean }[] = [];
    // A prefix of one letter matches thousands: stop collecting after enough to rank well.
    for (let i = lo; i < d.count && found.length < 5000; i++) {
      const k = keyAt(i);
      if (!k.startsWith(key)) break;
      const id = order[i]!;
      if (countryCode && countryOf(d, id) !== countryCode) continue;
      if (region !== null && !foldName(regionOf(d, id) ?? '').startsWith(region)) continue;
      found.push({ id, exact: k === key });
    }
    found.sort((a, b) => Number(b.exact) - Number(a.exact) || this.data.rank[b.id]! - this.data.rank[a.id]! || a.id - b.id);
    return found.slice(0, limit).map((f) => this.city(f.id)!);
  }
}

let shared: Geocoder | null = null;

/**
 * The process's geocoder, loaded on first use (from the packed cache in `cacheDir` when present).
 * Callers run it from indexing stages and handlers, never at startup.
 */
export function geocoder(cacheDir: string | null): Geocoder {
  if (!shared) shared = new Geocoder(loadPlacesData(cacheDir));
  return shared;
}
