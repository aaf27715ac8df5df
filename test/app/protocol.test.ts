// smolalbum:// — URL parsing, path confinement (`..`, encoded `%2e%2e`/`%2f`, symlinks out of the roots,
// unknown ids) and the request handler Electron's protocol.handle runs, over real files in temp dirs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { confineToRoots, isWithin, parseProtocolUrl, resolveInside, safeRelativePath } from '../../main/app/protocol-paths';
import { createProtocolHandler, mediaRoots, type MediaFile } from '../../main/app/protocol-handler';
import { CONTENT_SECURITY_POLICY } from '../../main/app/security';
import { createContext, type AppContext } from '../../main/service/context';
import { createService } from '../../main/service/index';
import { resolveMedia } from '../../main/library/media';

let tmp: string;
let rendererDir: string;
let rootA: string;
let thumbs: string;
let outside: string;

beforeAll(async () => {
  tmp = await realpath(await mkdtemp(path.join(os.tmpdir(), 'smolalbum-protocol-')));
  rendererDir = path.join(tmp, 'renderer');
  rootA = path.join(tmp, 'photos');
  thumbs = path.join(tmp, 'data', 'thumbs');
  outside = path.join(tmp, 'secret');
  for (const d of [rendererDir, path.join(rendererDir, 'assets'), rootA, thumbs, outside, path.join(tmp, 'photos2')]) await mkdir(d, { recursive: true });
  await writeFile(path.join(rendererDir, 'index.html'), '<!doctype html><title>SmolAlbum</title>');
  await writeFile(path.join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  await writeFile(path.join(outside, 'passwd'), 'SECRET');
  await writeFile(path.join(rootA, 'a.jpg'), 'JPEGDATA');
  await writeFile(path.join(tmp, 'photos2', 'b.jpg'), 'NOT-IN-ROOT-A');
  await writeFile(path.join(thumbs, 't.webp'), 'WEBP');
  // Symlinks planted inside allowed folders that point out of them.
  await symlink(path.join(outside, 'passwd'), path.join(rootA, 'link-out.jpg'));
  await symlink(outside, path.join(rootA, 'dir-out'));
  await symlink(path.join(outside, 'passwd'), path.join(rendererDir, 'assets', 'leak.js'));
  await symlink(path.join(rootA, 'a.jpg'), path.join(rootA, 'link-in.jpg'));
});
afterAll(async () => { await rm(tmp, { recursive: true, force: true }); });

describe('parseProtocolUrl', () => {
  it('reads app files and media ids', () => {
    expect(parseProtocolUrl('smolalbum://app/index.html')).toEqual({ kind: 'app', relPath: 'index.html' });
    expect(parseProtocolUrl('smolalbum://app/')).toEqual({ kind: 'app', relPath: 'index.html' });
    expect(parseProtocolUrl('smolalbum://app/assets/app.js?v=1')).toEqual({ kind: 'app', relPath: 'assets/app.js' });
    expect(parseProtocolUrl('smolalbum://thumb/42')).toEqual({ kind: 'thumb', id: 42 });
    expect(parseProtocolUrl('smolalbum://preview/7/')).toEqual({ kind: 'preview', id: 7 });
    expect(parseProtocolUrl('smolalbum://PHOTO/9')).toEqual({ kind: 'photo', id: 9 });
  });

  it('takes media by numeric id only', () => {
    for (const url of ['smolalbum://photo/0', 'smolalbum://photo/-1', 'smolalbum://photo/1.5', 'smolalbum://photo/abc',
      'smolalbum://photo/%2e%2e/etc/passwd', 'smolalbum://photo/1/2', 'smolalbum://thumb/', 'smolalbum://photo/1e3',
      'smolalbum://photo/99999999999999999999', 'smolalbum://photo//etc/passwd']) {
      expect(parseProtocolUrl(url).kind, url).toBe('invalid');
    }
  });

  it('refuses unknown hosts, other schemes, credentials and ports', () => {
    for (const url of ['smolalbum://evil/index.html', 'file:///etc/passwd', 'https://app/index.html', 'smolalbum://u:p@app/index.html',
      'smolalbum://app:8080/index.html', 'not a url']) {
      expect(parseProtocolUrl(url).kind, url).toBe('invalid');
    }
  });

  it('never yields a path that climbs, whatever the encoding', () => {
    for (const url of ['smolalbum://app/../../secret/passwd', 'smolalbum://app/%2e%2e/%2e%2e/secret/passwd',
      'smolalbum://app/assets/..%2f..%2fsecret%2fpasswd', 'smolalbum://app/..%5c..%5csecret', 'smolalbum://app/%2E%2E/x']) {
      const t = parseProtocolUrl(url);
      if (t.kind === 'app') expect(t.relPath.split('/'), url).not.toContain('..');
      else expect(t.kind, url).toBe('invalid');
    }
  });
});

describe('safeRelativePath', () => {
  it('keeps plain segments', () => {
    expect(safeRelativePath('/assets/app.js')).toBe('assets/app.js');
    expect(safeRelativePath('/a%20b/c.png')).toBe('a b/c.png');
  });
  it('rejects dot segments, hidden separators, NUL, drive letters and bad escapes', () => {
    for (const p of ['/../x', '/a/%2e%2e/x', '/a/%2E%2e/x', '/./x', '/a%2fb', '/a%5cb', '/a\\b', '/a%00b', '/C:/x', '/%E0%A4%A']) {
      expect(safeRelativePath(p), p).toBeNull();
    }
  });
});

describe('confinement by real path', () => {
  it('isWithin compares whole path segments', () => {
    expect(isWithin('/data/photos', '/data/photos/a.jpg')).toBe(true);
    expect(isWithin('/data/photos', '/data/photos2/a.jpg')).toBe(false);
    expect(isWithin('/data/photos', '/data/a.jpg')).toBe(false);
  });

  it('resolveInside serves files under the folder and nothing a symlink points out to', async () => {
    expect(await resolveInside(rendererDir, 'assets/app.js')).toBe(path.join(rendererDir, 'assets', 'app.js'));
    expect(await resolveInside(rendererDir, 'assets/leak.js')).toBeNull();
    expect(await resolveInside(rendererDir, '../secret/passwd')).toBeNull();
    expect(await resolveInside(rendererDir, 'missing.js')).toBeNull();
  });

  it('confineToRoots follows every symlink before deciding', async () => {
    const roots = [rootA, thumbs];
    expect(await confineToRoots(path.join(rootA, 'a.jpg'), roots)).toBe(path.join(rootA, 'a.jpg'));
    expect(await confineToRoots(path.join(rootA, 'link-in.jpg'), roots)).toBe(path.join(rootA, 'a.jpg'));
    expect(await confineToRoots(path.join(thumbs, 't.webp'), roots)).toBe(path.join(thumbs, 't.webp'));
    expect(await confineToRoots(path.join(rootA, 'link-out.jpg'), roots)).toBeNull();
    expect(await confineToRoots(path.join(rootA, 'dir-out', 'passwd'), roots)).toBeNull();
    expect(await confineToRoots(path.join(rootA, '..', 'secret', 'passwd'), roots)).toBeNull();
    expect(await confineToRoots(path.join(tmp, 'photos2', 'b.jpg'), roots)).toBeNull(); // prefix, not parent
    expect(await confineToRoots('relative/a.jpg', roots)).toBeNull();
    expect(await confineToRoots(rootA, roots)).toBeNull(); // a root itself is not a file to serve
  });

  it('accepts a root that is itself reached through a symlink', async () => {
    const linkRoot = path.join(tmp, 'linked-root');
    await symlink(rootA, linkRoot);
    expect(await confineToRoots(path.join(linkRoot, 'a.jpg'), [linkRoot])).toBe(path.join(rootA, 'a.jpg'));
  });
});

describe('protocol handler', () => {
  const media: Record<string, MediaFile> = {};
  let handler: (req: Request) => Promise<Response>;
  const logs: string[] = [];
  beforeAll(() => {
    media['photo/1'] = { file: path.join(rootA, 'a.jpg'), mime: 'image/jpeg' };
    media['thumb/1'] = { file: path.join(thumbs, 't.webp'), mime: 'image/webp' };
    // What a buggy or compromised resolver could return: the handler must still refuse them.
    media['photo/2'] = { file: path.join(rootA, 'link-out.jpg'), mime: 'image/jpeg' };
    media['photo/3'] = { file: path.join(outside, 'passwd'), mime: 'image/jpeg' };
    media['photo/4'] = { file: path.join(rootA, 'dir-out', 'passwd'), mime: 'image/jpeg' };
    handler = createProtocolHandler({
      rendererDir,
      resolveMedia: (kind, id) => media[`${kind}/${id}`] ?? null,
      allowedRoots: () => [rootA, thumbs],
      log: (m) => logs.push(m),
    });
  });
  const get = (url: string, method = 'GET') => handler(new Request(url, { method }));

  it('serves the renderer with the CSP header and a proper type', async () => {
    const res = await get('smolalbum://app/index.html');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await res.text()).toContain('<title>SmolAlbum</title>');
    const js = await get('smolalbum://app/assets/app.js');
    expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
  });

  it('never returns a file outside the renderer folder', async () => {
    for (const url of ['smolalbum://app/../secret/passwd', 'smolalbum://app/%2e%2e/secret/passwd', 'smolalbum://app/assets/..%2f..%2fsecret%2fpasswd',
      'smolalbum://app/assets/leak.js', 'smolalbum://app/..%5csecret%5cpasswd']) {
      const res = await get(url);
      expect(res.status, url).toBeGreaterThanOrEqual(400);
      expect(await res.text(), url).not.toContain('SECRET');
    }
  });

  it('serves media by id', async () => {
    const photo = await get('smolalbum://photo/1');
    expect(photo.status).toBe(200);
    expect(photo.headers.get('content-type')).toBe('image/jpeg');
    expect(photo.headers.get('content-length')).toBe('8');
    expect(await photo.text()).toBe('JPEGDATA');
    const thumb = await get('smolalbum://thumb/1');
    expect(await thumb.text()).toBe('WEBP');
  });

  it('answers unknown ids with 404', async () => {
    const res = await get('smolalbum://photo/999');
    expect(res.status).toBe(404);
    expect((await get('smolalbum://preview/1')).status).toBe(404);
  });

  it('refuses media that resolves outside the library roots and the thumbnail cache', async () => {
    for (const id of [2, 3, 4]) {
      const res = await get(`smolalbum://photo/${id}`);
      expect(res.status, `photo ${id}`).toBe(403);
      expect(await res.text()).not.toContain('SECRET');
    }
    expect(logs.some((l) => l.includes('outside the library roots'))).toBe(true);
  });

  it('accepts GET and HEAD only', async () => {
    expect((await get('smolalbum://photo/1', 'POST')).status).toBe(405);
    const head = await get('smolalbum://photo/1', 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe('8');
  });

  it('rejects malformed URLs with 400', async () => {
    expect((await get('smolalbum://photo/abc')).status).toBe(400);
    expect((await get('smolalbum://nowhere/1')).status).toBe(400);
  });
});

describe('protocol handler over a real library', () => {
  let ctx: AppContext;
  let photos: string;
  let handler: (req: Request) => Promise<Response>;
  beforeAll(async () => {
    const dir = await realpath(await mkdtemp(path.join(os.tmpdir(), 'smolalbum-protocol-lib-')));
    photos = path.join(dir, 'Pictures');
    await mkdir(photos);
    await sharp({ create: { width: 96, height: 64, channels: 3, background: { r: 200, g: 80, b: 40 } } }).jpeg().toFile(path.join(photos, 'red.jpg'));
    await writeFile(path.join(dir, 'outside.txt'), 'SECRET');
    ctx = createContext({ dataDir: path.join(dir, 'data') });
    const service = createService(ctx);
    await service['roots.add']({ path: photos, scan: false });
    await service['library.rescan']({});
    handler = createProtocolHandler({
      rendererDir: photos,
      resolveMedia: (kind, id) => resolveMedia(ctx, kind, id),
      allowedRoots: () => mediaRoots(ctx),
    });
    return async () => { await ctx.close(); await rm(dir, { recursive: true, force: true }); };
  });

  it('serves the indexed photo, its thumbnail and its preview', async () => {
    const { id } = ctx.db.prepare('SELECT id FROM photos').get() as { id: number };
    const photo = await handler(new Request(`smolalbum://photo/${id}`));
    expect(photo.status).toBe(200);
    expect(photo.headers.get('content-type')).toBe('image/jpeg');
    const bytes = Buffer.from(await photo.arrayBuffer());
    expect((await sharp(bytes).metadata()).width).toBe(96);
    for (const kind of ['thumb', 'preview']) {
      const res = await handler(new Request(`smolalbum://${kind}/${id}`));
      expect(res.status, kind).toBe(200);
      expect((await sharp(Buffer.from(await res.arrayBuffer())).metadata()).format).toBe('webp');
    }
  });

  it('lists the enabled roots and the thumbnail cache as the only media folders', () => {
    expect(mediaRoots(ctx)).toEqual([photos, ctx.paths.thumbs]);
  });

  it('answers ids the library does not know with 404', async () => {
    expect((await handler(new Request('smolalbum://photo/424242'))).status).toBe(404);
  });
});
