// One table of failures, each driven through every adapter over one real library: HTTP (the web-mode
// server: status and `{ error, kind }`), IPC (the generated handlers, a Map standing in for ipcMain:
// kind and status as data) and the CLI where a command reaches the same method (exit code, stderr).
// The expected status and exit code come from the kind through shared/errors.ts only, so a wrong kind
// at the throw and a wrong mapping in an adapter both fail here. The rows include every hostile-probe
// case of issue 15 item 3 that is an answer to a request; the ones that are not (upload names, token
// placement, the watcher, a restart after kill -9) follow the table.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { WebSocket } from 'ws';
import { EXIT_CODE_OF_KIND, HTTP_STATUS_OF_KIND, type ErrorKind } from '../../shared/errors';
import { createContext, type AppContext } from '../../main/service/context';
import { createService } from '../../main/service/index';
import { startServer, type WebServer } from '../../main/server/server';
import { uploadSessionDir } from '../../main/server/uploads';
import { guarded, registerMethodHandlers, type InvokeEventLike, type IpcMainLike } from '../../main/app/ipc-handlers';
import { methodChannel, type IpcResult } from '../../preload/channels';
import { main as cli } from '../../main/cli/index';
import { MAX_NAME_BYTES, resolveUpload } from '../../main/uploads/store';
import { watchRoots } from '../../main/library/watcher';
import { startLibraryServices } from '../../main/service/launch';
import { claimNext, enqueueMissing } from '../../main/ai/queue';
import { tempDir, writePhoto } from '../e2e/support';

class MapIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, (event: InvokeEventLike, ...args: unknown[]) => unknown>();
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => unknown): void { this.handlers.set(channel, listener); }
  removeHandler(channel: string): void { this.handlers.delete(channel); }
  async call(channel: string, input: unknown): Promise<IpcResult> {
    const h = this.handlers.get(channel);
    if (!h) throw new Error(`No handler registered for '${channel}'`);
    return (await h({ senderFrame: { url: 'smolalbum://app/index.html', parent: null } }, input)) as IpcResult;
  }
}

let dir: string;
let dataDir: string;
let photos: string;
let ctx: AppContext;
let server: WebServer;
let ipc: MapIpcMain;
const faults: string[] = [];

beforeAll(async () => {
  dir = tempDir('error-kinds');
  photos = path.join(dir, 'Pictures');
  await writePhoto(photos, { name: 'a.jpg', color: [200, 40, 40], takenAt: '2024:05:01 10:00:00' });
  dataDir = path.join(dir, 'data');
  // The context's logger records what would be logged as a fault (a person's mistake never is).
  const log = { file: null, log: (_l: string, m: string) => faults.push(m), info: () => {}, warn: () => {}, error: (m: string) => faults.push(m) };
  ctx = createContext({ dataDir, log });
  const service = createService(ctx);
  await service['roots.add']({ path: photos, scan: false });
  await service['library.rescan']({});
  await service['albums.create']({ name: 'Taken' });
  server = await startServer({ ctx, service, port: 0, staticDir: dir });
  ipc = new MapIpcMain();
  registerMethodHandlers(ipc, service);
}, 120_000);

