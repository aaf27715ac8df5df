// Real camera files with GPS (shared fixtures, copied to a temp folder first: they are read-only):
// indexing gives each the place that ExifTool's reading of its coordinates implies.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { realPhotosDir } from '../support/real-photos';
import { openLibrary, removeDir, tempDir, type TestLibrary } from '../library/helpers';
import { addRoot } from '../../main/library/roots';
import { scanRoots } from '../../main/library/indexer';
import { geocoder } from '../../main/places/geocoder';
import { placesCacheDir } from '../../main/places/cache-dir';
import type { PhotoDetail } from '../../shared/types';

const SOURCE = realPhotosDir();
// Files whose EXIF carries GPS (and that decode here); what they show is known from their README/EXIF.
const FILES = ['IMG_20180725_163423.jpg', 'issue-exifr-59.jpg', 'iptc-agency-photographer-example.jpg', 'issue-exifr-36.jpg',
  'empty-imagedesc-in-ifd0.jpg', 'issue-exifr-13.jpg', 'issue-exifr-3.jpg', '001.tif'];
const KNOWN: Record<string, string> = {
  'IMG_20180725_163423.jpg': 'CZ', 'issue-exifr-59.jpg': 'US', 'iptc-agency-photographer-example.jpg': 'US', 'issue-exifr-36.jpg': 'KE',
  'empty-imagedesc-in-ifd0.jpg': 'IT', '001.tif': 'BE',
};

const run = SOURCE ? describe : describe.skip;
if (!SOURCE) console.warn('Skipping real-photo place tests: no shared fixtures (set SMOLALBUM_SHARED_DIR or put ../shared/fixtures/real-photos next to the repository)');

let tmp: string;
let lib: TestLibrary;

beforeAll(async () => {
  if (!SOURCE) return;
  tmp = tempDir('places-real');
  const dir = path.join(tmp, 'photos');
  mkdirSync(dir);
  for (const f of FILES) copyFileSync(path.join(SOURCE, f), path.join(dir, f));
  lib = openLibrary(tmp);
  await addRoot(lib.ctx.db, dir);
  await scanRoots(lib.ctx);
}, 120_000);

afterAll(async () => {
  await lib?.close();
  if (tmp) removeDir(tmp);
});

run('places of real camera files', () => {
  it('match what ExifTool\'s GPS implies', async () => {
    const dir = path.join(tmp, 'photos');
    const exif = JSON.parse(execFileSync('exiftool', ['-j', '-n', '-GPSLatitude', '-GPSLongitude', ...FILES.map((f) => path.join(dir, f))], { encoding: 'utf8' })) as
      { SourceFile: string; GPSLatitude?: number; GPSLongitude?: number }[];
    const geo = geocoder(placesCacheDir(lib.ctx));
    let checked = 0;
    for (const e of exif) {
      const name = path.basename(e.SourceFile);
      const row = lib.ctx.db.prepare('SELECT id FROM photos WHERE file_name = ?').get(name) as { id: number };
      const photo = await lib.service['photos.get']({ id: row.id }) as PhotoDetail;
      expect(e.GPSLatitude, name).toBeTypeOf('number');
      expect(photo.lat, name).toBeCloseTo(e.GPSLatitude!, 5);
      expect(photo.lon, name).toBeCloseTo(e.GPSLongitude!, 5);
      const expected = geo.reverse(e.GPSLatitude!, e.GPSLongitude!);
      expect(photo.place, name).toMatchObject({ source: 'gps', city: expected?.city ?? null, region: expected?.region ?? null, countryCode: expected?.countryCode ?? null });
      if (KNOWN[name]) expect(photo.place?.countryCode, name).toBe(KNOWN[name]);
      checked++;
    }
    expect(checked).toBe(FILES.length);
  });
});
