// Web mode adapter against a real library in a temp folder: token, validation, media by id only,
// static files, WebSocket origin/token checks — and the server keeps serving after each bad request.
import http from 'node:http';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createContext, type AppContext } from '../../main/service/context';
import { createService } from '../../main/service/index';
import { startServer, type WebServer } from '../../main/server/server';
import { CONTENT_SECURITY_POLICY } from '../../main/server/security';
import { MEDIA_KINDS } from '../../main/server/media-route';
import { tempDir, writePhoto } from '../e2e/support';

let ctx: AppContext;
let server: WebServer;
let dir: string;
let photoId: number;

/** Raw request: the path is sent exactly as given (no URL normalisation), like curl --path-as-is. */
function raw(rawPath: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: server.port, path: rawPath, method: opts.method ?? 'GET', headers: opts.headers }, (res) => {
      let body = '';
      res.setEncoding('latin1');
      res.on('data', (d: string) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}
const auth = () => ({ Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' });
const call = (method: string, body: unknown, headers: Record<string, string> = auth()) =>
  raw(`/api/${method}`, { method: 'POST', headers, body: JSON.stringify(body) });

/** Tokens as long as the real one that differ from it in the first or the last character. */
function sameLengthWrongTokens(): string[] {
  const t = server.token;
  const other = (c: string) => (c === 'A' ? 'B' : 'A');
  return [`${other(t[0]!)}${t.slice(1)}`, `${t.slice(0, -1)}${other(t.at(-1)!)}`];
}

async function stillServing(): Promise<void> {
  const res = await call('roots.list', {});
  expect(res.status).toBe(200);
}

beforeAll(async () => {
  dir = tempDir('server');
  const photos = path.join(dir, 'photos');
  await writePhoto(photos, { name: 'a.jpg', color: [200, 40, 40], takenAt: '2024:05:01 10:00:00' });
  const staticDir = path.join(dir, 'static');
  mkdirSync(path.join(staticDir, 'assets'), { recursive: true });
  writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>SmolAlbum</title>');
  writeFileSync(path.join(staticDir, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(path.join(dir, 'secret.txt'), 'secret');
  ctx = createContext({ dataDir: path.join(dir, 'data') });
  const service = createService(ctx);
  const root = await service['roots.add']({ path: photos, scan: false });
  await service['library.rescan']({ rootId: root.id });
  photoId = (await service['photos.list']({ limit: 10 })).items[0]!.id;
  server = await startServer({ ctx, service, port: 0, staticDir });
});

afterAll(async () => {
  await server?.close();
  await ctx?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('web mode API', () => {
  it('binds 127.0.0.1 and hands out a URL carrying a random token', () => {
    expect(server.host).toBe('127.0.0.1');
    expect(server.openUrl).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`);
    expect(server.token.length).toBeGreaterThanOrEqual(32);
  });

  it('answers a method called with the token', async () => {
    const res = await call('roots.list', {});
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toHaveLength(1);
  });

  it('refuses the API without the token or with a wrong one (401)', async () => {
    expect((await call('roots.list', {}, { 'Content-Type': 'application/json' })).status).toBe(401);
    expect((await call('roots.list', {}, { Authorization: 'Bearer nope' })).status).toBe(401);
    expect((await raw(`/api/roots.list?token=${server.token}x`, { method: 'POST' })).status).toBe(401);
    // Wrong tokens of the right length: a check that compared lengths only would let these in.
    for (const wrong of sameLengthWrongTokens()) {
      expect(wrong).toHaveLength(server.token.length);
      const res = await call('roots.list', {}, { Authorization: `Bearer ${wrong}`, 'Content-Type': 'application/json' });
      expect(res.status, wrong).toBe(401);
      expect(res.body).not.toContain('"path"');
    }
    await stillServing();
  });

  it('answers invalid input with 400 and the zod message', async () => {
    const res = await call('roots.add', { path: 5 });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).error).toMatch(/^Invalid input for roots\.add: path: .*expected string/i);
    const extra = await call('photos.get', { id: 1, evil: true });
    expect(extra.status).toBe(400);
    expect(JSON.parse(extra.body).error).toMatch(/photos\.get/);
    const notJson = await raw('/api/roots.list', { method: 'POST', headers: auth(), body: '{nope' });
    expect(notJson.status).toBe(400);
    await stillServing();
  });

  it('answers unknown methods with 404, other verbs with 405, huge bodies with 413', async () => {
    expect((await call('nope.nothing', {})).status).toBe(404);
    expect((await call('__proto__', {})).status).toBe(404);
    expect((await raw('/api/roots.list', { headers: auth() })).status).toBe(405);
    expect((await raw('/api/roots.add', { method: 'POST', headers: auth(), body: JSON.stringify({ path: 'x'.repeat(3 * 1024 * 1024) }) })).status).toBe(413);
    await stillServing();
  });

  it('passes handler errors on with their status', async () => {
    const res = await call('photos.get', { id: 999999 });
    expect(res.status).toBe(404);
    expect(JSON.parse(res.body).error).toMatch(/999999/);
    await stillServing();
  });
});

describe('media by id only', () => {
  it('serves a thumbnail, preview and original by id with the token', async () => {
    const thumb = await raw(`/thumb/${photoId}?token=${server.token}`);
    expect(thumb.status).toBe(200);
    expect(thumb.headers['content-type']).toBe('image/webp');
    expect((await raw(`/preview/${photoId}?token=${server.token}`)).status).toBe(200);
    const photo = await raw(`/photo/${photoId}?token=${server.token}`);
    expect(photo.status).toBe(200);
    expect(photo.headers['content-type']).toBe('image/jpeg');
  });

  it('needs the token for every media route (401), a wrong one of the right length included', async () => {
    expect(MEDIA_KINDS.length).toBeGreaterThanOrEqual(3);
    for (const kind of MEDIA_KINDS) {
      const ok = await raw(`/${kind}/${photoId}?token=${server.token}`);
      // /media/:id plays a video's clip: a still has none (404), but only once the token is right.
      expect(ok.status, kind).toBe(kind === 'media' ? 404 : 200);
      for (const query of ['', '?token=', '?token=wrong', ...sameLengthWrongTokens().map((t) => `?token=${t}`)]) {
        const res = await raw(`/${kind}/${photoId}${query}`);
        expect(res.status, `/${kind}/${photoId}${query}`).toBe(401);
        expect(res.headers['content-type'], kind).not.toMatch(/^image\//);
      }
    }
  });

  it('answers traversal attempts and unknown ids with 404', async () => {
    const q = `?token=${server.token}`;
    for (const p of ['/thumb/../../etc/passwd', '/thumb/..%2F..%2Fetc%2Fpasswd', '/photo/%2e%2e/%2e%2e/etc/passwd', '/thumb/999999',
      '/thumb/0', '/thumb/-1', '/thumb/1.5', '/thumb/1e3', '/photo/1/../../secret.txt', '/preview/']) {
      const res = await raw(`${p}${q}`);
      expect(res.status, p).toBe(404);
      expect(res.body, p).not.toMatch(/root:|secret/);
    }
    await stillServing();
  });
});

describe('static renderer', () => {
  it('serves the page with security headers, and nothing outside its folder', async () => {
    const page = await raw('/');
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect((await raw('/assets/app.js')).headers['content-type']).toMatch(/javascript/);
    for (const p of ['/../secret.txt', '/..%2fsecret.txt', '/assets/../../secret.txt', '/%00']) {
      expect((await raw(p)).status, p).toBe(404);
    }
    await stillServing();
  });
});

describe('events WebSocket', () => {
  const connect = (query: string, origin?: string) => new WebSocket(`ws://127.0.0.1:${server.port}/events${query}`, origin ? { origin } : {});
  const refusal = (ws: WebSocket) => new Promise<number>((resolve, reject) => {
    ws.on('unexpected-response', (_req, res) => { resolve(res.statusCode ?? 0); ws.terminate(); });
    ws.on('open', () => reject(new Error('connection was accepted')));
    ws.on('error', () => {});
  });

  it('forwards service events to a page of the same origin', async () => {
    const ws = connect(`?token=${server.token}`, `http://127.0.0.1:${server.port}`);
    await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
    const got = new Promise<unknown>((resolve) => ws.once('message', (data) => resolve(JSON.parse(String(data)))));
    ctx.events.emit('library.changed', { photoIds: [photoId] });
    expect(await got).toEqual({ event: 'library.changed', payload: { photoIds: [photoId] } });
    ws.close();
  });

  it('refuses a wrong origin (403) and a missing token (401)', async () => {
    expect(await refusal(connect(`?token=${server.token}`, 'http://evil.example'))).toBe(403);
    expect(await refusal(connect(`?token=${server.token}`, `http://localhost:${server.port}`))).toBe(403);
    expect(await refusal(connect('', `http://127.0.0.1:${server.port}`))).toBe(401);
    for (const wrong of sameLengthWrongTokens()) expect(await refusal(connect(`?token=${wrong}`, `http://127.0.0.1:${server.port}`))).toBe(401);
    await stillServing();
  });
});
