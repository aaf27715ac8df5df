// Playing a video seeks with HTTP Range: web mode's /media/:id and the Electron smolalbum:// protocol
// handler answer first, middle and suffix ranges with 206, invalid ones with 416, and web mode refuses
// a request without the session token. Real server on 127.0.0.1, real library, a real clip.
import http from 'node:http';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext, type AppContext } from '../../main/service/context';
import { createService } from '../../main/service/index';
import { startServer, type WebServer } from '../../main/server/server';
import { createProtocolHandler, mediaRoots } from '../../main/app/protocol-handler';
import { resolveMedia } from '../../main/library/media';
import { parseRange } from '../../main/media/http-range';
import { makeClip } from '../support/videos';
import { removeDir, tempDir } from '../library/helpers';
import { writePhoto } from '../e2e/support';

let tmp: string;
let ctx: AppContext;
let server: WebServer;
let videoId: number;
let photoId: number;
let bytes: Buffer;

function get(p: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port: server.port, path: p, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

beforeAll(async () => {
  tmp = tempDir('video-range');
  const root = path.join(tmp, 'Videos');
  const clip = await makeClip({ file: path.join(root, 'clip.mp4'), seconds: 2, audio: true });
  bytes = readFileSync(clip);
  await writePhoto(root, { name: 'still.jpg', color: [10, 200, 10], takenAt: '2024:05:01 10:00:00' });
  ctx = createContext({ dataDir: path.join(tmp, 'data') });
  const service = createService(ctx);
  await service['roots.add']({ path: root, scan: false });
  await service['library.rescan']({});
  const ids = ctx.db.prepare('SELECT id, rel_path FROM photos').all() as { id: number; rel_path: string }[];
  videoId = ids.find((r) => r.rel_path === 'clip.mp4')!.id;
  photoId = ids.find((r) => r.rel_path === 'still.jpg')!.id;
  server = await startServer({ ctx, service });
}, 60_000);

afterAll(async () => {
  await server?.close();
  await ctx?.close();
  removeDir(tmp);
});

describe('parseRange', () => {
  it('reads first, open, middle and suffix ranges; refuses the unsatisfiable', () => {
    expect(parseRange('bytes=0-99', 1000)).toEqual({ kind: 'partial', start: 0, end: 99 });
    expect(parseRange('bytes=500-', 1000)).toEqual({ kind: 'partial', start: 500, end: 999 });
    expect(parseRange('bytes=900-5000', 1000)).toEqual({ kind: 'partial', start: 900, end: 999 });
    expect(parseRange('bytes=-100', 1000)).toEqual({ kind: 'partial', start: 900, end: 999 });
    expect(parseRange('bytes=-5000', 1000)).toEqual({ kind: 'partial', start: 0, end: 999 });
    for (const bad of ['bytes=1000-', 'bytes=5-1', 'bytes=-0', 'bytes=abc', 'bytes=-', 'bytes=']) {
      expect(parseRange(bad, 1000), bad).toEqual({ kind: 'unsatisfiable' });
    }
    expect(parseRange(undefined, 1000)).toEqual({ kind: 'full' });
    expect(parseRange('items=0-1', 1000)).toEqual({ kind: 'full' });
  });
});

describe('web mode /media/:id', () => {
  const tok = () => ({ Authorization: `Bearer ${server.token}` });

  it('refuses a request without the token (401)', async () => {
    expect((await get(`/media/${videoId}`)).status).toBe(401);
    expect((await get(`/media/${videoId}`, { Range: 'bytes=0-9' })).status).toBe(401);
  });

  it('serves the whole clip with Accept-Ranges', async () => {
    const res = await get(`/media/${videoId}?token=${server.token}`);
    expect(res.status).toBe(200);
    expect(res.headers['accept-ranges']).toBe('bytes');
    expect(res.headers['content-type']).toBe('video/mp4');
    expect(res.body.equals(bytes)).toBe(true);
  });

  it('answers first, middle and suffix ranges with 206 and the exact bytes', async () => {
    const size = bytes.length;
    const first = await get(`/media/${videoId}`, { ...tok(), Range: 'bytes=0-1023' });
    expect(first.status).toBe(206);
    expect(first.headers['content-range']).toBe(`bytes 0-1023/${size}`);
    expect(first.body.equals(bytes.subarray(0, 1024))).toBe(true);
    const mid = Math.floor(size / 2);
    const middle = await get(`/media/${videoId}`, { ...tok(), Range: `bytes=${mid}-${mid + 4999}` });
    expect(middle.status).toBe(206);
    expect(middle.headers['content-length']).toBe('5000');
    expect(middle.body.equals(bytes.subarray(mid, mid + 5000))).toBe(true);
    const open = await get(`/media/${videoId}`, { ...tok(), Range: `bytes=${mid}-` });
    expect(open.body.equals(bytes.subarray(mid))).toBe(true);
    const suffix = await get(`/media/${videoId}`, { ...tok(), Range: 'bytes=-777' });
    expect(suffix.status).toBe(206);
    expect(suffix.headers['content-range']).toBe(`bytes ${size - 777}-${size - 1}/${size}`);
    expect(suffix.body.equals(bytes.subarray(size - 777))).toBe(true);
  });

  it('answers invalid ranges with 416 and the size', async () => {
    for (const range of [`bytes=${bytes.length}-`, 'bytes=9-3', 'bytes=-0', 'bytes=x-y']) {
      const res = await get(`/media/${videoId}`, { ...tok(), Range: range });
      expect(res.status, range).toBe(416);
      expect(res.headers['content-range']).toBe(`bytes */${bytes.length}`);
    }
  });

  it('finds clips by id only', async () => {
    expect((await get(`/media/${photoId}`, tok())).status).toBe(404); // a still has no clip
    expect((await get('/media/999999', tok())).status).toBe(404);
    expect((await get('/media/..%2f..%2fetc%2fpasswd', tok())).status).toBe(404);
    expect((await get(`/media/${videoId}?preview=hevc`, tok())).status).toBe(400);
    expect((await get(`/media/${videoId}?preview=vp9`, tok())).status).toBe(404); // not made yet
  });
});

describe('Electron smolalbum://media/:id', () => {
  it('answers ranges the same way', async () => {
    const handler = createProtocolHandler({
      rendererDir: tmp,
      resolveMedia: (kind, id, preview) => resolveMedia(ctx, kind, id, preview),
      allowedRoots: () => mediaRoots(ctx),
    });
    const req = (range?: string) => handler(new Request(`smolalbum://media/${videoId}`, { headers: range ? { Range: range } : {} }));
    const whole = await req();
    expect(whole.status).toBe(200);
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect(Buffer.from(await whole.arrayBuffer()).equals(bytes)).toBe(true);
    const mid = await req('bytes=100-199');
    expect(mid.status).toBe(206);
    expect(mid.headers.get('content-range')).toBe(`bytes 100-199/${bytes.length}`);
    expect(Buffer.from(await mid.arrayBuffer()).equals(bytes.subarray(100, 200))).toBe(true);
    const suffix = await req('bytes=-50');
    expect(Buffer.from(await suffix.arrayBuffer()).equals(bytes.subarray(bytes.length - 50))).toBe(true);
    expect((await req('bytes=99999999-')).status).toBe(416);
  });
});
