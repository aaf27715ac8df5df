// Test photos: real JPEG/PNG/WebP files made with sharp, with EXIF/GPS/XMP written by exiftool
// (Debian: libimage-exiftool-perl). Also the hostile inputs the indexer must survive.
import sharp, { type Sharp } from 'sharp';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

export interface ExifSpec {
  make?: string;
  model?: string;
  lens?: string;
  /** EXIF form: "YYYY:MM:DD HH:MM:SS". */
  date?: string;
  /** OffsetTimeOriginal, e.g. "+02:00". */
  offset?: string;
  lat?: number;
  lon?: number;
  orientation?: number;
  description?: string;
  keywords?: string[];
}

export interface PhotoSpec {
  /** Path relative to the folder, '/' separated. */
  rel: string;
  format?: 'jpeg' | 'png' | 'webp';
  width?: number;
  height?: number;
  /** Picks the picture's pattern and colours, so photos differ in content. */
  seed?: number;
  exif?: ExifSpec;
}

/** A smooth but textured picture: upscaled seeded noise over a seeded gradient. */
export function pictureOf(width: number, height: number, seed: number): Sharp {
  const w = Math.max(8, Math.round(width / 8));
  const h = Math.max(8, Math.round(height / 8));
  const px = Buffer.alloc(w * h * 3);
  let s = (seed * 2654435761) >>> 0 || 1;
  const rnd = () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s & 0xff; };
  const [r0, g0, b0] = [rnd(), rnd(), rnd()];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 3;
      px[i] = (r0 + (x * 255) / w + (rnd() >> 2)) & 0xff;
      px[i + 1] = (g0 + (y * 255) / h + (rnd() >> 2)) & 0xff;
      px[i + 2] = (b0 + ((x + y) * 128) / (w + h) + (rnd() >> 2)) & 0xff;
    }
  }
  return sharp(px, { raw: { width: w, height: h, channels: 3 } }).resize(width, height, { fit: 'fill', kernel: 'cubic' });
}

/** Writes the photos (creating folders), then all EXIF in one exiftool run. Returns absolute paths. */
export async function makePhotos(dir: string, specs: PhotoSpec[]): Promise<string[]> {
  const files: string[] = [];
  for (const [i, spec] of specs.entries()) {
    const file = path.join(dir, ...spec.rel.split('/'));
    await fs.mkdir(path.dirname(file), { recursive: true });
    const img = pictureOf(spec.width ?? 96, spec.height ?? 64, spec.seed ?? i + 1);
    const format = spec.format ?? 'jpeg';
    await (format === 'png' ? img.png() : format === 'webp' ? img.webp({ quality: 90 }) : img.jpeg({ quality: 90 })).toFile(file);
    files.push(file);
  }
  const withExif = specs.map((s, i) => [s.exif, files[i]!] as const).filter(([e]) => e !== undefined);
  if (withExif.length) writeExif(withExif.map(([e, f]) => [f, e!]));
  return files;
}

export function writeExif(items: (readonly [string, ExifSpec])[]): void {
  const args: string[] = [];
  for (const [file, e] of items) {
    args.push('-overwrite_original', '-q', '-m');
    if (e.make) args.push(`-Make=${e.make}`);
    if (e.model) args.push(`-Model=${e.model}`);
    if (e.lens) args.push(`-LensModel=${e.lens}`);
    if (e.date) args.push(`-DateTimeOriginal=${e.date}`);
    if (e.offset) args.push(`-OffsetTimeOriginal=${e.offset}`);
    if (e.lat !== undefined) args.push(`-GPSLatitude=${Math.abs(e.lat)}`, `-GPSLatitudeRef=${e.lat >= 0 ? 'N' : 'S'}`);
    if (e.lon !== undefined) args.push(`-GPSLongitude=${Math.abs(e.lon)}`, `-GPSLongitudeRef=${e.lon >= 0 ? 'E' : 'W'}`);
    if (e.orientation) args.push(`-Orientation#=${e.orientation}`);
    if (e.description) args.push(`-XMP-dc:Description=${e.description}`);
    for (const k of e.keywords ?? []) args.push(`-XMP-dc:Subject=${k}`);
    args.push(file, '-execute');
  }
  const argfile = path.join(path.dirname(items[0]![0]), `.exiftool-args-${process.pid}`);
  requireExiftool();
  return withArgfile(argfile, args);
}

function withArgfile(argfile: string, args: string[]): void {
  // One exiftool process for all files (Perl start-up is the slow part); args one per line.
  const text = args.join('\n');
  execFileSync('sh', ['-c', `cat > "$1" && exiftool -charset filename=utf8 -@ "$1"; rc=$?; rm -f "$1"; exit $rc`, 'sh', argfile], { input: text, stdio: ['pipe', 'ignore', 'pipe'] });
}

let exiftoolChecked = false;
function requireExiftool(): void {
  if (exiftoolChecked) return;
  try {
    execFileSync('exiftool', ['-ver'], { stdio: 'ignore' });
  } catch {
    throw new Error('exiftool is needed to write EXIF into test photos (Debian/Ubuntu: apt-get install -y libimage-exiftool-perl)');
  }
  exiftoolChecked = true;
}

/** A valid PNG header announcing width×height pixels, with almost no data: a decompression bomb. */
export function pngBomb(width = 30000, height = 30000): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const idat = zlib.deflateSync(Buffer.alloc((width * 3 + 1) * 4));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', Buffer.alloc(0))]);
}

export const sha256File = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

/** sha256 of every regular file below dir (symlinks not followed), by relative path. */
export async function hashTree(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (d: string) => {
    let entries;
    try { entries = await fs.readdir(d, { withFileTypes: true }); } catch { return; }
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile()) out.set(path.relative(dir, p), sha256File(p));
    }
  };
  await walk(dir);
  return out;
}
