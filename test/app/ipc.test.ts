// IPC binding generated from the contract (main/app/ipc-handlers.ts) over the real service and a real
// SQLite library. Electron's ipcMain cannot exist here, so a Map stands in for it — it honours the
// same handle/removeHandler contract, and the events carry a senderFrame like WebFrameMain's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { methodNames } from '../../shared/api';
import { createContext, type AppContext } from '../../main/service/context';
import { createService } from '../../main/service/index';
import { forwardEvents, guarded, registerMethodHandlers, type IpcMainLike, type InvokeEventLike } from '../../main/app/ipc-handlers';
import { EVENT_CHANNEL, METHOD_CHANNEL_PREFIX, METHOD_NAMES_CHANNEL, methodChannel, type IpcResult } from '../../preload/channels';

class MapIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, (event: InvokeEventLike, ...args: unknown[]) => unknown>();
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => unknown): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void { this.handlers.delete(channel); }
  async call(channel: string, frame: InvokeEventLike['senderFrame'], input?: unknown): Promise<IpcResult> {
    const h = this.handlers.get(channel);
    if (!h) throw new Error(`No handler registered for '${channel}'`);
    return (await h({ senderFrame: frame }, input)) as IpcResult;
  }
}

const APP_FRAME = { url: 'smolalbum://app/index.html#/library', parent: null };

let dir: string;
let ctx: AppContext;
let ipc: MapIpcMain;
let unregister: () => void;
const logs: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'smolalbum-ipc-'));
  await mkdir(path.join(dir, 'Pictures'));
  ctx = createContext({ dataDir: path.join(dir, 'data') });
  ipc = new MapIpcMain();
  unregister = registerMethodHandlers(ipc, createService(ctx), (m) => logs.push(m));
});
afterAll(async () => { await ctx.close(); await rm(dir, { recursive: true, force: true }); });

describe('registration', () => {
  it('registers exactly one handler per contract method, and the names list for the preload', async () => {
    const channels = [...ipc.handlers.keys()].filter((c) => c !== METHOD_NAMES_CHANNEL);
    expect(channels.sort()).toEqual(methodNames.map(methodChannel).sort());
    for (const channel of channels) expect(channel.startsWith(METHOD_CHANNEL_PREFIX)).toBe(true);
    expect(await ipc.call(METHOD_NAMES_CHANNEL, APP_FRAME)).toEqual({ ok: true, value: methodNames });
    const unlogged = new MapIpcMain();
    registerMethodHandlers(unlogged, createService(ctx));
    expect(await unlogged.call(METHOD_NAMES_CHANNEL, { url: 'https://evil.example/', parent: null })).toMatchObject({ ok: false, error: { kind: 'forbidden' } });
  });

  it('can be removed again (a second registration would throw in Electron)', () => {
    const other = new MapIpcMain();
    const off = registerMethodHandlers(other, createService(ctx));
    off();
    expect(other.handlers.size).toBe(0);
  });
});

describe('calls from the app window', () => {
  it('reach the service and return its value', async () => {
    const res = await ipc.call(methodChannel('roots.list'), APP_FRAME, {});
    expect(res).toEqual({ ok: true, value: [] });
  });

  it('change the library', async () => {
    const folder = path.join(dir, 'Pictures');
    const added = await ipc.call(methodChannel('roots.add'), APP_FRAME, { path: folder });
    expect(added.ok).toBe(true);
    const listed = await ipc.call(methodChannel('roots.list'), APP_FRAME, {});
    expect(listed.ok && (listed.value as { path: string }[]).map((r) => r.path)).toEqual([folder]);
  });

  it('validate input with the zod schema before the service runs (400, readable message)', async () => {
    const res = await ipc.call(methodChannel('roots.add'), APP_FRAME, { path: 42 });
    expect(res.ok).toBe(false);
    if (!res.ok) {
      expect(res.error).toMatchObject({ kind: 'input', status: 400 });
      expect(res.error.message).toMatch(/^Invalid input for roots\.add: path: /);
    }
    const extra = await ipc.call(methodChannel('roots.list'), APP_FRAME, { evil: true });
    expect(extra.ok).toBe(false);
  });

  it('pass service errors back as data with their kind and status', async () => {
    const res = await ipc.call(methodChannel('photos.get'), APP_FRAME, { id: 999 });
    expect(res.ok).toBe(false);
    if (!res.ok) {
      expect(res.error.message).toMatch(/999/);
      expect(res.error).toMatchObject({ kind: 'not_found', status: 404 });
    }
  });
});

describe('sender check', () => {
  const untrusted = [
    { url: 'smolalbum://app/index.html', parent: { url: 'smolalbum://app/index.html' } }, // subframe
    { url: 'https://evil.example/', parent: null },
    { url: 'file:///tmp/page.html', parent: null },
    null,
  ];

  it('refuses every other frame with 403 and never runs the service', async () => {
    for (const frame of untrusted) {
      const res = await ipc.call(methodChannel('roots.add'), frame, { path: path.join(dir, 'Pictures', '..') });
      expect(res.ok).toBe(false);
      if (!res.ok) expect(res.error).toMatchObject({ kind: 'forbidden', status: 403 });
    }
    const listed = await ipc.call(methodChannel('roots.list'), APP_FRAME, {});
    expect(listed.ok && (listed.value as { path: string }[]).map((r) => r.path)).toEqual([path.join(dir, 'Pictures')]);
    expect(logs.filter((l) => l.includes('IPC refused')).length).toBe(untrusted.length);
  });

  it('checks the sender before validating, so strangers learn nothing about the schema', async () => {
    const res = await ipc.call(methodChannel('roots.add'), { url: 'https://evil.example/', parent: null }, { path: 42 });
    expect(!res.ok && res.error.status).toBe(403);
  });

  it('guards the desktop-only calls the same way', async () => {
    let ran = 0;
    const pick = guarded(async () => { ran++; return ['/x']; });
    expect(await pick({ senderFrame: APP_FRAME }, undefined)).toEqual({ ok: true, value: ['/x'] });
    expect((await pick({ senderFrame: { url: 'https://evil.example/', parent: null } }, undefined)).ok).toBe(false);
    expect(ran).toBe(1);
  });
});

describe('events', () => {
  it('forwards every service event on the one event channel, typed (name, payload)', () => {
    const sent: unknown[][] = [];
    const off = forwardEvents(ctx.events, (channel, name, payload) => sent.push([channel, name, payload]));
    ctx.events.emit('library.changed', { photoIds: [1, 2] });
    ctx.events.emit('albums.changed', { albumIds: null });
    off();
    ctx.events.emit('library.changed', { photoIds: null });
    expect(sent).toEqual([
      [EVENT_CHANNEL, 'library.changed', { photoIds: [1, 2] }],
      [EVENT_CHANNEL, 'albums.changed', { albumIds: null }],
    ]);
  });
});

afterAll(() => unregister());
