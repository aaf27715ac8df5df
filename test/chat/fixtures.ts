// Test images and temp data folders for the chat and caption tests (real files, real sharp).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';

export async function tempDir(prefix = 'smolalbum-chat-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** A small real image with a colour gradient (different seeds → different content hashes). */
export async function writeImage(file: string, opts: { seed?: number; width?: number; height?: number; format?: 'jpeg' | 'png' | 'webp' } = {}): Promise<string> {
  const width = opts.width ?? 48;
  const height = opts.height ?? 40;
  const seed = opts.seed ?? 1;
  const raw = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      raw[i] = (x * 5 + seed * 37) & 255;
      raw[i + 1] = (y * 7 + seed * 91) & 255;
      raw[i + 2] = ((x + y) * 3 + seed * 13) & 255;
    }
  }
  let img = sharp(raw, { raw: { width, height, channels: 3 } });
  const format = opts.format ?? 'jpeg';
  img = format === 'png' ? img.png() : format === 'webp' ? img.webp() : img.jpeg();
  await writeFile(file, await img.toBuffer());
  return file;
}

/** A file that starts like a JPEG but is cut off: passes a magic-byte check, fails to decode. */
export async function writeCorruptJpeg(file: string): Promise<string> {
  const good = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#808080' } }).jpeg().toBuffer();
  await writeFile(file, good.subarray(0, 40));
  return file;
}
