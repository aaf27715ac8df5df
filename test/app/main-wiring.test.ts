// Smoke test of main/app/main.ts's wiring: the real entry, bundled as scripts/build.mjs does, with the
// `electron` import pointed at test/app/support/fake-electron.ts (the binary cannot run here). Drives
// it like Electron would — ready, IPC calls, protocol requests, navigation, quit — against the real
// service, database and protocol handler.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from 'esbuild';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { methodNames } from '../../shared/api';
import { CONTENT_SECURITY_POLICY } from '../../main/app/security';
import { layout } from '../../scripts/electron-abi.mjs';

const ROOT = path.resolve(import.meta.dirname, '../..');

type Handler = (...args: unknown[]) => unknown;
interface FakeWindow {
  options: { webPreferences: Record<string, unknown> };
  loaded: string[];
  webContents: { windowOpenHandler: Handler | null; sent: unknown[][]; emit(e: string, ...a: unknown[]): boolean };
  emit(e: string, ...a: unknown[]): boolean;
}
interface Fake {
  app: { fireReady(): void; quit(): void; exitCode: number | null; quitRequested: number; emit(e: string, ...a: unknown[]): boolean };
  windows: FakeWindow[];
  handlers: Map<string, Handler>;
  protocolHandlers: Map<string, (req: Request) => Promise<Response>>;
  state: { schemes: { scheme: string; privileges: Record<string, boolean> }[]; permissionRequest: Handler | null; errorBoxes: [string, string][]; opened: string[]; menus: unknown[] };
}
const fake = () => (globalThis as unknown as { __electron: Fake }).__electron;
const settle = async (pred: () => boolean, ms = 10_000) => {
  const t0 = Date.now();
  while (!pred()) { if (Date.now() - t0 > ms) throw new Error('timed out'); await new Promise((r) => setTimeout(r, 20)); }
};

let work: string;
let bundle: string;
beforeAll(async () => {
  // Inside the project so the bundle's bare imports (better-sqlite3, sharp, zod) resolve from node_modules.
  mkdirSync(path.join(ROOT, '.cache'), { recursive: true });
  work = mkdtempSync(path.join(ROOT, '.cache', 'app-smoke-'));
  bundle = path.join(work, 'main', 'app.js');
  await build({
    entryPoints: [path.join(ROOT, 'main/app/main.ts')], outfile: bundle, bundle: true, platform: 'node', target: 'node20',
    format: 'esm', packages: 'external', logLevel: 'silent', alias: { electron: path.join(ROOT, 'test/app/support/fake-electron.ts') },
  });
  mkdirSync(path.join(work, 'renderer'));
  writeFileSync(path.join(work, 'renderer', 'index.html'), '<!doctype html><title>SmolAlbum</title>');
});
afterAll(() => { rmSync(work, { recursive: true, force: true }); });

describe('startup with the Electron build of better-sqlite3 missing', () => {
  it.skipIf(existsSync(layout(ROOT).electronBinary))('shows what to run and exits 1', async () => {
    const data = mkdtempSync(path.join(os.tmpdir(), 'smolalbum-wiring-fail-'));
    process.env.SMOLALBUM_DATA_DIR = data;
    delete process.env.SMOLALBUM_SQLITE_BINDING;
    await import(`${pathToFileURL(bundle).href}?fail`);
    fake().app.fireReady();
    await settle(() => fake().app.exitCode !== null);
    expect(fake().app.exitCode).toBe(1);
    expect(fake().state.errorBoxes[0]![0]).toBe('SmolAlbum could not start');
    expect(fake().state.errorBoxes[0]![1]).toMatch(/node scripts\/electron-abi\.mjs electron/);
    expect(fake().windows).toEqual([]);
    expect(readFileSync(path.join(data, 'logs', 'main.log'), 'utf8')).toMatch(/startup failed/);
    rmSync(data, { recursive: true, force: true });
  });
});

