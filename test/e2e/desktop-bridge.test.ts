// The renderer over the desktop transport: a stand-in for the preload's `window.smolalbum`
// (PreloadBridge from shared/api.ts) that forwards to a real backend (web mode's API and event socket)
// the way Electron's IPC would, failures as IpcResult data like the preload hands them over. Checks that the views pick the
// bridge, use the native folder picker, get events, and ask for images on the smolalbum:// protocol.
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, requireRenderer, startServe, tempDir, writePhoto, type BrowserSession, type Served } from './support';

requireRenderer();
let dir: string;
let photoDir: string;
let served: Served;
let session: BrowserSession;

/** Runs in the page before the app: defines window.smolalbum like preload/index.ts would. */
function installBridge(cfg: { origin: string; token: string; folder: string }): void {
  const w = globalThis as unknown as Record<string, unknown> & { WebSocket: new (url: string) => { onmessage: ((m: { data: string }) => void) | null } };
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const socket = new w.WebSocket(`${cfg.origin.replace('http', 'ws')}/events?token=${cfg.token}`);
  socket.onmessage = (m) => {
    const { event, payload } = JSON.parse(m.data) as { event: string; payload: unknown };
    for (const l of listeners.get(event) ?? []) l(payload);
  };
  const calls: string[] = [];
  w.__bridgeCalls = calls;
  w.smolalbum = {
    async invoke(name: string, input: unknown) {
      calls.push(name);
      const res = await fetch(`${cfg.origin}/api/${name}`, { method: 'POST', headers: { Authorization: `Bearer ${cfg.token}` }, body: JSON.stringify(input ?? {}) });
      const body = await res.json() as { error?: string; kind?: string };
      // The preload returns main's IpcResult as is (main/app/ipc-handlers.ts toIpcError).
      if (!res.ok) return { ok: false, error: { kind: body.kind, message: body.error, status: res.status } };
      return { ok: true, value: body };
    },
    on(name: string, listener: (p: unknown) => void) {
      let set = listeners.get(name);
      if (!set) listeners.set(name, (set = new Set()));
      set.add(listener);
      return () => set.delete(listener);
    },
    pathForFile: () => '',
    pickFolders: async () => [cfg.folder],
    onOpenFiles: () => () => {},
  };
}

beforeAll(async () => {
  dir = tempDir('bridge');
  photoDir = path.join(dir, 'Pictures');
  await writePhoto(photoDir, { name: 'one.jpg', color: [200, 120, 60], takenAt: '2024:03:01 10:00:00' });
  await writePhoto(photoDir, { name: 'two.jpg', color: [60, 120, 200], takenAt: '2024:03:02 10:00:00' });
  served = await startServe(path.join(dir, 'data'));
  session = await launchBrowser();
});

afterAll(async () => {
  await session?.close();
  await served?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('renderer over the desktop bridge', () => {
  it('uses window.smolalbum: native folder picker, events, smolalbum:// images', async () => {
    const page = session.page;
    await page.addInitScript(installBridge, { origin: served.origin, token: served.token, folder: photoDir });
    // The page comes from web mode's static files, but talks only through the bridge.
    await page.goto(`${served.origin}/#/library`);
    await page.getByTestId('first-run').waitFor();
    await page.getByTestId('pick-folders').click();
    await page.getByTestId('library-view').waitFor();
    await expect.poll(() => page.locator('[data-testid=photo-tile] img').count(), { timeout: 30_000 }).toBe(2);
    const srcs = await page.locator('[data-testid=photo-tile] img').evaluateAll((imgs) => imgs.map((i) => i.getAttribute('src')));
    expect(srcs.every((s) => /^smolalbum:\/\/thumb\/\d+$/.test(s ?? ''))).toBe(true);
    const calls = await page.evaluate(() => (globalThis as unknown as { __bridgeCalls: string[] }).__bridgeCalls);
    expect(calls).toEqual(expect.arrayContaining(['roots.list', 'roots.add', 'photos.list']));
    // roots.add itself starts the scan: the renderer asks for nothing else.
    expect(calls).not.toContain('library.rescan');
    // No web transport: nothing asked for the token-carrying routes directly.
    expect(await page.evaluate(() => (globalThis as unknown as { sessionStorage: { getItem(k: string): string | null } }).sessionStorage.getItem('smolalbum.token'))).toBeNull();
  });

  it('shows backend errors without Electron\'s wrapping', async () => {
    const page = session.page;
    await page.goto(`${served.origin}/#/settings`);
    await page.getByTestId('folder-path-input').fill(path.join(dir, 'does-not-exist'));
    await page.getByTestId('add-folder').click();
    const error = await page.getByTestId('folder-error').textContent();
    expect(error).not.toMatch(/Error invoking remote method/);
    expect(error).toMatch(/does-not-exist/);
    // Besides the images the stand-in cannot load (no smolalbum:// handler outside Electron), no errors.
    expect(session.problems.filter((p) => !/smolalbum:|ERR_UNKNOWN_URL_SCHEME|Content Security Policy|Failed to load resource/.test(p))).toEqual([]);
  });
});
