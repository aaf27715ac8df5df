// The per-file path shared by scans, indexPaths and the watcher: read once, then hash, sniff,
// metadata and thumbnails from the same bytes. Never writes to the original.
import { promises as fs } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import sharp from 'sharp';
import { sniffFormat, type ImageFormat } from './formats';
import { readPhotoMeta, type PhotoMeta } from './metadata';
import { ensureThumbnails, MAX_INPUT_PIXELS } from './thumbs';
import { describeFsError } from './walk';

/** Larger files are refused (no photo format here needs more; a buffer this size is already costly). */
export const MAX_FILE_BYTES = 1024 * 1024 * 1024;

export type ReadOutcome =
  | { kind: 'missing' }
  | { kind: 'error'; message: string; size: number; mtimeMs: number; hash: string | null; meta?: PhotoMeta }
  | {
      kind: 'ok'; size: number; mtimeMs: number; hash: string; format: ImageFormat;
      meta: PhotoMeta; phash: string; thumbCached: boolean;
    };

export class PhotoReadError extends Error {}

/** Runs the thumbnail step; the indexer passes a semaphore so reading can run ahead of decoding. */
export type ThumbGate = <T>(task: () => Promise<T>) => Promise<T>;
const ungated: ThumbGate = (task) => task();

export async function readPhoto(abs: string, thumbsDir: string, gate: ThumbGate = ungated): Promise<ReadOutcome> {
  let size = 0;
  let mtimeMs = 0;
  let hash: string | null = null;
  let bytes: { buf: Buffer; format: ImageFormat } | null = null;
  try {
    const st = await fs.stat(abs);
    if (!st.isFile()) return { kind: 'missing' };
    size = st.size;
    mtimeMs = st.mtimeMs;
    if (size === 0) throw new PhotoReadError('empty file (0 bytes)');
    if (size > MAX_FILE_BYTES) throw new PhotoReadError(`file is too large (${(size / 2 ** 30).toFixed(1)} GiB; the limit is 1 GiB)`);
    const buf = await fs.readFile(abs);
    const format = sniffFormat(buf.subarray(0, 32));
    if (!format) throw new PhotoReadError(notAnImage(abs, buf));
    hash = createHash('sha256').update(buf).digest('hex');
    bytes = { buf, format };
    const header = await decodeStep(format, () => sharp(buf, { limitInputPixels: false }).metadata());
    const w = header.width ?? 0;
    const h = header.height ?? 0;
    if (w * h > MAX_INPUT_PIXELS) {
      throw new PhotoReadError(`image is ${w}×${h} (${Math.round((w * h) / 1e6)} megapixels), over the ${MAX_INPUT_PIXELS / 1e6}-megapixel limit: refused as a possible decompression bomb`);
    }
    const meta = await readPhotoMeta({ path: abs, buf, format, header });
    const thumbs = await gate(() => decodeStep(format, () => ensureThumbnails(thumbsDir, hash!, buf)));
    return { kind: 'ok', size, mtimeMs, hash, format, meta, phash: thumbs.phash, thumbCached: thumbs.cached };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'missing' };
    const message = err instanceof PhotoReadError ? err.message : code ? describeFsError(err) : String((err as Error).message ?? err);
    // The pixels failed, the metadata need not: date, camera and GPS are kept for the photo.
    const meta = bytes ? await readPhotoMeta({ path: abs, ...bytes, header: null }).catch(() => undefined) : undefined;
    return { kind: 'error', message, size, mtimeMs, hash, meta };
  }
}

const FORMAT_NAMES: Record<ImageFormat, string> = {
  jpeg: 'JPEG', png: 'PNG', webp: 'WebP', avif: 'AVIF', tiff: 'TIFF', gif: 'GIF', heic: 'HEIC',
};

/**
 * Runs a libvips step, turning its multi-line errors into one readable message. libvips keeps one
 * error buffer per process, so a failure while other images decode can come back as a bare
 * "Unknown error"; the step is tried again for the real reason.
 */
async function decodeStep<T>(format: ImageFormat, step: () => Promise<T>): Promise<T> {
  let lastMessage = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await step();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code) throw err; // a file-system error, reported as such
      lastMessage = String((err as Error).message);
      if (!/^\s*(Unknown error)?\s*$/i.test(lastMessage)) break;
    }
  }
  const lines = [...new Set(lastMessage.split('\n').map((l) => l.trim()).filter(Boolean))];
  let detail = /^\s*(Unknown error)?\s*$/i.test(lastMessage) ? 'the file is damaged or incomplete' : lines.join('; ');
  if (format === 'heic' && /unsupported|codec|compression/i.test(detail)) {
    detail = `this build of libvips can't decode HEIC (HEVC) images (${detail})`;
  }
  throw new PhotoReadError(`cannot decode ${FORMAT_NAMES[format]}: ${detail}`);
}

function notAnImage(abs: string, buf: Buffer): string {
  const ext = path.extname(abs).slice(1).toLowerCase();
  const looksText = buf.subarray(0, 512).every((b) => b === 9 || b === 10 || b === 13 || (b >= 32 && b < 127) || b >= 128);
  const what = looksText ? 'a text file' : 'not a supported image (JPEG, PNG, WebP, AVIF, TIFF, GIF, HEIC)';
  return ext ? `${what}, although it is named .${ext}` : what;
}
