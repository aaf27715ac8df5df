// Images for a remote endpoint: the pixels the local engine would feed (main/engine/images.ts
// tileRgb: rotated, sRGB, one square tile at the model's size), encoded as a data URL — lossless PNG
// by default, so a SmolAlbum on the same model decodes exactly these pixels; JPEG where bandwidth
// matters. Never a path, never the original bytes.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import type { ImageFormat } from '../../shared/contract/engines';
import { tileRgb } from './images';

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
  const rgb = await tileRgb(file, size);
  const img = sharp(rgb, { raw: { width: size, height: size, channels: 3 } });
  // zlib level 1: twice as fast as the default 6, and on camera photos only ~20% larger (a 512 px
  // tile ≈ 400 KB instead of 330) — the encode, not the wire, is what limits many endpoints at once.
  const bytes = format === 'png' ? await img.png({ compressionLevel: PNG_LEVEL }).toBuffer() : await img.jpeg({ quality: jpegQuality }).toBuffer();
  return `data:image/${format};base64,${bytes.toString('base64')}`;
}
