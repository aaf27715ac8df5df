// The API's image files (main/server/openai-images.ts): one file per image content, so a
// conversation's next turn hands the engine the same path (its image cache is keyed by path, size
// and mtime); files in use survive eviction; the least recently used go beyond the limit.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ApiImageStore, DEFAULT_IMAGE_LIMITS, RequestImages } from '../../main/server/openai-images';
import { pictureOf } from '../support/photos';

const root = mkdtempSync(path.join(os.tmpdir(), 'smolalbum-api-images-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const png = async (seed: number) => pictureOf(24, 16, seed).png().toBuffer();
const url = (b: Buffer) => `data:image/png;base64,${b.toString('base64')}`;

describe('ApiImageStore', () => {
  it('writes an image once and gives every request with it the same file', async () => {
    const dir = path.join(root, 'once');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'left-over.png'), 'from a crashed run');
    const store = new ApiImageStore(dir);
    expect(readdirSync(dir)).toEqual([]); // emptied at start
    const bytes = await png(1);
    const a = new RequestImages(store, DEFAULT_IMAGE_LIMITS);
    const first = await a.add(url(bytes), 'p');
    const mtime = statSync(first.file).mtimeMs;
    a.dispose();
    const b = new RequestImages(store, DEFAULT_IMAGE_LIMITS);
    const [again, twice] = await Promise.all([b.add(url(bytes), 'p'), b.add(url(bytes), 'q')]);
    expect(again.file).toBe(first.file);
    expect(twice.file).toBe(first.file);
    expect(statSync(again.file).mtimeMs).toBe(mtime);
    expect(readdirSync(dir)).toEqual([path.basename(first.file)]);
    expect(path.basename(first.file)).toMatch(new RegExp(`^${first.digest}-\\d+\\.png$`));
    b.dispose();
  });

  it('keeps files in use, and removes the least recently used beyond its limit', async () => {
    const dir = path.join(root, 'evict');
    const store = new ApiImageStore(dir, 2);
    const [one, two, three, four] = await Promise.all([1, 2, 3, 4].map(png));
    const held = new RequestImages(store, DEFAULT_IMAGE_LIMITS);
    const f1 = await held.add(url(one), 'p'); // in use until the end
    const r = new RequestImages(store, DEFAULT_IMAGE_LIMITS);
    const f2 = await r.add(url(two), 'p');
    const f3 = await r.add(url(three), 'p');
    r.dispose(); // three files, limit two: the oldest unused (two) goes, the held one stays
    expect(existsSync(f1.file)).toBe(true);
    await expect.poll(() => existsSync(f2.file)).toBe(false);
    expect(existsSync(f3.file)).toBe(true);
    const s = new RequestImages(store, DEFAULT_IMAGE_LIMITS);
    const f4 = await s.add(url(four), 'p');
    s.dispose();
    await expect.poll(() => existsSync(f3.file)).toBe(false);
    expect(existsSync(f1.file) && existsSync(f4.file)).toBe(true);
    held.dispose();
  });

  it('refuses what is not an image (keeping no file), and an image over the pixel limit', async () => {
    const dir = path.join(root, 'bad');
    const store = new ApiImageStore(dir);
    const r = new RequestImages(store, { ...DEFAULT_IMAGE_LIMITS, maxPixels: 100 });
    await expect(r.add(`data:image/png;base64,${Buffer.from('not an image').toString('base64')}`, 'messages.0')).rejects.toThrow(/not JPEG, PNG/);
    expect(readdirSync(dir)).toEqual([]);
    await expect(r.add(url(await png(5)), 'messages.1')).rejects.toThrow(/384 pixels; at most 100/);
    r.dispose();
    const small = new RequestImages(store, DEFAULT_IMAGE_LIMITS);
    await small.add(url(await png(5)), 'p'); // the same image is fine under the default limit
    small.dispose();
    expect(readdirSync(dir)).toHaveLength(1);
  });
});
