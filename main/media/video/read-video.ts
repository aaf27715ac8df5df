// The indexer's per-file path for a video: streamed content hash (videos are too big to buffer),
// metadata from ffprobe, a poster frame rendered as the grid thumbnail into the same cache as photos
// (so the grid and the perceptual hash work unchanged; no 1600 px still — the detail plays the clip).
// Never writes to the original.
import { promises as fs } from 'node:fs';
import { AppError } from '../../../shared/errors';
import sharp from 'sharp';
import { dHash, thumbFiles, writeGrid } from '../../library/thumbs';
import type { Gate } from '../../library/pool';
import { probeVideo, type VideoMeta } from './probe';
import { grabPosterPixels, posterFrame } from './frames';
import type { VideoFormat } from './formats';
import { hashFile } from '../file-hash';

export interface VideoRead {
  hash: string;
  meta: VideoMeta;
  phash: string;
  thumbCached: boolean;
  /** Where in the clip the poster was taken (null when the cached poster was reused). */
  posterMs: number | null;
}


/**
 * Reads one video. Failures carry the hash when it was computed, so a damaged clip that moved is
 * still recognised; AppError messages are the ones a person sees on the item.
 */
export async function readVideo(file: string, format: VideoFormat, thumbsDir: string, gate: Gate, onHash?: (hash: string) => void): Promise<VideoRead> {
  void format;
  // The hash (read in-process) and ffprobe (a child process) overlap; a probe failure is reported
  // once the hash is known, so a damaged clip that moved is still recognised.
  const probing = probeVideo(file);
  probing.catch(() => undefined); // awaited below
  const hash = await hashFile(file);
  onHash?.(hash);
  const files = thumbFiles(thumbsDir, hash);
  // Content seen before keeps its grid (a damaged cache file is made again below).
  const cached = await exists(files.grid) ? await dHash(sharp(files.grid)).catch(() => null) : null;
  // New content: the first frame, the usual poster, is grabbed while ffprobe is still at work.
  const first = cached === null ? grabPosterPixels(file, 0) : null;
  first?.catch(() => undefined); // judged by posterFrame
  const meta = await probing;
  if (cached !== null) return { hash, meta, phash: cached, thumbCached: true, posterMs: null };
  // The poster comes out of ffmpeg upright and at the grid size: only its WebP is left to write.
  const poster = await posterFrame(file, meta.durationMs, undefined, first ?? undefined);
  const phash = await writeGrid(poster.pixels, files, gate);
  return { hash, meta, phash, thumbCached: false, posterMs: poster.timeMs };
}

async function exists(file: string): Promise<boolean> {
  try { await fs.access(file); return true; } catch { return false; }
}

/** A video failure as the one-line message stored on the item. */
export function videoErrorMessage(err: unknown): string {
  if (err instanceof AppError) return err.message;
  return (err as Error).message ?? String(err);
}
