// The preload as it ships: bundled like scripts/build.mjs does (CommonJS, everything but `electron`
// inlined), then run in a VM whose `require` knows only `electron` — stricter than Electron's sandboxed
// preload. Electron's contextBridge/ipcRenderer cannot exist here; the stand-ins record what the
// preload does with them and honour their documented contracts.
import { beforeAll, describe, expect, it } from 'vitest';
import { build } from 'esbuild';
import vm from 'node:vm';
import { eventNames, methodNames } from '../../shared/api';
import { EVENT_CHANNEL, METHOD_NAMES_CHANNEL, OPEN_FILES_CHANNEL, PICK_FOLDERS_CHANNEL, methodChannel } from '../../preload/channels';

type Listener = (event: unknown, ...args: unknown[]) => void;

interface Harness {
  exposed: Record<string, unknown>;
  exposedName: string;
  invokes: { channel: string; args: unknown[] }[];
  replies: Map<string, unknown>;
  emit(channel: string, ...args: unknown[]): void;
  pathCalls: unknown[];
  requires: string[];
}

let code: string;
beforeAll(async () => {
  const out = await build({
    entryPoints: ['preload/index.ts'], bundle: true, platform: 'node', target: 'node20', format: 'cjs',
    external: ['electron'], minify: true, write: false, logLevel: 'silent',
  });
  code = out.outputFiles[0]!.text;
});

function load(): Harness {
  const listeners = new Map<string, Listener[]>();
  const h: Harness = {
    exposed: {}, exposedName: '', invokes: [], replies: new Map([[METHOD_NAMES_CHANNEL, { ok: true, value: methodNames }]]), pathCalls: [], requires: [],
    emit(channel, ...args) { for (const l of listeners.get(channel) ?? []) l({ sender: 'IpcRendererEvent' }, ...args); },
  };
  const electron = {
    contextBridge: {
      exposeInMainWorld(name: string, api: Record<string, unknown>) {
        if (h.exposedName) throw new Error('exposed twice');
        h.exposedName = name;
        h.exposed = api;
      },
    },
    ipcRenderer: {
      async invoke(channel: string, ...args: unknown[]) {
        h.invokes.push({ channel, args });
        return h.replies.get(channel) ?? { ok: true, value: null };
      },
      on(channel: string, l: Listener) { listeners.set(channel, [...(listeners.get(channel) ?? []), l]); },
    },
    webUtils: { getPathForFile(file: unknown) { h.pathCalls.push(file); return '/home/me/cat.jpg'; } },
  };
  const module = { exports: {} };
  const sandboxRequire = (id: string) => {
    h.requires.push(id);
    if (id === 'electron') return electron;
    throw new Error(`module not found: ${id} (sandboxed preloads cannot require it)`);
  };
  vm.runInNewContext(code, { require: sandboxRequire, module, exports: module.exports, File, Error, TypeError, Promise, Set, Map, Object, Array, Symbol }, { filename: 'index.cjs' });
  return h;
}

describe('preload bundle', () => {
  it('requires nothing but electron (a sandboxed preload has no node_modules)', () => {
    const h = load();
    expect(new Set(h.requires)).toEqual(new Set(['electron']));
  });

  it('bundles no schemas: it needs only names (it was 465 KB with the contract and zod inlined)', () => {
    expect(code).not.toMatch(/ZodError|_zod/);
    expect(code.length).toBeLessThan(8 * 1024);
  });

  it('exposes exactly the PreloadBridge functions as window.smolalbum', () => {
    const h = load();
    expect(h.exposedName).toBe('smolalbum');
    expect(Object.keys(h.exposed).sort()).toEqual(['invoke', 'on', 'onOpenFiles', 'pathForFile', 'pickFolders']);
    for (const v of Object.values(h.exposed)) expect(typeof v).toBe('function');
  });
});

