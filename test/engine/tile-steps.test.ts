// The tile in two steps (main/engine/images.ts): what a remote endpoint receives (tileSource as a
// lossless PNG, main/engine/tile-image.ts) is turned by a SmolAlbum on the other side into exactly
// the tile the local engine makes — for photos larger and smaller than the tile, long and thin ones,
// grey, transparent and rotated ones — and a small photo travels at its own size. The wire image is
// made straight from the file where libvips reads it cleanly, and holds the same pixels.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { tileRgb, tileSource } from '../../main/engine/images';
import { tileDataUrl } from '../../main/engine/tile-image';
import { pictureOf } from '../support/photos';

const dir = mkdtempSync(path.join(os.tmpdir(), 'smolalbum-tiles-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const SIZE = 64;

async function photo(name: string, width: number, height: number, make: (s: Sharp) => Sharp = (s) => s.jpeg({ quality: 90 })): Promise<string> {
  const file = path.join(dir, name);
  await make(pictureOf(width, height, width + height)).toFile(file);
  return file;
}

/** What the receiving SmolAlbum does with the data URL: a file, then its own tile. */
async function remoteTile(file: string): Promise<Buffer> {
  const url = await tileDataUrl(file, SIZE);
  const received = path.join(dir, `received-${path.basename(file)}.png`);
  writeFileSync(received, Buffer.from(url.slice(url.indexOf(',') + 1), 'base64'));
  return tileRgb(received, SIZE);
}

describe('tile steps', () => {
  it.each([
    ['large.jpg', 400, 300, undefined],
    ['small.jpg', 40, 24, undefined],
    ['wide.jpg', 300, 20, undefined],
    ['tall.png', 12, 200, (s: Sharp) => s.png()],
    ['grey.png', 50, 30, (s: Sharp) => s.greyscale().png()],
    ['alpha.png', 30, 50, (s: Sharp) => s.ensureAlpha(0.5).png()],
    ['rotated.jpg', 48, 20, (s: Sharp) => s.jpeg().withMetadata({ orientation: 6 })],
  ] as const)('%s (%i×%i): the remote tile is the local tile, byte for byte', async (name, w, h, make) => {
    const file = await photo(name, w, h, make);
    const local = await tileRgb(file, SIZE);
    expect(local.length).toBe(SIZE * SIZE * 3);
    expect((await remoteTile(file)).equals(local)).toBe(true);
    // The wire image (made in one libvips pipeline where it can, main/media/decode.ts encodeDirect)
    // holds exactly step one's pixels: 3 channels, sRGB, no alpha.
    const url = await tileDataUrl(file, SIZE);
    const wire = await sharp(Buffer.from(url.slice(url.indexOf(',') + 1), 'base64')).raw().toBuffer({ resolveWithObject: true });
    const src = await tileSource(file, SIZE);
    expect([wire.info.width, wire.info.height, wire.info.channels]).toEqual([src.width, src.height, 3]);
    expect(wire.data.equals(src.data)).toBe(true);
  });

  it('sends a photo smaller than the tile at its own size, upright, and caps each side of a larger one', async () => {
    const small = await tileSource(await photo('s2.jpg', 40, 24), SIZE);
    expect([small.width, small.height, small.channels]).toEqual([40, 24, 3]);
    const turned = await tileSource(await photo('r2.jpg', 48, 20, (s) => s.jpeg().withMetadata({ orientation: 6 })), SIZE);
    expect([turned.width, turned.height]).toEqual([20, 48]);
    const wide = await tileSource(await photo('w2.jpg', 300, 20), SIZE);
    expect([wide.width, wide.height]).toEqual([SIZE, 20]);
    const url = await tileDataUrl(await photo('s3.jpg', 40, 24), SIZE);
    expect(await sharp(Buffer.from(url.slice(url.indexOf(',') + 1), 'base64')).metadata()).toMatchObject({ format: 'png', width: 40, height: 24 });
  });
});
