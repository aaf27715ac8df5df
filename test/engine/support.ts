// Shared by the engine tests: real photos made with sharp, and a host over the real Node port.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { EngineHost, type EngineHostOptions } from '../../main/engine/host';
import { createNodePort } from '../../main/engine/node-port';

const created: string[] = [];

/** A fresh folder under the OS temp dir, removed by removeTempDirs(). */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `smolalbum-${prefix}-`));
  created.push(dir);
  return dir;
}

/** Call from afterAll: removes every folder tempDir() made in this test file. */
export function removeTempDirs(): void {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export interface Photos {
  dir: string;
  /** 120×80 JPEG: 2×2 tiles + global view when split (tiny model). */
  wide: string;
  /** 30×90 PNG: 2×1 tiles + global view when split. */
  tall: string;
  /** 64×64 WebP: fits one tile. */
  square: string;
  /** Random bytes named .jpg. */
  corrupt: string;
}

/** A gradient with a shape, so pixels differ between photos. */
async function photo(file: string, width: number, height: number, hue: number): Promise<void> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <defs><linearGradient id="g"><stop offset="0" stop-color="hsl(${hue},80%,60%)"/><stop offset="1" stop-color="hsl(${(hue + 120) % 360},70%,30%)"/></linearGradient></defs>
    <rect width="100%" height="100%" fill="url(#g)"/><circle cx="${width / 3}" cy="${height / 2}" r="${Math.min(width, height) / 4}" fill="white"/></svg>`;
  await sharp(Buffer.from(svg)).toFile(file);
}

export async function makePhotos(): Promise<Photos> {
  const dir = tempDir('engine-photos');
  const p: Photos = {
    dir,
    wide: path.join(dir, 'wide.jpg'),
    tall: path.join(dir, 'tall.png'),
    square: path.join(dir, 'square.webp'),
    corrupt: path.join(dir, 'corrupt.jpg'),
  };
  await photo(p.wide, 120, 80, 10);
  await photo(p.tall, 30, 90, 200);
  await photo(p.square, 64, 64, 300);
  writeFileSync(p.corrupt, Buffer.from('\xff\xd8\xff\xe0 this is not really a jpeg at all', 'latin1'));
  return p;
}

/** An EngineHost over a real child process, loading `modelDir` as is. */
export function hostFor(modelDir: string, extra: Partial<EngineHostOptions> = {}): EngineHost {
  return new EngineHost({
    portFactory: () => createNodePort({ stderr: 'ignore' }),
    resolveModel: (ref) => ref,
    cacheDir: tempDir('engine-cache'),
    config: { model: modelDir, device: 'cpu', dtype: 'auto' },
    ...extra,
  });
}
