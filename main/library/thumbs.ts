// Thumbnails: decoded upright by main/media/decode.ts (HEIC, RAW previews and damaged files included),
// never enlarged, WebP, cached by content hash so a moved or duplicated photo reuses them. Scanning
// makes only the grid size (and the perceptual hash from it); the 1600 px preview is made lazily.
import sharp, { type Sharp } from 'sharp';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { THUMB_GRID_PX, THUMB_PREVIEW_PX } from '../../shared/constants';
import { decodeImage, toSharp, type DecodeOptions, type Pixels } from '../media/decode';
import { writeFileAtomic } from '../media/atomic-write';
import { ungated, type Gate } from './pool';

const PREVIEW_WEBP = { quality: 80, effort: 2 } as const;
// Effort 2, like the previews: half the encoding time of 4 (photos ~15 → 8 ms, poster frames 10 → 5 ms
// on this project's 2-core bench machine) for files 2–6% larger; every indexed file pays it once.
const GRID_WEBP = { quality: 75, effort: 2 } as const;

export type ThumbKind = 'thumb' | 'preview';

export interface ThumbFiles {
  grid: string;
  preview: string;
}

export function thumbFiles(thumbsDir: string, contentHash: string): ThumbFiles {
  const dir = path.join(thumbsDir, contentHash.slice(0, 2));
  return {
    grid: path.join(dir, `${contentHash}-${THUMB_GRID_PX}.webp`),
    preview: path.join(dir, `${contentHash}-${THUMB_PREVIEW_PX}.webp`),
  };
}

export interface RenderResult {
  phash: string;
  /** The decoder's warning when the file is damaged and was only partly decoded. */
  damaged: string | null;
}

/** The grid size: the short side is THUMB_GRID_PX so square tiles stay sharp. */
export const GRID_RESIZE = { width: THUMB_GRID_PX, height: THUMB_GRID_PX, fit: 'outside', withoutEnlargement: true } as const;
export const PREVIEW_RESIZE = { width: THUMB_PREVIEW_PX, height: THUMB_PREVIEW_PX, fit: 'inside', withoutEnlargement: true } as const;
export const GRID_WEBP_OPTIONS = GRID_WEBP;

/**
 * The grid thumbnail only — the one image made while scanning (a fast first run: JPEG decodes
 * shrink on load to about this size). Returns the dHash of the grid image.
 */
export async function renderGrid(input: string | Buffer, out: ThumbFiles, opts: Omit<DecodeOptions, 'resize'> = {}, gate: Gate = ungated): Promise<RenderResult> {
  let damaged: string | null = null;
  const phash = await writeGrid(async () => {
    const decoded = await decodeImage(input, { ...opts, resize: GRID_RESIZE });
    damaged = decoded.damaged;
    return decoded;
  }, out, gate);
  return { phash, damaged };
}

/**
 * Writes the grid thumbnail from upright pixels (already at the grid size: a decode with
 * GRID_RESIZE, or a video poster frame that ffmpeg scaled; sharp resizes nothing then) and returns
 * their dHash. Getting the pixels and encoding them hold the gate (the CPU); the durable write (an
 * fsync, milliseconds of waiting on the disk) does not, so the next file decodes meanwhile.
 */
export async function writeGrid(pixels: Pixels | (() => Promise<Pixels>), out: ThumbFiles, gate: Gate = ungated): Promise<string> {
  const { webp, phash } = await gate(async () => {
    const px = typeof pixels === 'function' ? await pixels() : pixels;
    const [bytes, hash] = await Promise.all([toSharp(px).resize(GRID_RESIZE).webp(GRID_WEBP).toBuffer(), dHash(toSharp(px))]);
    return { webp: bytes, phash: hash };
  });
  await writeFileAtomic(out.grid, webp, { mkdirs: true });
  return phash;
}

/** Renders both sizes from one decode (used to compare against the lazy path in the benchmark). */
export async function renderThumbnails(input: string | Buffer, out: ThumbFiles, opts: Omit<DecodeOptions, 'resize'> = {}): Promise<RenderResult> {
  const decoded = await decodeImage(input, { ...opts, resize: PREVIEW_RESIZE });
  await fs.mkdir(path.dirname(out.preview), { recursive: true });
  const [, phash] = await Promise.all([
    writeFileAtomic(out.preview, (tmp) => toSharp(decoded).webp(PREVIEW_WEBP).toFile(tmp)),
    (async () => {
      const grid = await toSharp(decoded).resize(GRID_RESIZE).raw().toBuffer({ resolveWithObject: true });
      const gridRaw = { raw: { width: grid.info.width, height: grid.info.height, channels: grid.info.channels } } as const;
      await writeFileAtomic(out.grid, (tmp) => sharp(grid.data, gridRaw).webp(GRID_WEBP).toFile(tmp));
      return dHash(sharp(grid.data, gridRaw));
    })(),
  ]);
  return { phash, damaged: decoded.damaged };
}

/** Uses the cached grid thumbnail when it exists (same content seen before), else renders it. */
export async function ensureGrid(thumbsDir: string, contentHash: string, input: string | Buffer, opts: Omit<DecodeOptions, 'resize'> = {}, gate: Gate = ungated): Promise<RenderResult & { cached: boolean }> {
  const out = thumbFiles(thumbsDir, contentHash);
  if (await exists(out.grid)) {
    try {
      return { phash: await gate(() => dHash(sharp(out.grid))), damaged: null, cached: true };
    } catch { /* a damaged cache file: render again */ }
  }
  return { ...(await renderGrid(input, out, opts, gate)), cached: false };
}

const previewsInFlight = new Map<string, Promise<string>>();

/**
 * The 1600 px preview, made when first needed (detail view, the AI stage for formats that are slow
 * to decode) and cached by content hash. Concurrent requests for one photo share one decode.
 */
export function ensurePreview(thumbsDir: string, contentHash: string, input: string | Buffer, opts: Omit<DecodeOptions, 'resize'> = {}): Promise<string> {
  const out = thumbFiles(thumbsDir, contentHash);
  const running = previewsInFlight.get(out.preview);
  if (running) return running;
  const job = (async () => {
    if (await exists(out.preview)) return out.preview;
    const decoded = await decodeImage(input, { ...opts, resize: PREVIEW_RESIZE });
    await fs.mkdir(path.dirname(out.preview), { recursive: true });
    await writeFileAtomic(out.preview, (tmp) => toSharp(decoded).webp(PREVIEW_WEBP).toFile(tmp));
    return out.preview;
  })().finally(() => previewsInFlight.delete(out.preview));
  previewsInFlight.set(out.preview, job);
  return job;
}

/** 64-bit difference hash (hex): 9×8 grey, each bit says whether a pixel is brighter than its right neighbour. */
export async function dHash(image: Sharp): Promise<string> {
  const px = await image.greyscale().resize(9, 8, { fit: 'fill' }).raw().toBuffer();
  let bits = 0n;
  for (let y = 0; y < 8; y++) {
    for (let x = 0; x < 8; x++) bits = (bits << 1n) | (px[y * 9 + x]! > px[y * 9 + x + 1]! ? 1n : 0n);
  }
  return bits.toString(16).padStart(16, '0');
}

/** Hamming distance of two dHashes (for near-duplicate detection). */
export function hashDistance(a: string, b: string): number {
  let x = BigInt(`0x${a}`) ^ BigInt(`0x${b}`);
  let n = 0;
  while (x) { n += Number(x & 1n); x >>= 1n; }
  return n;
}

async function exists(file: string): Promise<boolean> {
  try { await fs.access(file); return true; } catch { return false; }
}
