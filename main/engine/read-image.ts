// Reads a photo as transformers.js's RawImage, in the inference process (paths cross the process
// boundary, not bytes), through the one decoder (main/media/decode.ts: HEIC, damaged files). For the
// formats transformers.js reads itself this is the same decoding as RawImage.read (sharp, EXIF
// rotation, raw pixels), so the engine sees exactly the pixels a bare transformers.js run sees.
// Apart from main/engine/images.ts so that tiles never load transformers.js into the main process.
import { RawImage } from './transformers';
import { decodeImage } from '../media/decode';
import { imageKey } from './images';
import { EngineError } from './protocol';

export async function readImage(path: string): Promise<RawImage> {
  await imageKey(path);
  try {
    const { data, width, height, channels } = await decodeImage(path);
    return new RawImage(new Uint8ClampedArray(data.buffer, data.byteOffset, data.length), width, height, channels);
  } catch (err) {
    throw new EngineError(`Cannot decode image ${path}: ${(err as Error).message.replace(/\s+$/, '')}`, 'image');
  }
}
