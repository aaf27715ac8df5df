// Images for a remote endpoint: the first step of the local engine's tile (main/engine/images.ts
// tileSource: upright, sRGB, each side at most the model's tile size, never enlarged), encoded as a
// data URL — lossless PNG by default, so a SmolAlbum on the same model makes exactly the local tile
// from it; JPEG where bandwidth matters. Never a path, never the original bytes.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Sharp } from 'sharp';
import { encodeDirect, toSharp } from '../media/decode';
import type { ImageFormat } from '../../shared/contract/engines';
import { tileSource, tileSourceResize } from './images';

/** SmolVLM's tile (max_image_size.longest_edge), used when the model's own config is not at hand. */
export const DEFAULT_TILE_SIZE = 512;
const PNG_LEVEL = 1;

/** The tile size a local model folder declares, or the default. */
export function tileSizeOf(modelDir: string | null): number {
  if (!modelDir) return DEFAULT_TILE_SIZE;
  try {
    const cfg = JSON.parse(readFileSync(path.join(modelDir, 'preprocessor_config.json'), 'utf8')) as { max_image_size?: { longest_edge?: unknown } };
    const n = cfg.max_image_size?.longest_edge;
    return typeof n === 'number' && Number.isInteger(n) && n > 0 ? n : DEFAULT_TILE_SIZE;
  } catch {
    return DEFAULT_TILE_SIZE;
  }
}

export async function tileDataUrl(file: string, size: number, format: ImageFormat = 'png', jpegQuality = 90): Promise<string> {
  // zlib level 1: twice as fast as the default 6, and on camera photos only ~20% larger (a 512 px
  // tile ≈ 400 KB instead of 330) — the encode, not the wire, is what limits many endpoints at once.
  const encode = (img: Sharp) => (format === 'png' ? img.png({ compressionLevel: PNG_LEVEL }) : img.jpeg({ quality: jpegQuality }));
  // Straight from the file in one pipeline when libvips reads it cleanly; else through tileSource.
  const bytes = await encodeDirect(file, tileSourceResize(size), encode) ?? await encode(toSharp(await tileSource(file, size))).toBuffer();
  return `data:image/${format};base64,${bytes.toString('base64')}`;
}
