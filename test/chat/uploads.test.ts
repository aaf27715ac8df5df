// Web-mode uploads through the real HTTP server: accepted images land in the session's temp folder;
// too big, not an image, or a name carrying a path → a clear error and nothing written elsewhere.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { createContext, type AppContext } from '../../main/service/context';
import { createService } from '../../main/service/index';
import { startServer, type WebServer } from '../../main/server/server';
import { uploadRoute, uploadSessionDir } from '../../main/server/uploads';
import { resolveUpload, sanitizeUploadName, sweepUploads } from '../../main/uploads/store';
import { tempDir, writeCorruptJpeg, writeImage } from './fixtures';

let dir: string;
let cleanup: () => Promise<void>;
let ctx: AppContext;
let server: WebServer;
const MAX = 20_000;

/** Every file under a folder (relative paths). */
function listFiles(root: string): string[] {
  if (!existsSync(root)) return [];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p); else out.push(path.relative(root, p));
    }
  };
  walk(root);
  return out.sort();
}

async function upload(name: string, body: Buffer, token = server.token) {
  const res = await fetch(`${server.url}api/upload`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/octet-stream', 'X-Filename': encodeURIComponent(name) },
    body,
  });
  return { status: res.status, body: (await res.json()) as { uploadId?: string; name?: string; error?: string } };
}

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('smolalbum-up-'));
  ctx = createContext({ dataDir: path.join(dir, 'data') });
  server = await startServer({ ctx, service: createService(ctx), staticDir: dir, routes: [uploadRoute({ maxBytes: MAX })] });
});
afterAll(async () => { await server?.close(); await ctx?.close(); await cleanup(); });

describe('POST /api/upload', () => {
  it('stores an image in the session folder and resolves its id', async () => {
    const img = readFileSync(await writeImage(path.join(dir, 'a.jpg')));
    const r = await upload('holiday photo.jpg', img);
    expect(r.status).toBe(200);
    expect(r.body.name).toBe('holiday photo.jpg');
    const sessionDir = uploadSessionDir(ctx)!;
    expect(sessionDir.startsWith(ctx.paths.uploads)).toBe(true);
    const stored = await resolveUpload(ctx.paths.uploads, r.body.uploadId!);
    expect(stored.file.startsWith(sessionDir + path.sep)).toBe(true);
    expect(readFileSync(stored.file).equals(img)).toBe(true);
  });

  it('refuses without the access token', async () => {
    const img = readFileSync(await writeImage(path.join(dir, 'b.jpg')));
    expect((await upload('b.jpg', img, 'wrong')).status).toBe(401);
  });

  it('rejects oversized, non-image and path-like uploads with clear errors, writing nothing outside the temp folder', async () => {
    const before = listFiles(dir).filter((f) => !f.startsWith(path.join('data', 'uploads')));
    const uploadsBefore = listFiles(ctx.paths.uploads);
    const big = await upload('big.png', readFileSync(await writeImage(path.join(dir, 'big.png'), { width: 400, height: 400, format: 'png', seed: 3 })));
    expect(big.status).toBe(413);
    expect(big.body.error).toMatch(/too large/);
    const text = await upload('notes.jpg', Buffer.from('just some text pretending to be a jpeg, long enough'));
    expect(text.status).toBe(415);
    expect(text.body.error).toMatch(/not an image/);
    const corrupt = await upload('broken.jpg', readFileSync(await writeCorruptJpeg(path.join(dir, 'broken.jpg'))));
    expect(corrupt.status).toBe(415);
    expect(corrupt.body.error).toMatch(/broken\.jpg is not a readable image/);
    const good = readFileSync(await writeImage(path.join(dir, 'c.jpg'), { seed: 4 }));
    for (const name of ['../../x.jpg', '..\\..\\x.jpg', '/etc/x.jpg', 'sub/x.jpg', '..']) {
      const r = await upload(name, good);
      expect(r.status, name).toBe(400);
      expect(r.body.error).toMatch(/not a plain file name/);
    }
    const missing = await fetch(`${server.url}api/upload`, { method: 'POST', headers: { Authorization: `Bearer ${server.token}` }, body: good });
    expect(missing.status).toBe(400);
    // Only the files this test wrote itself appeared outside data/uploads; nothing new inside it either.
    const after = listFiles(dir).filter((f) => !f.startsWith(path.join('data', 'uploads')));
    expect(after.filter((f) => !before.includes(f)).sort()).toEqual(['big.png', 'broken.jpg', 'c.jpg']);
    expect(listFiles(ctx.paths.uploads)).toEqual(uploadsBefore);
    expect(existsSync(path.join(dir, 'x.jpg'))).toBe(false);
    expect(existsSync(path.resolve(ctx.paths.uploads, '../../x.jpg'))).toBe(false);
    // The server keeps serving.
    expect((await upload('ok.jpg', good)).status).toBe(200);
  });

  it('cleans up: unknown ids are refused, old uploads are swept, closing removes the session folder', async () => {
    await expect(resolveUpload(ctx.paths.uploads, '../../etc.passwd')).rejects.toThrow(/Unknown upload/);
    const img = readFileSync(await writeImage(path.join(dir, 'd.jpg'), { seed: 5 }));
    const r = await upload('d.jpg', img);
    const { file } = await resolveUpload(ctx.paths.uploads, r.body.uploadId!);
    expect(await sweepUploads(ctx.paths.uploads, 60_000)).toBe(0);
    expect(await sweepUploads(ctx.paths.uploads, 60_000, statSync(path.dirname(file)).mtimeMs + 120_000)).toBeGreaterThan(0);
    await expect(resolveUpload(ctx.paths.uploads, r.body.uploadId!)).rejects.toThrow(/gone/);
    await upload('e.jpg', img);
    const sessionDir = uploadSessionDir(ctx)!;
    expect(existsSync(sessionDir)).toBe(true);
    await server.close();
    await ctx.close();
    expect(existsSync(sessionDir)).toBe(false);
  });
});

describe('sanitizeUploadName', () => {
  it('keeps ordinary names and neutralises odd characters', () => {
    expect(sanitizeUploadName('IMG 0001 (2).JPG')).toBe('IMG 0001 (2).JPG');
    expect(sanitizeUploadName('.hidden.jpg')).toBe('_hidden.jpg');
    expect(sanitizeUploadName('a:b*c?.png')).toBe('a_b_c_.png');
    expect(sanitizeUploadName('C:evil.jpg')).toBe('C_evil.jpg');
  });
});
