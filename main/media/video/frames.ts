// Still frames out of a video with ffmpeg: the poster (the grid's thumbnail source) and N keyframes
// for captions and questions. ffmpeg applies the container's rotation while decoding (autorotate is
// on by default), so every frame comes out upright. Seeking is input seeking (-ss before -i): it jumps
// to the nearest keyframe and decodes forward, one frame per call instead of decoding the clip.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { AppError } from '../../../shared/errors';
import { runTool } from './tools';
import { writeFileAtomic } from '../atomic-write';

const GRAB_TIMEOUT_MS = 30_000;
/** Long side of a poster: the grid thumbnail (256 px short side) is made from it. */
export const POSTER_MAX_PX = 768;
/** Long side of a keyframe: the model sees one 512 px tile per image (no splitting). */
export const KEYFRAME_MAX_PX = 768;
export const DEFAULT_KEYFRAMES = 4;
/** The setting that changes it (1 to MAX_KEYFRAMES; validated in main/models/settings.ts). */
export const KEYFRAMES_KEY = 'ai.videoKeyframes';
export const MAX_KEYFRAMES = 8;

/** One frame at `seconds` as JPEG, its long side at most `maxSide`, or null when the clip has no frame there. */
export async function grabFrame(file: string, seconds: number, maxSide: number, signal?: AbortSignal): Promise<Buffer | null> {
  const t = Math.max(0, seconds).toFixed(3);
  // Shrink only (never enlarge), keep the aspect ratio; even sizes keep every JPEG encoder happy.
  const scale = `scale='if(gt(iw,ih),min(${maxSide},iw),-2)':'if(gt(iw,ih),-2,min(${maxSide},ih))'`;
  const { stdout } = await runTool('ffmpeg', [
    '-nostdin', '-hide_banner', '-loglevel', 'error', '-ss', t, '-i', file,
    '-map', '0:v:0', '-frames:v', '1', '-vf', scale, '-q:v', '3', '-f', 'image2pipe', '-vcodec', 'mjpeg', 'pipe:1',
  ], { timeoutMs: GRAB_TIMEOUT_MS, signal, maxStdout: 32 * 1024 * 1024 });
  return stdout.length ? stdout : null;
}

/** Uniform frames (black leaders, fades, lens caps) are no poster: their brightness barely varies. */
const BLANK_STDEV = 8;

async function spread(jpeg: Buffer): Promise<number> {
  // JPEG shrink-on-load: a 64 px copy says as much about blankness as the whole frame.
  const stats = await sharp(jpeg).resize(64, 64, { fit: 'inside' }).stats();
  return Math.max(...stats.channels.slice(0, 3).map((c) => c.stdev));
}

export interface Poster {
  jpeg: Buffer;
  /** Where in the clip it was taken. */
  timeMs: number;
}

/**
 * A representative frame: the first frame that is not blank — the first frame itself (what Apple
 * Photos and Google Photos show, and the cheapest: no decoding up to a seek point), else a little
 * way in (black leaders, fades), a quarter, half and three quarters of the way; the busiest frame when
 * all are blank. Usually one ffmpeg run. A damaged clip gives whatever frame can still be decoded.
 */
export async function posterFrame(file: string, durationMs: number | null, signal?: AbortSignal): Promise<Poster> {
  const d = durationMs && durationMs > 0 ? durationMs / 1000 : null;
  const times = d === null ? [0] : [0, Math.min(1, d * 0.1), d * 0.25, d * 0.5, d * 0.75];
  let best: (Poster & { spread: number }) | null = null;
  let lastError: unknown = null;
  for (const t of times) {
    let jpeg: Buffer | null;
    try {
      jpeg = await grabFrame(file, t, POSTER_MAX_PX, signal);
    } catch (err) {
      if (err instanceof AppError && (err.kind === 'cancelled' || err.kind === 'unavailable')) throw err;
      lastError = err;
      continue;
    }
    if (!jpeg) continue;
    const s = await spread(jpeg);
    if (!best || s > best.spread) best = { jpeg, timeMs: Math.round(t * 1000), spread: s };
    if (s >= BLANK_STDEV) break;
  }
  if (!best) {
    const why = lastError instanceof Error ? lastError.message.replace(/^ffmpeg failed \(exit \d+\): /, '') : 'no frame could be decoded';
    throw new AppError('unsupported', `damaged video: no frame could be decoded (${why})`);
  }
  return { jpeg: best.jpeg, timeMs: best.timeMs };
}

/** Times (ms) of `n` evenly spaced frames: the middle of each of n equal parts of the clip. */
export function keyframeTimes(durationMs: number | null, n: number): number[] {
  const d = durationMs && durationMs > 0 ? durationMs : 0;
  return Array.from({ length: n }, (_, i) => Math.round(((i + 0.5) * d) / n));
}

export interface Keyframe {
  timeMs: number;
  path: string;
}

/** Where keyframe i of n of a video's content lives in the cache (beside its thumbnails). */
export function keyframePath(thumbsDir: string, contentHash: string, n: number, i: number): string {
  return path.join(thumbsDir, contentHash.slice(0, 2), `${contentHash}-kf${n}-${i}.jpg`);
}

/**
 * N keyframes as JPEG files in the thumbnail cache (made once per content hash, written atomically),
 * in clip order. Frames that cannot be decoded are left out; none at all is an error.
 */
export async function ensureKeyframes(
  file: string, thumbsDir: string, contentHash: string, durationMs: number | null, n = DEFAULT_KEYFRAMES, signal?: AbortSignal,
): Promise<Keyframe[]> {
  const times = keyframeTimes(durationMs, n);
  await fs.mkdir(path.join(thumbsDir, contentHash.slice(0, 2)), { recursive: true });
  const frames = await Promise.all(times.map(async (timeMs, i): Promise<Keyframe | null> => {
    const out = keyframePath(thumbsDir, contentHash, n, i);
    if (await exists(out)) return { timeMs, path: out };
    const jpeg = await grabFrame(file, timeMs / 1000, KEYFRAME_MAX_PX, signal).catch((err: unknown) => {
      if (err instanceof AppError && (err.kind === 'cancelled' || err.kind === 'unavailable')) throw err;
      return null;
    });
    if (!jpeg) return null;
    await writeFileAtomic(out, (tmp) => fs.writeFile(tmp, jpeg));
    return { timeMs, path: out };
  }));
  const got = frames.filter((f): f is Keyframe => f !== null);
  if (!got.length) throw new AppError('unsupported', 'no keyframe could be decoded from this video');
  return got;
}

async function exists(file: string): Promise<boolean> {
  try { await fs.access(file); return true; } catch { return false; }
}
