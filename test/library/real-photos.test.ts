// Real camera files (../shared/fixtures/real-photos): the whole folder is indexed, and for every
// photo the date taken, make, model, GPS (latitude, longitude, altitude), orientation, rating and
// label the app stored are compared with what `exiftool -j -n` reads, field by field. Every field
// ExifTool reads, the app has — except the cases listed in EXCEPTIONS with their reason.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, cpSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REAL_PHOTOS_ABSENT, realPhotosDir } from '../support/real-photos';
import { openLibrary, removeDir, tempDir, type TestLibrary } from './helpers';

const source = realPhotosDir();

type Field = 'date' | 'make' | 'model' | 'lat' | 'lon' | 'altitude' | 'orientation' | 'rating' | 'label';

/** `file:field` → why the app differs from ExifTool there, on purpose. */
const EXCEPTIONS: Record<string, string> = {
  // HEIF rotation lives in its irot/imir boxes, which libheif applies when decoding; the EXIF tag is
  // informational and must never be applied again (that double rotation is the classic HEIC bug), so
  // the app stores no EXIF orientation for HEIF files.
  'heic-iphone.heic:orientation': 'HEIF: rotation comes from irot/imir, the EXIF tag is not applied',
  'heic-iphone7.heic:orientation': 'HEIF: rotation comes from irot/imir, the EXIF tag is not applied',
  'heic-maybebroken.HEIC:orientation': 'HEIF: rotation comes from irot/imir, the EXIF tag is not applied',
  'heic-empty.heic:orientation': 'HEIF: rotation comes from irot/imir, the EXIF tag is not applied',
  // ExifTool prefers the DateTimeOriginal of this DJI/FLIR thermal camera's own FLIR block
  // ("15:56:18.605+00:00") over the EXIF one; the app reads the EXIF DateTimeOriginal (same
  // wall-clock second, no zone) and does not parse FLIR maker blocks.
  'issue-exifr-3.jpg:date': 'FLIR maker block date preferred by ExifTool; the app keeps the EXIF one',
};

interface ExifToolRow {
  SourceFile: string;
  MIMEType?: string;
  DateTimeOriginal?: string;
  CreateDate?: string;
  OffsetTimeOriginal?: string;
  OffsetTimeDigitized?: string;
  Make?: string;
  Model?: string;
  GPSLatitude?: number | string;
  GPSLongitude?: number | string;
  GPSAltitude?: number | string;
  Orientation?: number;
  Rating?: number;
  RatingPercent?: number;
  Label?: string;
}

interface AppRow {
  rel_path: string;
  status: string;
  taken_at: string | null;
  camera_make: string | null;
  camera_model: string | null;
  lat: number | null;
  lon: number | null;
  altitude: number | null;
  orientation: number | null;
  rating: number;
  label: string | null;
}

const DATE = /^(\d{4}):(\d{2}):(\d{2}) (\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;

/** ExifTool's date as the app stores it: ISO wall-clock time, with the zone when the file has one. */
function expectedDate(e: ExifToolRow): string | undefined {
  const [value, offset] = e.DateTimeOriginal !== undefined ? [e.DateTimeOriginal, e.OffsetTimeOriginal] : [e.CreateDate, e.OffsetTimeDigitized];
  if (value === undefined) return undefined;
  const m = DATE.exec(String(value));
  if (!m) return `unparsable ${value}`;
  const [, y, mo, d, hh, mm, ss = '00', zone] = m;
  return `${y}-${mo}-${d}T${hh}:${mm}:${ss}${offset ?? zone ?? ''}`;
}

/** Every field ExifTool reads, with the value the app must have. */
function expectedFields(e: ExifToolRow): Partial<Record<Field, string | number>> {
  const out: Partial<Record<Field, string | number>> = {};
  const date = expectedDate(e);
  if (date !== undefined) out.date = date;
  if (e.Make !== undefined) out.make = String(e.Make).trim();
  if (e.Model !== undefined) out.model = String(e.Model).trim();
  // An empty GPS tag (broken1.jpg) is no position.
  if (typeof e.GPSLatitude === 'number' && typeof e.GPSLongitude === 'number') {
    out.lat = e.GPSLatitude;
    out.lon = e.GPSLongitude;
    if (typeof e.GPSAltitude === 'number') out.altitude = e.GPSAltitude;
  }
  if (e.Orientation !== undefined) out.orientation = e.Orientation;
  if (e.Rating !== undefined) out.rating = e.Rating;
  else if (e.RatingPercent !== undefined) out.rating = e.RatingPercent; // 0 in these files; mapped 1/25/50/75/99 → 1–5 stars
  if (e.Label !== undefined) out.label = e.Label;
  return out;
}

function actual(row: AppRow, field: Field): string | number | null {
  switch (field) {
    case 'date': return row.taken_at;
    case 'make': return row.camera_make;
    case 'model': return row.camera_model;
    case 'lat': return row.lat;
    case 'lon': return row.lon;
    case 'altitude': return row.altitude;
    case 'orientation': return row.orientation;
    case 'rating': return row.rating;
    case 'label': return row.label;
  }
}

const same = (a: string | number | null, b: string | number): boolean =>
  typeof b === 'number' && typeof a === 'number' ? Math.abs(a - b) < 1e-6 : a === b;

function hashes(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = path.join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(path.relative(dir, p), createHash('sha256').update(readFileSync(p)).digest('hex'));
    }
  };
  walk(dir);
  return out;
}

