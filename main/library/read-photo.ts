// The per-file path shared by scans, indexPaths and the watcher: read once, then hash, sniff,
// metadata and the grid thumbnail from the same bytes. Metadata is read before the pixels and kept
// when they cannot be decoded; a damaged file decoded in part is kept with the decoder's warning.
// Never writes to the original.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import sharp, { type Metadata } from 'sharp';
import { AppError } from '../../shared/errors';
import { FORMAT_NAMES, isRawFormat, type MediaFormat } from '../../shared/media';
import { sniffFormat, SNIFF_BYTES } from '../media/sniff';
import { readPhotoMeta, type PhotoMeta } from './metadata';
import { ensureGrid } from './thumbs';
import { ungated, type Gate } from './pool';
import { NO_RAW_PREVIEW } from '../media/decode';
import { describeFsError } from '../media/walk';
import { sniffVideo, VIDEO_SNIFF_BYTES, type VideoFormat } from '../media/video/formats';
import { readWhole } from '../media/read-whole';
import { hashBytes } from '../media/file-hash';
import { readVideo, videoErrorMessage } from '../media/video/read-video';
import type { VideoMeta } from '../media/video/probe';

/** Larger files are refused (no photo format here needs more; a buffer this size is already costly). */
export const MAX_FILE_BYTES = 1024 * 1024 * 1024;

export type ReadOutcome =
  | { kind: 'missing' }
  | { kind: 'error'; message: string; size: number; mtimeMs: number; hash: string | null; format: MediaFormat | null; meta: PhotoMeta | null }
  | {
      kind: 'ok'; size: number; mtimeMs: number; hash: string; format: MediaFormat;
      meta: PhotoMeta; phash: string | null; thumbCached: boolean;
      /** The decoder's warning when only part of the pixels could be decoded (null when the grid was cached). */
      damaged: string | null;
      /** A RAW with no usable embedded preview: why there is no picture (no grid thumbnail, no caption). */
      noPreview?: string;
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

/** Why a file is not indexed (kept in its row): a person's file, not a fault of the app. */
const unreadable = (message: string) => new AppError('unsupported', message);


/** `gate` holds the decoding steps: the indexer passes a semaphore so reading can run ahead of decoding. */
export async function readPhoto(abs: string, thumbsDir: string, gate: Gate = ungated): Promise<ReadOutcome> {
  let size = 0;
  let mtimeMs = 0;
  let hash: string | null = null;
  let format: MediaFormat | null = null;
  let meta: PhotoMeta | null = null;
  try {
    // Stat first: opening a FIFO would wait for a writer.
    const st = await fs.stat(abs);
    if (!st.isFile()) return { kind: 'missing' };
    size = st.size;
    mtimeMs = st.mtimeMs;
    if (size === 0) throw unreadable('empty file (0 bytes)');
    const opened = await videoOrBytes(abs, size);
    if ('video' in opened) return await readVideoOutcome(abs, opened.video, thumbsDir, gate, size, mtimeMs);
    const buf = opened.buf;
    const sniffed = sniffFormat(buf.subarray(0, SNIFF_BYTES), abs);
    if (!sniffed) throw unreadable(notAnImage(abs, buf));
    format = sniffed;
    hash = hashBytes(buf);
    const header = await headerOf(buf);
    // Metadata first, on its own: it is kept even when the pixels cannot be decoded.
    meta = await readPhotoMeta({ path: abs, buf, format: sniffed, header }).catch(() => null);
    // RAW previews are read by ExifTool from the file; everything else decodes from these bytes.
    const input = isRawFormat(sniffed) ? abs : buf;
    let thumbs;
    try {
      // The header sharp read from these bytes spares the decoder a second read.
      thumbs = await ensureGrid(thumbsDir, hash!, input, { format: sniffed, ...(header && input === buf ? { header } : {}) }, gate);
    } catch (err) {
      // A RAW without a usable embedded preview is still a photo of the library (metadata, file,
      // rating): shown with a placeholder that says so, not an error.
      if (isRawFormat(sniffed) && err instanceof AppError && err.details?.detail === NO_RAW_PREVIEW) {
        return { kind: 'ok', size, mtimeMs, hash, format: sniffed, meta: meta ?? emptyMeta(), phash: null, thumbCached: false, damaged: null, noPreview: err.message };
      }
      throw err;
    }
    return { kind: 'ok', size, mtimeMs, hash, format: sniffed, meta: meta ?? emptyMeta(), phash: thumbs.phash, thumbCached: thumbs.cached, damaged: thumbs.damaged };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'missing' };
    const message = err instanceof AppError ? err.message : code ? describeFsError(err) : String((err as Error).message ?? err);
    return { kind: 'error', message, size, mtimeMs, hash, format, meta };
  }
}