afterAll(async () => {
  await server?.close();
  await ctx?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function http(method: string, body: string): Promise<{ status: number; json: { error: string; kind: string } }> {
  const res = await fetch(`${server.url}api/${method}`, { method: 'POST', headers: { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' }, body });
  return { status: res.status, json: (await res.json()) as { error: string; kind: string } };
}

/** Runs the CLI in this process against the same data folder; returns its exit code and stderr. */
async function runCli(args: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const write = process.stderr.write.bind(process.stderr);
  const out = process.stdout.write.bind(process.stdout);
  process.stderr.write = ((chunk: string | Uint8Array) => { stderr += String(chunk); return true; }) as typeof process.stderr.write;
  process.stdout.write = (() => true) as typeof process.stdout.write;
  try {
    const code = await cli([...args, '--data-dir', dataDir]);
    return { code, stderr };
  } finally {
    process.stderr.write = write;
    process.stdout.write = out;
  }
}

/** A rule nested `levels` groups deep (built as text: JSON.stringify would recurse). */
const deepRuleJson = (levels: number) => `${'{"op":"and","items":['.repeat(levels)}{"kind":"year","value":2024}${']}'.repeat(levels)}`;
const wideRule = (n: number) => ({ op: 'or', items: Array.from({ length: n }, (_, i) => ({ kind: 'year', value: 1900 + (i % 1000) })) });
const deepValueJson = (levels: number) => `${'['.repeat(levels)}1${']'.repeat(levels)}`;

interface Case {
  name: string;
  method: string;
  /** The request body as JSON text (built as text where the value is too deep to stringify). */
  body: string;
  kind: ErrorKind;
  message: RegExp;
  /** The same failure through a CLI command, where one reaches this method. */
  cli?: string[];
}

const cases: Case[] = [
  { name: 'settings.set with an invalid value', method: 'settings.set', body: JSON.stringify({ key: 'engine.device', value: 'tpu' }), kind: 'input', message: /engine\.device must be one of/ },
  { name: 'settings.set with an unknown key', method: 'settings.set', body: JSON.stringify({ key: 'nope', value: 1 }), kind: 'input', message: /Unknown setting "nope"/ },
  { name: 'settings.set with a __proto__ key', method: 'settings.set', body: '{"key":"__proto__","value":{"polluted":true}}', kind: 'input', message: /Unknown setting "__proto__"/ },
  { name: 'settings.set with a constructor key', method: 'settings.set', body: JSON.stringify({ key: 'constructor', value: 1 }), kind: 'input', message: /Unknown setting "constructor"/ },
  { name: 'settings.set with a 70,000-character value', method: 'settings.set', body: JSON.stringify({ key: 'ui.note', value: 'x'.repeat(70_000) }), kind: 'input', message: /ui\.note is too large \(70002 characters; at most 65536\)/ },
  { name: 'settings.set with a deeply nested value', method: 'settings.set', body: `{"key":"ui.deep","value":${deepValueJson(100_000)}}`, kind: 'input', message: /ui\.deep nests deeper than 32 levels/ },
  { name: 'a smart-album rule nested 1,000 levels deep', method: 'albums.create', body: `{"name":"Deep","rule":${deepRuleJson(1000)}}`, kind: 'input', message: /groups nest deeper than 16 levels/, cli: ['albums', 'create', 'Deep', '--rule', deepRuleJson(1000)] },
  { name: 'an or group of 1,000 conditions', method: 'albums.create', body: JSON.stringify({ name: 'Wide', rule: wideRule(1000) }), kind: 'input', message: /a group holds more than 100 conditions/, cli: ['albums', 'create', 'Wide', '--rule', JSON.stringify(wideRule(1000))] },
  { name: 'a rule of more than 200 conditions in all', method: 'albums.preview', body: JSON.stringify({ rule: { op: 'and', items: [wideRule(100), wideRule(100), wideRule(100)] } }), kind: 'input', message: /a rule holds more than 200 conditions/ },
  { name: 'roots.add /proc (a pseudo-filesystem)', method: 'roots.add', body: JSON.stringify({ path: '/proc' }), kind: 'forbidden', message: /\/proc is inside \/proc, a system pseudo-filesystem/, cli: ['roots', 'add', '/proc'] },
  { name: 'roots.add a folder inside /sys', method: 'roots.add', body: JSON.stringify({ path: '/sys/kernel' }), kind: 'forbidden', message: /pseudo-filesystem|operating system/ },
  { name: 'roots.add /dev', method: 'roots.add', body: JSON.stringify({ path: '/dev' }), kind: 'forbidden', message: /pseudo-filesystem|operating system/ },
  { name: 'roots.add /etc (a system folder)', method: 'roots.add', body: JSON.stringify({ path: '/etc' }), kind: 'forbidden', message: /\/etc is inside \/etc, a folder of the operating system/ },
  { name: 'roots.add the file-system root', method: 'roots.add', body: JSON.stringify({ path: '/' }), kind: 'forbidden', message: /root of the file system/ },
  { name: 'roots.add a folder that does not exist', method: 'roots.add', body: JSON.stringify({ path: '/no/such/folder' }), kind: 'not_found', message: /Cannot add \/no\/such\/folder/, cli: ['roots', 'add', '/no/such/folder'] },
  { name: 'invalid input (schema)', method: 'photos.search', body: JSON.stringify({ query: 'x', filters: { from: '2023-13' } }), kind: 'input', message: /Invalid input for photos\.search: filters\.from/, cli: ['search', 'x', '--from', '2023-13'] },
  { name: 'a photo that does not exist', method: 'photos.get', body: JSON.stringify({ id: 999_999 }), kind: 'not_found', message: /No photo #999999/ },
  { name: 'an album name that is taken', method: 'albums.create', body: JSON.stringify({ name: 'Taken' }), kind: 'conflict', message: /An album named "Taken" already exists/, cli: ['albums', 'create', 'Taken'] },
  { name: 'an album that does not exist', method: 'albums.get', body: JSON.stringify({ id: 424_242 }), kind: 'not_found', message: /No album #424242/ },
  { name: 'an unknown method', method: 'nope.nothing', body: '{}', kind: 'not_found', message: /Unknown method: nope\.nothing/ },
];

describe('error kinds over HTTP, IPC and the CLI', () => {
  for (const c of cases) {
    it(`${c.name} → ${c.kind}`, async () => {
      const before = faults.length;
      const res = await http(c.method, c.body);
      expect({ status: res.status, kind: res.json.kind }).toEqual({ status: HTTP_STATUS_OF_KIND[c.kind], kind: c.kind });
      expect(res.json.error).toMatch(c.message);
      expect(res.json.error).not.toMatch(/\n\s+at /); // no stack trace

      if (c.method !== 'nope.nothing') {
        const viaIpc = await ipc.call(methodChannel(c.method), JSON.parse(c.body));
        expect(viaIpc.ok).toBe(false);
        if (!viaIpc.ok) {
          expect(viaIpc.error).toMatchObject({ kind: c.kind, status: HTTP_STATUS_OF_KIND[c.kind] });
          expect(viaIpc.error.message).toMatch(c.message);
        }
      }
      if (c.cli) {
        const r = await runCli(c.cli);
        expect(r.code, r.stderr).toBe(EXIT_CODE_OF_KIND[c.kind]);
        expect(r.stderr).toMatch(c.message);
      }
      // A person's mistake is answered, never logged as a fault.
      expect(faults.slice(before)).toEqual([]);
    }, 60_000);
  }

  it('a fault is answered 500 / internal without stack or server paths, and logged with its stack', async () => {
    const secret = path.join(dataDir, 'uploads', 'x'.repeat(300));
    const boom = () => { throw Object.assign(new Error(`ENAMETOOLONG: name too long, open '${secret}'`), { code: 'ENAMETOOLONG' }); };
    const faulty = await startServer({ ctx, service: createService(ctx), port: 0, staticDir: dir, routes: [{ method: 'POST', path: '/api/boom', handle: async () => boom() }] });
    try {
      const before = faults.length;
      const res = await fetch(`${faulty.url}api/boom`, { method: 'POST', headers: { Authorization: `Bearer ${faulty.token}` } });
      const body = (await res.json()) as { error: string; kind: string };
      expect({ status: res.status, kind: body.kind }).toEqual({ status: HTTP_STATUS_OF_KIND.internal, kind: 'internal' });
      expect(body.error).toMatch(/^ENAMETOOLONG: name too long, open '…'$/);
      expect(body.error).not.toContain(dataDir);
      expect(faults.slice(before).join('\n')).toMatch(/ENAMETOOLONG[\s\S]*\n\s+at /); // the log has the stack
    } finally {
      await faulty.close();
    }
    const logged: string[] = [];
    const viaIpc = await guarded(async () => boom(), (m) => logged.push(m))({ senderFrame: { url: 'smolalbum://app/index.html', parent: null } }, {});
    expect(viaIpc).toMatchObject({ ok: false, error: { kind: 'internal', status: 500 } });
    expect(logged.join('\n')).toMatch(/ENAMETOOLONG[\s\S]*\n\s+at /);
  });
});

describe('uploads (web mode)', () => {
  async function upload(name: string, body: Buffer) {
    const res = await fetch(`${server.url}api/upload`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/octet-stream', 'X-Filename': encodeURIComponent(name) },
      body,
    });
    return { status: res.status, body: (await res.json()) as { uploadId?: string; name?: string; error?: string; kind?: string } };
  }
  const jpeg = async () => readFileSync(path.join(photos, 'a.jpg'));

  it('a long multibyte name is cut by bytes on code-point boundaries, not refused with a path', async () => {
    const name = `${'照'.repeat(90)}😀${'照'.repeat(10)}.jpg`;
    const r = await upload(name, await jpeg());
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const stored = r.body.name!;
    expect(Buffer.byteLength(stored)).toBeLessThanOrEqual(MAX_NAME_BYTES);
    expect(stored.endsWith('.jpg')).toBe(true);
    expect(stored).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/); // no half surrogate pair
    expect(name.startsWith(stored.slice(0, -4))).toBe(true);
    expect((await resolveUpload(ctx.paths.uploads, r.body.uploadId!)).name).toBe(stored);
  });

  it('a name of only emoji is cut between code points', async () => {
    const r = await upload(`${'😀'.repeat(80)}.png`, await jpeg());
    expect(r.status).toBe(200);
    expect([...r.body.name!.slice(0, -4)].every((ch) => ch === '😀')).toBe(true);
  });

  it('an upload named like an internal file ("x.part", ".receiving") stays the user\'s own', async () => {
    for (const name of ['x.part', '.receiving']) {
      const r = await upload(name, await jpeg());
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      const resolved = await resolveUpload(ctx.paths.uploads, r.body.uploadId!);
      expect(existsSync(resolved.file)).toBe(true);
    }
  });

  it('errors never show server paths', async () => {
    const r = await upload('not-an-image.jpg', Buffer.from('hello, this is text and not a picture at all....'));
    expect(r.status).toBe(415);
    expect(r.body.kind).toBe('unsupported');
    expect(r.body.error).not.toContain(dataDir);
    expect(r.body.error).not.toContain(uploadSessionDir(ctx) ?? dataDir);
  });
});

describe('access token placement (web mode)', () => {
  const post = (url: string, headers: Record<string, string>) => fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: '{}' });

  it('API calls take the token only from Authorization: Bearer', async () => {
    expect((await post(`${server.url}api/roots.list`, { Authorization: `Bearer ${server.token}` })).status).toBe(200);
    const inUrl = await post(`${server.url}api/roots.list?token=${server.token}`, {});
    expect(inUrl.status).toBe(401);
    expect(((await inUrl.json()) as { kind: string }).kind).toBe('unauthorized');
    expect((await post(`${server.url}api/roots.list`, { 'X-SmolAlbum-Token': server.token })).status).toBe(401);
    const upload = await fetch(`${server.url}api/upload?token=${server.token}`, { method: 'POST', headers: { 'X-Filename': 'a.jpg' }, body: 'x' });
    expect(upload.status).toBe(401);
  });

  it('media elements and the WebSocket, which cannot send headers, may carry it in the URL', async () => {
    const id = (await (await post(`${server.url}api/photos.list`, { Authorization: `Bearer ${server.token}` })).json() as { items: { id: number }[] }).items[0]!.id;
    expect((await fetch(`${server.url}thumb/${id}?token=${server.token}`)).status).toBe(200);
    expect((await fetch(`${server.url}thumb/${id}`, { headers: { Authorization: `Bearer ${server.token}` } })).status).toBe(200);
    expect((await fetch(`${server.url}thumb/${id}`)).status).toBe(401);
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/events?token=${server.token}`);
    await new Promise<void>((resolve, reject) => { ws.once('open', () => resolve()); ws.once('error', reject); });
    ws.close();
  });
});

describe('the watcher and a library file replaced by a symbolic link', () => {
  it('takes the photo offline without a rescan', async () => {
    const outside = path.join(dir, 'outside');
    mkdirSync(outside, { recursive: true });
    await writePhoto(outside, { name: 'elsewhere.jpg', color: [10, 200, 10], takenAt: '2024:05:02 10:00:00' });
    await writePhoto(photos, { name: 'b.jpg', color: [40, 40, 200], takenAt: '2024:05:03 10:00:00' });
    const watcher = watchRoots(ctx, { debounceMs: 50 });
    await watcher.ready;
    const service = createService(ctx);
    await service['library.rescan']({});
    const row = () => ctx.db.prepare("SELECT id, status FROM photos WHERE rel_path = 'b.jpg'").get() as { id: number; status: string };
    expect(row().status).toBe('ok');
    unlinkSync(path.join(photos, 'b.jpg'));
    symlinkSync(path.join(outside, 'elsewhere.jpg'), path.join(photos, 'b.jpg'));
    await expect.poll(async () => { await watcher.idle(); return row().status; }, { timeout: 20_000 }).toBe('offline');
    expect((await fetch(`${server.url}photo/${row().id}?token=${server.token}`)).status).toBe(404);
    await watcher.close();
  }, 60_000);
});

describe('a restart without AI after kill -9', () => {
  it('does not report the interrupted job as running', async () => {
    const other = path.join(dir, 'restart');
    await writePhoto(path.join(other, 'Pictures'), { name: 'c.jpg', color: [90, 90, 90], takenAt: '2024:05:04 10:00:00' });
    // What a kill -9 mid-caption leaves on disk: a job row in state 'running', and no process.
    const before = createContext({ dataDir: path.join(other, 'data') });
    const s1 = createService(before);
    await s1['roots.add']({ path: path.join(other, 'Pictures'), scan: false });
    await s1['library.rescan']({});
    enqueueMissing(before.db);
    expect(claimNext(before.db)).not.toBeNull();
    expect((await s1['ai.status']({})).running).toBe(1);
    before.db.close(); // no orderly shutdown: nothing releases the job

    const after = createContext({ dataDir: path.join(other, 'data') });
    try {
      const services = startLibraryServices(after, { scan: false, ai: false, log: () => {} });
      const status = await createService(after)['ai.status']({});
      expect({ running: status.running, queued: status.queued }).toEqual({ running: 0, queued: 1 });
      await services.close();
    } finally {
      await after.close();
    }
  }, 60_000);
});