if (!source) {
  describe('real camera files', () => {
    it.skip(REAL_PHOTOS_ABSENT, () => {});
  });
} else {
  describe('real camera files', () => {
    let tmp: string;
    let folder: string;
    let lib: TestLibrary;
    let before: Map<string, string>;

    beforeAll(async () => {
      tmp = tempDir('real');
      folder = path.join(tmp, 'real-photos');
      // A writable copy, so nothing the app could do lands beside the shared originals.
      cpSync(source, folder, { recursive: true });
      chmodSync(folder, 0o755);
      before = hashes(folder);
      lib = openLibrary(tmp);
      await lib.service['roots.add']({ path: folder, scan: false });
      await lib.service['library.rescan']({});
    }, 300_000);
    afterAll(async () => {
      await lib?.close();
      if (tmp) removeDir(tmp);
    });

    it('stores every field ExifTool reads, as ExifTool reads it (listed exceptions aside)', () => {
      const et = JSON.parse(execFileSync('exiftool', [
        '-j', '-n', '-r', '-MIMEType', '-DateTimeOriginal', '-CreateDate', '-OffsetTimeOriginal', '-OffsetTimeDigitized',
        '-Make', '-Model', '-GPSLatitude', '-GPSLongitude', '-GPSAltitude', '-Orientation', '-Rating', '-RatingPercent', '-Label', folder,
      ], { maxBuffer: 64 * 1024 * 1024 }).toString()) as ExifToolRow[];
      const rows = new Map((lib.ctx.db.prepare(`SELECT rel_path, status, taken_at, camera_make, camera_model, lat, lon, altitude,
        orientation, rating, label FROM photos`).all() as AppRow[]).map((r) => [r.rel_path, r]));
      const images = et.filter((e) => e.MIMEType?.startsWith('image/'));
      expect(images.length).toBeGreaterThan(50);
      const mismatches: string[] = [];
      const excepted = new Set<string>();
      let compared = 0;
      for (const e of images) {
        const rel = path.relative(folder, e.SourceFile).split(path.sep).join('/');
        const row = rows.get(rel);
        if (!row) { mismatches.push(`${rel}: not in the library`); continue; }
        for (const [field, want] of Object.entries(expectedFields(e)) as [Field, string | number][]) {
          const key = `${rel}:${field}`;
          const got = actual(row, field);
          if (EXCEPTIONS[key]) {
            // The exception must still be one, or the list would outlive its reason.
            if (same(got, want)) mismatches.push(`${key}: listed as an exception but now agrees with ExifTool`);
            excepted.add(key);
            continue;
          }
          compared++;
          if (!same(got, want)) mismatches.push(`${key}: app ${JSON.stringify(got)} (${row.status}), ExifTool ${JSON.stringify(want)}`);
        }
      }
      expect(mismatches).toEqual([]);
      expect([...excepted].sort()).toEqual(Object.keys(EXCEPTIONS).sort());
      expect(compared).toBeGreaterThan(150);
    });

    it('keeps the metadata of photos whose pixels it cannot decode', () => {
      const rows = lib.ctx.db.prepare(`SELECT rel_path, status, taken_at, camera_model FROM photos WHERE rel_path LIKE 'heic-iphone%'`)
        .all() as { rel_path: string; status: string; taken_at: string | null; camera_model: string | null }[];
      expect(rows.map((r) => [r.rel_path, r.taken_at, r.camera_model]).sort()).toEqual([
        ['heic-iphone.heic', '2019-08-21T10:57:23', 'iPhone XS Max'],
        ['heic-iphone7.heic', '2019-10-20T18:34:30+02:00', 'iPhone 7'],
      ]);
    });

    it('leaves the originals byte-identical', () => {
      expect(hashes(folder)).toEqual(before);
    });
  });
}
