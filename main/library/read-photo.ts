// The per-file path shared by scans, indexPaths and the watcher: read once, then hash, sniff,
// metadata and thumbnails from the same bytes. Never writes to the original.
import { promises as fs } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import sharp, { type Metadata } from 'sharp';
import { AppError } from '../../shared/errors';
import { FORMAT_NAMES, isRawFormat, type MediaFormat } from '../../shared/media';
import { sniffFormat, SNIFF_BYTES } from '../media/sniff';
import { readPhotoMeta, type PhotoMeta } from './metadata';
import { ensureThumbnails } from './thumbs';
import { describeFsError } from '../media/walk';
import { sniffVideoFile, type VideoFormat } from '../media/video/formats';
import { readVideo, videoErrorMessage } from '../media/video/read-video';
import type { VideoMeta } from '../media/video/probe';

/** Larger files are refused (no photo format here needs more; a buffer this size is already costly). */
export const MAX_FILE_BYTES = 1024 * 1024 * 1024;

export type ReadOutcome =
  | { kind: 'missing' }
  | { kind: 'error'; message: string; size: number; mtimeMs: number; hash: string | null }
  | {
      kind: 'ok'; size: number; mtimeMs: number; hash: string; format: MediaFormat;
      meta: PhotoMeta; phash: string; thumbCached: boolean;
      /** Set for videos (issue 12): what the videos table holds. */
      video?: VideoFields;
    };

export interface VideoFields {
  durationMs: number | null;
  rotation: number;
  codec: string | null;
  audioCodec: string | null;
  fps: number | null;
  contentId: string | null;
  posterMs: number | null;
}

export class PhotoReadError extends Error {}

/** Runs the thumbnail step; the indexer passes a semaphore so reading can run ahead of decoding. */
export type ThumbGate = <T>(task: () => Promise<T>) => Promise<T>;
const ungated: ThumbGate = (task) => task();

export async function readPhoto(abs: string, thumbsDir: string, gate: ThumbGate = ungated): Promise<ReadOutcome> {
  let size = 0;
  let mtimeMs = 0;
  let hash: string | null = null;
  try {
    const st = await fs.stat(abs);
    if (!st.isFile()) return { kind: 'missing' };
    size = st.size;
    mtimeMs = st.mtimeMs;
    if (size === 0) throw new PhotoReadError('empty file (0 bytes)');
    const video = await sniffVideoFile(abs);
    if (video) return await readVideoOutcome(abs, video, thumbsDir, gate, size, mtimeMs);
    if (size > MAX_FILE_BYTES) throw new PhotoReadError(`file is too large (${(size / 2 ** 30).toFixed(1)} GiB; the limit is 1 GiB)`);
    const buf = await fs.readFile(abs);
    const format = sniffFormat(buf.subarray(0, SNIFF_BYTES), abs);
    if (!format) throw new PhotoReadError(notAnImage(abs, buf));
    hash = createHash('sha256').update(buf).digest('hex');
    const header = await headerOf(buf);
    const meta = await readPhotoMeta(buf, header);
    // RAW previews are read by ExifTool from the file; everything else decodes from these bytes.
    const input = isRawFormat(format) ? abs : buf;
    const thumbs = await gate(() => ensureThumbnails(thumbsDir, hash!, input, { format, allowDamaged: false }));
    return { kind: 'ok', size, mtimeMs, hash, format, meta, phash: thumbs.phash, thumbCached: thumbs.cached };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'missing' };
    const message = err instanceof PhotoReadError || err instanceof AppError ? err.message : code ? describeFsError(err) : String((err as Error).message ?? err);
    return { kind: 'error', message, size, mtimeMs, hash };
  }
}

/** sharp's reading of the header (size, orientation, embedded blocks) for the metadata reader; {} when it has none. */
async function headerOf(buf: Buffer): Promise<Metadata> {
  try {
    return await sharp(buf, { limitInputPixels: false }).metadata();
  } catch {
    return {} as Metadata;
  }
}

function notAnImage(abs: string, buf: Buffer): string {
  const ext = path.extname(abs).slice(1).toLowerCase();
  const looksText = buf.subarray(0, 512).every((b) => b === 9 || b === 10 || b === 13 || (b >= 32 && b < 127) || b >= 128);
  const what = looksText ? 'a text file' : `not a supported image (${[...new Set(Object.values(FORMAT_NAMES).filter((n) => !n.includes(' ')))].join(', ')} or camera RAW)`;
  return ext ? `${what}, although it is named .${ext}` : what;
}

/** Videos (issue 12): no size limit (they are streamed, never buffered); same outcome shape as photos. */
async function readVideoOutcome(abs: string, format: VideoFormat, thumbsDir: string, gate: ThumbGate, size: number, mtimeMs: number): Promise<ReadOutcome> {
  let hash: string | null = null;
  try {
    const r = await readVideo(abs, format, thumbsDir, gate, (h) => { hash = h; });
    return {
      kind: 'ok', size, mtimeMs, hash: r.hash, format, phash: r.phash, thumbCached: r.thumbCached,
      meta: videoPhotoMeta(r.meta),
      video: {
        durationMs: r.meta.durationMs, rotation: r.meta.rotation, codec: r.meta.codec, audioCodec: r.meta.audioCodec,
        fps: r.meta.fps, contentId: r.meta.contentId, posterMs: r.posterMs,
      },
    };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'missing' };
    return { kind: 'error', message: code ? describeFsError(err) : videoErrorMessage(err), size, mtimeMs, hash };
  }
}

function videoPhotoMeta(m: VideoMeta): PhotoMeta {
  return {
    width: m.width, height: m.height, orientation: null, takenAt: m.takenAt,
    cameraMake: m.cameraMake, cameraModel: m.cameraModel, lens: null, lat: m.lat, lon: m.lon, embedded: null,
  };
}
