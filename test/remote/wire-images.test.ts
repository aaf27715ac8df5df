// Images made ahead for endpoints (main/engine/wire-images.ts): what is taken is exactly what would
// be made at that moment — the same bytes, a file changed since made again, an unreadable one failing
// with the real error — and the store stays bounded.
import { describe, expect, it } from 'vitest';
import { readFileSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { WireImages, wireDataUrl, type WireSpec } from '../../main/engine/wire-images';
import { makePhotos } from '../support/photos';
import { tempDir } from '../library/helpers';

const PNG: WireSpec = { size: 512, format: 'png', jpegQuality: 90 };

describe('images made ahead for endpoints', () => {
  it('are taken ready, as the image made now would be; per wire setting', async () => {
    const dir = tempDir('wire');
    const [a] = await makePhotos(dir, [{ rel: 'a.jpg', seed: 1, width: 640, height: 480 }]);
    const store = new WireImages(8);
    store.prepare(a!, PNG);
    expect(store.size).toBe(1);
    expect(await store.take(a!, PNG)).toBe(await wireDataUrl(a!, PNG));
    expect(store.served).toBe(1);
    expect(store.size).toBe(0);
    // Taken once: the next take makes it again.
    await store.take(a!, PNG);
    expect(store.served).toBe(1);
    // Another endpoint's setting is another image.
    const jpeg: WireSpec = { size: 32, format: 'jpeg', jpegQuality: 50 };
    store.prepare(a!, PNG);
    const small = await store.take(a!, jpeg);
    expect(small).toMatch(/^data:image\/jpeg;base64,/);
    expect(store.served).toBe(1);
    expect(store.size).toBe(1);
  });

  it('a file changed after its image was made is made again', async () => {
    const dir = tempDir('wire-changed');
    const [a, b] = await makePhotos(dir, [{ rel: 'a.jpg', seed: 1, width: 320, height: 240 }, { rel: 'b.jpg', seed: 2, width: 300, height: 200 }]);
    const store = new WireImages(8);
    store.prepare(a!, PNG);
    const before = await wireDataUrl(a!, PNG);
    await new Promise((r) => setTimeout(r, 20));
    // The same path now holds another picture (a newer mtime, another size).
    writeFileSync(a!, readFileSync(b!));
    utimesSync(a!, new Date(), new Date(Date.now() + 5_000));
    const taken = await store.take(a!, PNG);
    expect(taken).not.toBe(before);
    expect(taken).toBe(await wireDataUrl(b!, PNG));
    expect(store.served).toBe(0);
  });

  it('an unreadable file fails when taken, with the error of making it now', async () => {
    const dir = tempDir('wire-bad');
    const bad = path.join(dir, 'notes.jpg');
    writeFileSync(bad, 'not an image');
    const store = new WireImages(8);
    store.prepare(bad, PNG);
    const now = await wireDataUrl(bad, PNG).then(() => null, (e: Error) => e.message);
    expect(now).toBeTruthy();
    await expect(store.take(bad, PNG)).rejects.toThrow(now!);
  });

  it('keeps at most `max` images, dropping the oldest', async () => {
    const dir = tempDir('wire-max');
    const files = await makePhotos(dir, [1, 2, 3, 4].map((seed) => ({ rel: `p${seed}.jpg`, seed, width: 64, height: 48 })));
    const store = new WireImages(2);
    for (const f of files) store.prepare(f, PNG);
    expect(store.size).toBe(2);
    await store.take(files[0]!, PNG); // dropped: made again
    await store.take(files[3]!, PNG); // kept
    expect(store.served).toBe(1);
  });
});
