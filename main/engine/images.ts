// Reads a photo for the model, in the inference process (paths cross the process boundary, not
// bytes). Same decoding as transformers.js RawImage.read (sharp, EXIF rotation, raw pixels), so the
// engine sees exactly the pixels a bare transformers.js run sees.
import { stat } from 'node:fs/promises';
import sharp from 'sharp';
import { RawImage } from '@huggingface/transformers';
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

export async function readImage(path: string): Promise<RawImage> {
  await imageKey(path);
  try {
    const img = sharp(path);
    const meta = await img.metadata();
    const { data, info } = await img.rotate().raw().toBuffer({ resolveWithObject: true });
    const image = new RawImage(new Uint8ClampedArray(data.buffer, data.byteOffset, data.length), info.width, info.height, info.channels as 1 | 2 | 3 | 4);
    // Keep the file's channel count (grayscale stays grayscale), as RawImage.read does.
    if (meta.channels !== undefined && meta.channels !== info.channels) image.convert(meta.channels);
    return image;
  } catch (err) {
    throw new EngineError(`Cannot decode image ${path}: ${(err as Error).message.replace(/\s+$/, '')}`, 'image');
  }
}