describe('invoke', () => {
  it('sends a contract method on its own channel and returns the value', async () => {
    const h = load();
    h.replies.set(methodChannel('roots.list'), { ok: true, value: [{ id: 1, path: '/p' }] });
    const invoke = h.exposed.invoke as (n: string, i: unknown) => Promise<unknown>;
    expect(await invoke('roots.list', {})).toEqual({ ok: true, value: [{ id: 1, path: '/p' }] });
    expect(h.invokes).toEqual([{ channel: METHOD_NAMES_CHANNEL, args: [] }, { channel: methodChannel('roots.list'), args: [{}] }]);
  });

  it('knows every contract method', async () => {
    const h = load();
    const invoke = h.exposed.invoke as (n: string, i: unknown) => Promise<unknown>;
    for (const name of methodNames) await invoke(name, {});
    expect(h.invokes.map((c) => c.channel)).toEqual([METHOD_NAMES_CHANNEL, ...methodNames.map(methodChannel)]);
  });

  it('refuses names outside the contract without calling a method channel', async () => {
    const h = load();
    const invoke = h.exposed.invoke as (n: unknown, i: unknown) => Promise<unknown>;
    await expect(invoke('fs.readFile', {})).rejects.toThrow(/Unknown method: fs.readFile/);
    await expect(invoke('__proto__', {})).rejects.toThrow(/Unknown method/);
    await expect(invoke({ toString: () => 'roots.list' }, {})).rejects.toThrow(/Unknown method/);
    expect(h.invokes.map((c) => c.channel)).toEqual([METHOD_NAMES_CHANNEL]);
  });

  it('hands main-side failures over as data, kind and status kept (an Error would lose them crossing contextBridge)', async () => {
    const h = load();
    const failure = { ok: false, error: { kind: 'input', message: 'Invalid input for roots.add: path: bad', status: 400 } };
    h.replies.set(methodChannel('roots.add'), failure);
    const invoke = h.exposed.invoke as (n: string, i: unknown) => Promise<unknown>;
    expect(await invoke('roots.add', { path: 1 })).toEqual(failure);
  });
});

describe('events', () => {
  it('delivers contract events to their listeners only, without the IPC event object', () => {
    const h = load();
    const on = h.exposed.on as (n: string, l: (p: unknown) => void) => () => void;
    const got: unknown[][] = [];
    const off = on('library.changed', (...args) => got.push(args));
    on('albums.changed', () => got.push(['wrong listener']));
    h.emit(EVENT_CHANNEL, 'library.changed', { photoIds: [3] });
    off();
    h.emit(EVENT_CHANNEL, 'library.changed', { photoIds: [4] });
    expect(got).toEqual([[{ photoIds: [3] }]]);
  });

  it('accepts every contract event and nothing else', () => {
    const h = load();
    const on = h.exposed.on as (n: string, l: (p: unknown) => void) => () => void;
    for (const name of eventNames) expect(typeof on(name, () => {})).toBe('function');
    expect(() => on('ipc.raw', () => {})).toThrow(/Unknown event/);
    expect(() => on('library.changed', 'not a function' as never)).toThrow(TypeError);
  });

  it('passes dropped files (string paths only) to onOpenFiles listeners', () => {
    const h = load();
    const onOpenFiles = h.exposed.onOpenFiles as (l: (p: string[]) => void) => () => void;
    const got: string[][] = [];
    const off = onOpenFiles((p) => got.push(p));
    h.emit(OPEN_FILES_CHANNEL, ['/a.jpg', '/b.png']);
    h.emit(OPEN_FILES_CHANNEL, ['/a.jpg', { evil: true }]);
    h.emit(OPEN_FILES_CHANNEL, 'not-an-array');
    off();
    h.emit(OPEN_FILES_CHANNEL, ['/c.jpg']);
    expect(got).toEqual([['/a.jpg', '/b.png']]);
  });
});

describe('desktop helpers', () => {
  it('pathForFile asks webUtils for real File objects only', () => {
    const h = load();
    const pathForFile = h.exposed.pathForFile as (f: unknown) => string;
    const file = new File(['x'], 'cat.jpg');
    expect(pathForFile(file)).toBe('/home/me/cat.jpg');
    expect(pathForFile({ path: '/etc/passwd' })).toBe('');
    expect(h.pathCalls).toEqual([file]);
  });

  it('pickFolders goes through its own channel', async () => {
    const h = load();
    h.replies.set(PICK_FOLDERS_CHANNEL, { ok: true, value: ['/home/me/Pictures'] });
    expect(await (h.exposed.pickFolders as () => Promise<string[]>)()).toEqual(['/home/me/Pictures']);
    expect(h.invokes).toEqual([{ channel: PICK_FOLDERS_CHANNEL, args: [] }]);
  });
});
