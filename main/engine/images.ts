// Reads a photo for the model through the one decoder (main/media/decode.ts: HEIC, damaged files):
// tiles for the inference process and for remote endpoints (main/engine/tile-image.ts). Nothing here
// loads transformers.js, so the main process can use it (the split-image path, which needs RawImage,
// is main/engine/read-image.ts).
import { stat } from 'node:fs/promises';
import type { ResizeOptions } from 'sharp';
import { decodeImage, toSharp, type Pixels } from '../media/decode';
import { EngineError } from './protocol';

export interface ImageKey {
  path: string;
  size: number;
  mtimeMs: number;
}

/** Identity of an image file's content for caches (path + size + mtime). */
export async function imageKey(path: string): Promise<ImageKey> {
  try {
    const s = await stat(path);
    if (!s.isFile()) throw new EngineError(`Not an image file: ${path}`, 'image');
    return { path, size: s.size, mtimeMs: s.mtimeMs };
  } catch (err) {
    if (err instanceof EngineError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new EngineError(code === 'ENOENT' ? `Image not found: ${path}` : `Cannot read image ${path}: ${(err as Error).message}`, 'image');
  }
}

/**
 * The RGB bytes of one square tile (size × size, interleaved): upright, sRGB, no alpha, Lanczos.
 * Made in two steps — tileSource, then fillTile — so that a remote endpoint, which receives the
 * first step's pixels as a lossless PNG (main/engine/tile-image.ts), sees exactly what the local
 * engine normalises.
 */
export async function tileRgb(path: string, size: number): Promise<Buffer> {
  return fillTile(await tileSource(path, size), size);
}

/**
 * Step one: the picture with each side at most `size` and never enlarged (a 64×48 photo stays
 * 64×48, a 4000×3000 one becomes size × size), upright, sRGB, 3 channels. What goes on the wire:
 * nothing is invented for it, and a small image costs a small request.
 */
export async function tileSource(path: string, size: number): Promise<Pixels> {
  await imageKey(path);
  try {
    // Through the one decoder (HEIC, damaged files; JPEG shrink-on-load).
    const img = await decodeImage(path, { resize: tileSourceResize(size) });
    // sharp's output is already sRGB: only grey or alpha pixels need a second pass.
    if (img.channels === 3) return img;
    const { data, info } = await toSharp(img).toColourspace('srgb').removeAlpha().raw().toBuffer({ resolveWithObject: true });
    return { data, width: info.width, height: info.height, channels: 3 };
  } catch (err) {
    throw new EngineError(`Cannot decode image ${path}: ${(err as Error).message.replace(/\s+$/, '')}`, 'image');
  }
}

/** tileSource's resize: sharp's 'fill' without enlargement caps each side on its own (width min(w, size), height min(h, size)). */
export const tileSourceResize = (size: number): ResizeOptions => ({ width: size, height: size, fit: 'fill', kernel: 'lanczos3', withoutEnlargement: true });

/** Step two: stretched to the square tile (a photo already at size × size, the usual case, is left as is). */
export async function fillTile(src: Pixels, size: number): Promise<Buffer> {
  if (src.width === size && src.height === size) return src.data;
  return toSharp(src).resize({ width: size, height: size, fit: 'fill', kernel: 'lanczos3' }).raw().toBuffer();
}

export interface TileNorm {
  /** Side of the square encoder input (max_image_size.longest_edge). */
  size: number;
  rescale: number;
  mean: number[];
  std: number[];
  normalize: boolean;
}

/**
 * One square tile straight from the file (the unsplit case: indexing and captions). transformers.js
 * would first upscale to size.longest_edge (2048 px) in JS and squash back to the tile in ORT — the
 * same picture, at several hundred ms per photo; sharp resizes once with Lanczos instead.
 * Returns CHW float32 [3, size, size], rescaled and normalised as the preprocessor config says.
 */
export async function readTile(path: string, norm: TileNorm): Promise<Float32Array> {
  const data = await tileRgb(path, norm.size);
  const plane = norm.size * norm.size;
  if (data.length !== 3 * plane) throw new EngineError(`Cannot convert image ${path} to RGB`, 'image');
  const out = new Float32Array(3 * plane);
  for (let c = 0; c < 3; c++) {
    const scale = norm.normalize ? norm.rescale / norm.std[c] : norm.rescale;
    const shift = norm.normalize ? -norm.mean[c] / norm.std[c] : 0;
    for (let i = 0; i < plane; i++) out[c * plane + i] = data[i * 3 + c] * scale + shift;
  }
  return out;
}