/** One open: a video is recognised by its head (and streamed later, never buffered); anything else is read whole. */
async function videoOrBytes(abs: string, size: number): Promise<{ video: VideoFormat } | { buf: Buffer }> {
  const fh = await fs.open(abs, 'r');
  try {
    const head = new Uint8Array(Math.min(size, VIDEO_SNIFF_BYTES));
    await fh.read(head, 0, head.length, 0);
    const video = sniffVideo(head);
    if (video) return { video };
    if (size > MAX_FILE_BYTES) throw unreadable(`file is too large (${(size / 2 ** 30).toFixed(1)} GiB; the limit is 1 GiB)`);
    return { buf: await readWhole(fh, size) };
  } finally {
    await fh.close().catch(() => {});
  }
}

const emptyMeta = (): PhotoMeta => ({
  width: null, height: null, orientation: null, takenAt: null, cameraMake: null, cameraModel: null, lens: null,
  lat: null, lon: null, altitude: null, rating: null, label: null, pick: null, embedded: null, reader: 'none',
});

/** sharp's reading of the header (size, orientation, embedded blocks) for the metadata reader; null when libvips cannot open it. */
async function headerOf(buf: Buffer): Promise<Metadata | null> {
  try {
    return await sharp(buf, { limitInputPixels: false }).metadata();
  } catch {
    return null;
  }
}

function notAnImage(abs: string, buf: Buffer): string {
  const ext = path.extname(abs).slice(1).toLowerCase();
  const looksText = buf.subarray(0, 512).every((b) => b === 9 || b === 10 || b === 13 || (b >= 32 && b < 127) || b >= 128);
  const what = looksText ? 'a text file' : `not a supported image (${[...new Set(Object.values(FORMAT_NAMES).filter((n) => !n.includes(' ')))].join(', ')} or camera RAW)`;
  return ext ? `${what}, although it is named .${ext}` : what;
}

/** Videos (issue 12): no size limit (they are streamed, never buffered); same outcome shape as photos. */
async function readVideoOutcome(abs: string, format: VideoFormat, thumbsDir: string, gate: Gate, size: number, mtimeMs: number): Promise<ReadOutcome> {
  let hash: string | null = null;
  try {
    const r = await readVideo(abs, format, thumbsDir, gate, (h) => { hash = h; });
    return {
      kind: 'ok', size, mtimeMs, hash: r.hash, format, phash: r.phash, thumbCached: r.thumbCached, damaged: null,
      meta: videoPhotoMeta(r.meta),
      video: {
        durationMs: r.meta.durationMs, rotation: r.meta.rotation, codec: r.meta.codec, audioCodec: r.meta.audioCodec,
        fps: r.meta.fps, contentId: r.meta.contentId, posterMs: r.posterMs,
      },
    };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'missing' };
    return { kind: 'error', message: code ? describeFsError(err) : videoErrorMessage(err), size, mtimeMs, hash, format, meta: null };
  }
}

function videoPhotoMeta(m: VideoMeta): PhotoMeta {
  return {
    width: m.width, height: m.height, orientation: null, takenAt: m.takenAt,
    cameraMake: m.cameraMake, cameraModel: m.cameraModel, lens: null, lat: m.lat, lon: m.lon, altitude: null,
    rating: null, label: null, pick: null, embedded: null, reader: 'ffprobe',
  };
}
