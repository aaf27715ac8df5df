// GET /api/thumbs (main/server/thumb-batch-route.ts) on a real library: the same bytes as
// GET /thumb/:id for each photo, ids without a thumbnail left out, bad lists and a missing token
// refused — and the format's reader (shared/thumb-batch.ts) refuses bodies that do not add up.
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext, type AppContext } from '../../main/service/context';
import { createService } from '../../main/service/index';
import { startServer, type WebServer } from '../../main/server/server';
import { THUMB_BATCH_MAX, parseThumbIds, readThumbBatch, thumbBatchHead } from '../../shared/thumb-batch';
import { tempDir, writePhoto } from '../e2e/support';

let ctx: AppContext;
let server: WebServer;
let dir: string;
const ids: Record<string, number> = {};

const get = (p: string, token: string | null = server.token) =>
  fetch(`http://127.0.0.1:${server.port}${p}`, { headers: token ? { Authorization: `Bearer ${token}` } : {} });

beforeAll(async () => {
  dir = tempDir('thumb-batch');
  const photos = path.join(dir, 'photos');
  await writePhoto(photos, { name: 'red.jpg', color: [200, 40, 40], takenAt: '2024:05:01 10:00:00' });
  await writePhoto(photos, { name: 'blue.jpg', color: [40, 40, 200], takenAt: '2024:05:02 10:00:00' });
  writeFileSync(path.join(photos, 'notes.jpg'), 'not a picture');
  ctx = createContext({ dataDir: path.join(dir, 'data') });
  const service = createService(ctx);
  const root = await service['roots.add']({ path: photos, scan: false });
  await service['library.rescan']({ rootId: root.id });
  for (const p of (await service['photos.list']({ limit: 10 })).items) ids[p.relPath] = p.id;
  server = await startServer({ ctx, service, port: 0, staticDir: dir });
});

afterAll(async () => {
  await server?.close();
  await ctx?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('GET /api/thumbs', () => {
  it('answers each id with the bytes GET /thumb/:id serves, in the order asked, leaving out ids without one', async () => {
    const asked = [ids['blue.jpg']!, 999_999, ids['notes.jpg']!, ids['red.jpg']!];
    const res = await get(`/api/thumbs?ids=${asked.join(',')}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    const images = readThumbBatch(await res.arrayBuffer());
    expect(images.map((i) => i.id)).toEqual([ids['blue.jpg'], ids['red.jpg']]);
    for (const image of images) {
      const one = await fetch(`http://127.0.0.1:${server.port}/thumb/${image.id}?token=${server.token}`);
      expect(image.mime).toBe(one.headers.get('content-type'));
      expect(Buffer.from(image.bytes).equals(Buffer.from(await one.arrayBuffer()))).toBe(true);
    }
    expect(Buffer.from(images[0]!.bytes).equals(Buffer.from(images[1]!.bytes))).toBe(false);
  });

  it('refuses a list that is not 1 to THUMB_BATCH_MAX ids, and a request without the token', async () => {
    const tooMany = Array.from({ length: THUMB_BATCH_MAX + 1 }, (_, i) => i + 1).join(',');
    for (const q of ['', 'ids=', 'ids=1,,2', 'ids=0', 'ids=-1', 'ids=1.5', 'ids=../1', `ids=${tooMany}`]) {
      const res = await get(`/api/thumbs?${q}`);
      expect(res.status, q).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(/ids must be 1 to 120 photo ids/);
    }
    expect((await get(`/api/thumbs?ids=${ids['red.jpg']}`, null)).status).toBe(401);
    expect((await get(`/api/thumbs?ids=${ids['red.jpg']}`)).status).toBe(200);
  });
});

describe('thumbnail batch format', () => {
  const body = (entries: { id: number; mime: string; length: number }[], bytes: number[]) => {
    const head = thumbBatchHead(entries);
    const out = new Uint8Array(head.length + bytes.length);
    out.set(head);
    out.set(bytes, head.length);
    return out.buffer;
  };

  it('reads back what was written', () => {
    const images = readThumbBatch(body([{ id: 4, mime: 'image/webp', length: 2 }, { id: 9, mime: 'image/jpeg', length: 1 }], [1, 2, 3]));
    expect(images.map((i) => [i.id, i.mime, [...i.bytes]])).toEqual([[4, 'image/webp', [1, 2]], [9, 'image/jpeg', [3]]]);
  });

  it('refuses a body shorter or longer than its header says', () => {
    expect(() => readThumbBatch(new Uint8Array([1, 0]).buffer)).toThrow(/shorter than its header/);
    expect(() => readThumbBatch(body([{ id: 4, mime: 'image/webp', length: 2 }], [1, 2, 3]))).toThrow(/1 bytes left over/);
    expect(() => readThumbBatch(body([{ id: 4, mime: 'image/webp', length: 5 }], [1, 2]))).toThrow();
    const head = thumbBatchHead([]);
    new DataView(head.buffer).setUint32(0, 999, true);
    expect(() => readThumbBatch(head.buffer as ArrayBuffer)).toThrow(/header runs past the end/);
  });

  it('parses id lists, dropping duplicates', () => {
    expect(parseThumbIds('3,1,3,2')).toEqual([3, 1, 2]);
    expect(parseThumbIds('1 ,2')).toBeNull();
    expect(parseThumbIds('99999999999999999')).toBeNull();
  });
});