describe('a normal start', () => {
  let data: string;
  let f: Fake;
  beforeAll(async () => {
    data = mkdtempSync(path.join(os.tmpdir(), 'smolalbum-wiring-'));
    mkdirSync(path.join(data, 'Pictures'));
    process.env.SMOLALBUM_DATA_DIR = path.join(data, 'profile');
    // Node runs this test: hand the app the Node build (the Electron one is for the real binary).
    process.env.SMOLALBUM_SQLITE_BINDING = layout(ROOT).nodeBinary;
    await import(`${pathToFileURL(bundle).href}?ok`);
    f = fake();
    expect(f.state.schemes.map((s) => s.scheme)).toEqual(['smolalbum']); // registered before ready
    f.app.fireReady();
    await settle(() => f.windows.length === 1);
  });
  afterAll(() => { rmSync(data, { recursive: true, force: true }); });

  const trusted = { senderFrame: { url: 'smolalbum://app/index.html', parent: null } };

  it('registers the scheme as privileged like https', () => {
    expect(f.state.schemes[0]!.privileges).toMatchObject({ standard: true, secure: true, supportFetchAPI: true });
  });

  it('opens one secure window on the app URL', () => {
    const win = f.windows[0]!;
    expect(win.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true });
    expect(String(win.options.webPreferences.preload)).toMatch(/preload[\\/]index\.cjs$/);
    expect(win.loaded).toEqual(['smolalbum://app/index.html']);
    expect(f.state.menus).toHaveLength(1);
  });

  it('answers IPC for every contract method from the app frame, over the real service', async () => {
    expect(f.handlers.size).toBe(methodNames.length + 2); // + pickFolders and the method-names list the preload asks for
    const folder = path.join(data, 'Pictures');
    expect(await f.handlers.get('smolalbum:call:roots.add')!(trusted, { path: folder })).toMatchObject({ ok: true });
    expect(await f.handlers.get('smolalbum:call:roots.list')!(trusted, {})).toMatchObject({ ok: true, value: [{ path: folder }] });
    expect(await f.handlers.get('smolalbum:call:roots.list')!({ senderFrame: { url: 'https://evil.example/', parent: null } }, {}))
      .toMatchObject({ ok: false, error: { status: 403 } });
    expect(await f.handlers.get('smolalbum:pick-folders')!(trusted)).toEqual({ ok: true, value: [] });
  });

  it('keeps the library under the data folder', () => {
    expect(existsSync(path.join(data, 'profile', 'library.sqlite'))).toBe(true);
    expect(readFileSync(path.join(data, 'profile', 'logs', 'main.log'), 'utf8')).toMatch(/SmolAlbum 0\.0\.0-test starting/);
  });

  it('serves the renderer through smolalbum:// with the CSP', async () => {
    const res = await f.protocolHandlers.get('smolalbum')!(new Request('smolalbum://app/index.html'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect((await f.protocolHandlers.get('smolalbum')!(new Request('smolalbum://photo/1'))).status).toBe(404);
  });

  it('denies permission requests', () => {
    let answer: unknown;
    f.state.permissionRequest!(null, 'media', (ok: boolean) => { answer = ok; }, { requestingUrl: 'smolalbum://app/index.html' });
    expect(answer).toBe(false);
  });

  it('blocks navigation and new windows; web links go to the system browser', () => {
    const contents = f.windows[0]!.webContents;
    let prevented = 0;
    const event = { preventDefault: () => { prevented++; } };
    contents.emit('will-navigate', event, 'https://example.org/page');
    contents.emit('will-navigate', event, 'javascript:alert(1)');
    contents.emit('will-navigate', event, 'file:///home/me/cat.jpg');
    expect(prevented).toBe(3);
    expect(contents.windowOpenHandler!({ url: 'https://example.org/other' })).toEqual({ action: 'deny' });
    expect(f.state.opened).toEqual(['https://example.org/page', 'https://example.org/other']);
    expect(contents.sent).toContainEqual(['smolalbum:open-files', ['/home/me/cat.jpg']]);
  });

  it('remembers the window state and closes the library before quitting', async () => {
    f.windows[0]!.emit('close');
    expect(JSON.parse(readFileSync(path.join(data, 'profile', 'window-state.json'), 'utf8'))).toEqual({ bounds: { x: 10, y: 20, width: 1000, height: 700 }, maximized: false });
    f.app.quit();
    await settle(() => f.app.quitRequested === 2);
    expect(readFileSync(path.join(data, 'profile', 'logs', 'main.log'), 'utf8')).toMatch(/ INFO closed\n/);
  });
});
