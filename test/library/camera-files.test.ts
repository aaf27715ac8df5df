// Real camera rolls (issue 10): real iPhone HEICs against libheif's own heif-convert, HEICs made
// here with heif-enc carrying EXIF orientations 1–8 (HEIF must never be rotated by EXIF again),
// damaged JPEGs (truncated at 50 % and 90 %, corrupt restart markers) shown and captioned as
// 'damaged', a zero-byte file that fails alone, and originals left byte-identical.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, promises as fs, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { hashTree } from '../support/photos';
import { realPhotosDir, REAL_PHOTOS_ABSENT } from '../support/real-photos';
import { tinyModelDir } from '../support/models';
import { byRel, removeDir, tempDir, type TestLibrary } from './helpers';
import { thumbFiles } from '../../main/library/thumbs';
import { runAiStage } from '../../main/ai/stage';
import { nodeEngineFactory } from '../../main/engine/factory';
import { createContext } from '../../main/service/context';
import { createService } from '../../main/service/index';

const real = realPhotosDir();
if (!real) console.warn(`camera-files.test.ts: ${REAL_PHOTOS_ABSENT}`);
const REAL_HEICS = ['heic-iphone.heic', 'heic-iphone7.heic', 'heic-maybebroken.HEIC', 'heic-single.heic', 'heic-collection.heic', 'heic-empty.heic'];

let lib: TestLibrary;
let photos: string;
let originals: Map<string, string>;

/** Mean absolute difference per channel value of two same-sized RGB images. */
async function meanError(a: string | Buffer, b: string, width: number, height: number): Promise<number> {
  const [pa, pb] = await Promise.all([a, b].map((f) => sharp(f).resize(width, height, { fit: 'fill' }).removeAlpha().raw().toBuffer()));
  let sum = 0;
  for (let i = 0; i < pa!.length; i++) sum += Math.abs(pa![i]! - pb![i]!);
  return sum / pa!.length;
}

/**
 * libheif's own rendering of the primary image, as a quality-100 JPEG (libpng refuses to write some
 * phones' ICC profiles: "known incorrect sRGB profile"). heif-convert writes every top-level image of
 * a collection as NAME-1.jpg, NAME-2.jpg, … in heif-info's order; the primary is the one heif-info marks.
 */
function heifConvertPrimary(file: string, jpg: string): string {
  execFileSync('heif-convert', ['-q', '100', file, jpg], { stdio: 'ignore' });
  if (existsSync(jpg)) return jpg;
  const images = execFileSync('heif-info', [file]).toString().split('\n').filter((l) => /^image: /.test(l));
  const primary = images.findIndex((l) => /\bprimary\b/.test(l));
  expect(primary, `heif-info names a primary image in ${file}`).toBeGreaterThanOrEqual(0);
  return jpg.replace(/\.jpg$/, `-${primary + 1}.jpg`);
}

function corruptRestartMarkers(jpeg: Buffer): Buffer {
  const out = Buffer.from(jpeg);
  let n = 0;
  for (let i = 0; i < out.length - 1; i++) {
    // Every other RSTn marker becomes stuffed data: the decoder loses sync there and resyncs later.
    if (out[i] === 0xff && out[i + 1]! >= 0xd0 && out[i + 1]! <= 0xd7 && n++ % 2 === 0) out[i + 1] = 0x00;
  }
  expect(n).toBeGreaterThan(10);
  return out;
}

