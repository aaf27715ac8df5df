// Still frames out of a video with ffmpeg: the poster (the grid's thumbnail source) and N keyframes
// for captions and questions. ffmpeg applies the container's rotation while decoding (autorotate is
// on by default), so every frame comes out upright. Seeking is input seeking (-ss before -i): it jumps
// to the nearest keyframe and decodes forward, one frame per call instead of decoding the clip.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { AppError } from '../../../shared/errors';
import { runTool } from './tools';
import { writeFileAtomic } from '../atomic-write';
import type { Pixels } from '../decode';
import { THUMB_GRID_PX } from '../../../shared/constants';

const GRAB_TIMEOUT_MS = 30_000;
/** Long side of a keyframe: the model sees one 512 px tile per image (no splitting). */
export const KEYFRAME_MAX_PX = 768;
export const DEFAULT_KEYFRAMES = 4;
/** The setting that changes it (1 to MAX_KEYFRAMES; validated in main/models/settings.ts). */
export const KEYFRAMES_KEY = 'ai.videoKeyframes';
export const MAX_KEYFRAMES = 8;

/** ffmpeg's run for one frame at `seconds`: `input` options go before -i, then the scale filter and the output format. */
async function grab(file: string, seconds: number, input: string[], scale: string, output: string[], signal?: AbortSignal): Promise<Buffer> {
  const t = Math.max(0, seconds).toFixed(3);
  const { stdout } = await runTool('ffmpeg', [
    '-nostdin', '-hide_banner', '-loglevel', 'error', ...input, '-ss', t, '-i', file,
    '-map', '0:v:0', '-frames:v', '1', '-vf', scale, ...output, 'pipe:1',
  ], { timeoutMs: GRAB_TIMEOUT_MS, signal, maxStdout: 32 * 1024 * 1024 });
  return stdout;
}

/** One frame at `seconds` as JPEG, its long side at most `maxSide`, or null when the clip has no frame there. */
export async function grabFrame(file: string, seconds: number, maxSide: number, signal?: AbortSignal): Promise<Buffer | null> {
  // Shrink only (never enlarge), keep the aspect ratio; even sizes keep every JPEG encoder happy.
  const scale = `scale='if(gt(iw,ih),min(${maxSide},iw),-2)':'if(gt(iw,ih),-2,min(${maxSide},ih))'`;
  const jpeg = await grab(file, seconds, [], scale, ['-q:v', '3', '-f', 'image2pipe', '-vcodec', 'mjpeg'], signal);
  return jpeg.length ? jpeg : null;
}

/**
 * One frame at `seconds` as upright RGB pixels, its short side at most `shortSide` (never enlarged,
 * aspect kept), or null when the clip has no frame there. The poster's grab: ffmpeg scales to the
 * grid thumbnail's size while decoding, so no large image is encoded, piped or decoded again.
 * One decoder thread: frame threading takes in several frames before the first comes out, which for
 * one frame is extra decoding and waiting (about half the CPU and wall time of a 1080p grab).
 * Output is PPM: raw RGB behind a header that carries the size.
 */
export async function grabPixels(file: string, seconds: number, shortSide: number, signal?: AbortSignal): Promise<Pixels | null> {
  const scale = `scale=w='if(gte(iw,ih),-1,min(${shortSide},iw))':h='if(gte(iw,ih),min(${shortSide},ih),-1)':flags=lanczos`;
  const ppm = await grab(file, seconds, ['-threads', '1'], scale, ['-f', 'image2pipe', '-vcodec', 'ppm'], signal);
  return ppm.length ? parsePpm(ppm) : null;
}

/** A binary PPM (P6, 8 bits) as ffmpeg writes it: "P6\n<width> <height>\n255\n" and the RGB bytes. */
export function parsePpm(buf: Buffer): Pixels {
  const m = /^P6\s+(\d+)\s+(\d+)\s+255\s/.exec(buf.subarray(0, 32).toString('latin1'));
  const width = Number(m?.[1]);
  const height = Number(m?.[2]);
  const data = m ? buf.subarray(m[0].length) : Buffer.alloc(0);
  if (!m || !width || !height || data.length < width * height * 3) throw new AppError('unsupported', 'ffmpeg gave no readable frame');
  return { data: data.subarray(0, width * height * 3), width, height, channels: 3 };
}

/** Uniform frames (black leaders, fades, lens caps) are no poster: their brightness barely varies. */
const BLANK_STDEV = 8;

/** Pixels looked at by spread: a uniform frame is as uniform in a sample (a full pass took ~2 ms a poster). */
const SPREAD_SAMPLES = 16_384;

/** The largest standard deviation of the frame's channels (over an even sample of its pixels): near 0 for a uniform frame. */
export function spread(p: Pixels): number {
  const c = p.channels;
  const n = p.width * p.height;
  const step = Math.max(1, Math.floor(n / SPREAD_SAMPLES));
  const taken = Math.ceil(n / step);
  let most = 0;
  for (let ch = 0; ch < Math.min(c, 3); ch++) {
    let sum = 0;
    let sq = 0;
    for (let i = ch; i < n * c; i += c * step) { const v = p.data[i]!; sum += v; sq += v * v; }
    const mean = sum / taken;
    most = Math.max(most, Math.sqrt(Math.max(0, sq / taken - mean * mean)));
  }
  return most;
}

export interface Poster {
  /** Upright, at the grid thumbnail's size. */
  pixels: Pixels;
  /** Where in the clip it was taken. */
  timeMs: number;
}

/** The poster's first grab (the frame at 0 s, at the grid size): the benchmark's floor uses the very same call. */
export const grabPosterPixels = (file: string, seconds: number, signal?: AbortSignal): Promise<Pixels | null> =>
  grabPixels(file, seconds, THUMB_GRID_PX, signal);

/**
 * A representative frame: the first frame that is not blank — the first frame itself (what Apple
 * Photos and Google Photos show, and the cheapest: no decoding up to a seek point), else a little
 * way in (black leaders, fades), a quarter, half and three quarters of the way; the busiest frame when
 * all are blank. Usually one ffmpeg run. A damaged clip gives whatever frame can still be decoded.
 * `first`: the grab at 0 s when the caller started it already (alongside ffprobe).
 */
export async function posterFrame(file: string, durationMs: number | null, signal?: AbortSignal, first?: Promise<Pixels | null>): Promise<Poster> {
  const d = durationMs && durationMs > 0 ? durationMs / 1000 : null;
  const times = d === null ? [0] : [0, Math.min(1, d * 0.1), d * 0.25, d * 0.5, d * 0.75];
  let best: (Poster & { spread: number }) | null = null;
  let lastError: unknown = null;
  for (const t of times) {
    let pixels: Pixels | null;
    try {
      pixels = await (t === 0 && first ? first : grabPosterPixels(file, t, signal));
    } catch (err) {
      if (err instanceof AppError && (err.kind === 'cancelled' || err.kind === 'unavailable')) throw err;
      lastError = err;
      continue;
    }
    if (!pixels) continue;
    const s = spread(pixels);
    if (!best || s > best.spread) best = { pixels, timeMs: Math.round(t * 1000), spread: s };
    if (s >= BLANK_STDEV) break;
  }
  if (!best) {
    const why = lastError instanceof Error ? lastError.message.replace(/^ffmpeg failed \(exit \d+\): /, '') : 'no frame could be decoded';
    throw new AppError('unsupported', `damaged video: no frame could be decoded (${why})`);
  }
  return { pixels: best.pixels, timeMs: best.timeMs };
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