describe.skipIf(!real)('real camera rolls', { timeout: 600_000 }, () => {
  beforeAll(async () => {
    const tmp = tempDir('camera-files');
    photos = path.join(tmp, 'photos');
    await fs.mkdir(path.join(photos, 'real'), { recursive: true });
    await fs.mkdir(path.join(photos, 'generated'), { recursive: true });
    await fs.mkdir(path.join(photos, 'damaged'), { recursive: true });
    for (const f of REAL_HEICS) await fs.copyFile(path.join(real!, f), path.join(photos, 'real', f));
    for (let o = 1; o <= 8; o++) {
      execFileSync('heif-enc', ['-q', '90', path.join(real!, 'orientation', `f${o}t.jpg`), '-o', path.join(photos, 'generated', `o${o}.heic`)], { stdio: 'ignore' });
    }
    const jpeg = readFileSync(path.join(real!, 'IMG_20180725_163423-tiny.jpg'));
    writeFileSync(path.join(photos, 'damaged', 'half.jpg'), jpeg.subarray(0, Math.floor(jpeg.length * 0.5)));
    writeFileSync(path.join(photos, 'damaged', 'ninety.jpg'), jpeg.subarray(0, Math.floor(jpeg.length * 0.9)));
    writeFileSync(path.join(photos, 'damaged', 'restart.jpg'), corruptRestartMarkers(readFileSync(path.join(real!, 'Bush-dog.jpg'))));
    writeFileSync(path.join(photos, 'damaged', 'zero.jpg'), Buffer.alloc(0));
    originals = await hashTree(photos);
    const ctx = createContext({ dataDir: path.join(tmp, 'data'), engineFactory: nodeEngineFactory });
    lib = { tmp, ctx, service: createService(ctx), close: () => ctx.close() };
    await lib.service['roots.add']({ path: photos, scan: false });
    await lib.service['library.rescan']({});
  }, 600_000);

  afterAll(async () => {
    await lib?.close();
    if (lib) removeDir(lib.tmp);
  });

  const grid = (rel: string) => {
    const row = lib.ctx.db.prepare('SELECT content_hash FROM photos WHERE rel_path = ?').get(rel) as { content_hash: string };
    return thumbFiles(lib.ctx.paths.thumbs, row.content_hash).grid;
  };

  it('gives every real HEIC a grid thumbnail with ExifTool\'s rotated aspect and heif-convert\'s pixels', async () => {
    const exif = JSON.parse(execFileSync('exiftool', ['-j', '-n', '-ImageWidth', '-ImageHeight', '-Rotation', ...REAL_HEICS.map((f) => path.join(photos, 'real', f))]).toString()) as
      { SourceFile: string; ImageWidth: number; ImageHeight: number; Rotation?: number }[];
    for (const f of REAL_HEICS) {
      const rel = `real/${f}`;
      expect(byRel(lib.ctx, rel), rel).toMatchObject({ status: 'ok', error: null });
      const e = exif.find((x) => x.SourceFile.endsWith(f))!;
      const turned = e.Rotation === 90 || e.Rotation === 270;
      const expectedAspect = turned ? e.ImageHeight / e.ImageWidth : e.ImageWidth / e.ImageHeight;
      const meta = await sharp(grid(rel)).metadata();
      expect(meta.width! / meta.height!, rel).toBeCloseTo(expectedAspect, 1);
      const ref = heifConvertPrimary(path.join(photos, rel), path.join(lib.tmp, `${f}.jpg`));
      // sharp turns heif-convert's embedded Display P3 profile into sRGB, as our decoder does.
      // Measured 0.5–5.6 (WebP at quality 75, Display P3 → sRGB); a rotated or unconverted image is far above 8.
      expect(await meanError(grid(rel), ref, meta.width!, meta.height!), rel).toBeLessThan(8);
    }
  });

  it('never rotates a HEIC by its EXIF orientation: heif-enc HEICs with orientations 1–8 look as libheif shows them', async () => {
    for (let o = 1; o <= 8; o++) {
      const rel = `generated/o${o}.heic`;
      expect(byRel(lib.ctx, rel), rel).toMatchObject({ status: 'ok' });
      const ref = heifConvertPrimary(path.join(photos, rel), path.join(lib.tmp, `o${o}.jpg`));
      const [ours, theirs] = await Promise.all([sharp(grid(rel)).metadata(), sharp(ref).metadata()]);
      expect([ours.width, ours.height], rel).toEqual([theirs.width, theirs.height]);
      expect(await meanError(grid(rel), ref, ours.width!, ours.height!), rel).toBeLessThan(6);
    }
  });

  it('shows damaged JPEGs as damaged, with their pixels and the decoder\'s warning; a zero-byte file fails alone', async () => {
    for (const rel of ['damaged/half.jpg', 'damaged/ninety.jpg', 'damaged/restart.jpg']) {
      const row = byRel(lib.ctx, rel)!;
      expect(row, rel).toMatchObject({ status: 'damaged' });
      expect(row.error, rel).toMatch(/premature end|corrupt|marker|damaged/i);
      const meta = await sharp(grid(rel)).metadata();
      expect(meta.width, rel).toBeGreaterThan(100);
    }
    const zero = lib.ctx.db.prepare(`SELECT status, error, taken_at, camera_make, width FROM photos WHERE rel_path = 'damaged/zero.jpg'`).get();
    expect(zero).toEqual({ status: 'error', error: 'empty file (0 bytes)', taken_at: null, camera_make: null, width: null });
    // A damaged photo still keeps what its metadata says (the tail is gone, the EXIF header is not).
    const half = lib.ctx.db.prepare(`SELECT camera_make, taken_at FROM photos WHERE rel_path = 'damaged/half.jpg'`).get() as { camera_make: string | null; taken_at: string | null };
    expect(half.camera_make).toBeTruthy();
    expect(half.taken_at).toBeTruthy();
  });

  it('captions damaged photos and HEICs like any other (tiny forged model)', async () => {
    const model = await tinyModelDir();
    const ids = (lib.ctx.db.prepare(`SELECT id FROM photos WHERE rel_path IN ('damaged/half.jpg','damaged/ninety.jpg','damaged/restart.jpg','generated/o6.heic')`).all() as { id: number }[]).map((r) => r.id);
    // Only these four: the rest would only make the test slower.
    lib.ctx.db.prepare(`INSERT INTO photo_stage (photo_id, stage, done_at, attempts) SELECT id, 'ai', '2000-01-01', 1 FROM photos WHERE id NOT IN (${ids.join(',')})`).run();
    const summary = await runAiStage(lib.ctx, { ai: true, model });
    expect(summary.run).toMatchObject({ captioned: 4, failed: 0 });
    const captioned = lib.ctx.db.prepare(`SELECT count(DISTINCT photo_id) AS n FROM captions WHERE source = 'ai' AND photo_id IN (${ids.join(',')})`).get() as { n: number };
    expect(captioned.n).toBe(4);
  });

  it('leaves every original byte-identical', async () => {
    expect(await hashTree(photos)).toEqual(originals);
  });
});
