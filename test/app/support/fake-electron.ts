// A stand-in for the `electron` module, for the wiring smoke test of main/app/main.ts (the Electron
// binary cannot run here). It implements only the calls main/app makes, with Electron's documented
// behaviour, and records them on globalThis.__electron so the test can drive the app like Electron
// would: emit `ready`, invoke IPC handlers, request smolalbum:// URLs, quit.
import { EventEmitter } from 'node:events';
import { fork as nodeFork } from 'node:child_process';

type Handler = (...args: unknown[]) => unknown;

class FakeApp extends EventEmitter {
  isPackaged = false;
  private ready = false;
  private readonly paths = new Map<string, string>([['userData', '/nonexistent-userData']]);
  private readyResolvers: (() => void)[] = [];
  exitCode: number | null = null;
  quitRequested = 0;
  name = '';
  setName(n: string) { this.name = n; }
  getVersion() { return '0.0.0-test'; }
  getPath(name: string) { const p = this.paths.get(name); if (!p) throw new Error(`unknown path ${name}`); return p; }
  setPath(name: string, value: string) { this.paths.set(name, value); }
  requestSingleInstanceLock() { return true; }
  isReady() { return this.ready; }
  whenReady() { return this.ready ? Promise.resolve() : new Promise<void>((r) => this.readyResolvers.push(r)); }
  /** What Electron does once initialised. */
  fireReady() { this.ready = true; this.emit('ready'); for (const r of this.readyResolvers.splice(0)) r(); }
  quit() {
    this.quitRequested++;
    const event = { defaultPrevented: false, preventDefault() { this.defaultPrevented = true; } };
    this.emit('before-quit', event);
    if (!event.defaultPrevented) this.emit('will-quit', { preventDefault() {} });
  }
  exit(code: number) { this.exitCode = code; }
}

class FakeWebContents extends EventEmitter {
  readonly sent: unknown[][] = [];
  windowOpenHandler: Handler | null = null;
  send(channel: string, ...args: unknown[]) { this.sent.push([channel, ...args]); }
  setWindowOpenHandler(h: Handler) { this.windowOpenHandler = h; }
  isLoading() { return false; }
}

class FakeBrowserWindow extends EventEmitter {
  static readonly all: FakeBrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  readonly loaded: string[] = [];
  destroyed = false;
  constructor(readonly options: Record<string, unknown>) { super(); FakeBrowserWindow.all.push(this); }
  loadURL(url: string) { this.loaded.push(url); return Promise.resolve(); }
  maximize() {}
  isDestroyed() { return this.destroyed; }
  isMaximized() { return false; }
  isMinimized() { return false; }
  restore() {}
  focus() {}
  show() {}
  getNormalBounds() { return { x: 10, y: 20, width: 1000, height: 700 }; }
}

const handlers = new Map<string, Handler>();
const protocolHandlers = new Map<string, (req: Request) => Promise<Response>>();
const state = {
  schemes: [] as unknown[],
  headersHooks: [] as Handler[],
  permissionRequest: null as Handler | null,
  permissionCheck: null as Handler | null,
  errorBoxes: [] as [string, string][],
  menus: [] as unknown[],
  opened: [] as string[],
  dialogAnswer: { canceled: true, filePaths: [] as string[] },
  forks: [] as { modulePath: string; serviceName?: string; env?: NodeJS.ProcessEnv }[],
};

export const app = new FakeApp();
export const BrowserWindow = FakeBrowserWindow;
export const ipcMain = {
  handle(channel: string, h: Handler) {
    if (handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    handlers.set(channel, h);
  },
  removeHandler(channel: string) { handlers.delete(channel); },
};
export const protocol = { registerSchemesAsPrivileged(s: unknown[]) { if (app.isReady()) throw new Error('too late'); state.schemes.push(...s); } };
export const session = {
  defaultSession: {
    protocol: { handle(scheme: string, h: (req: Request) => Promise<Response>) { protocolHandlers.set(scheme, h); } },
    webRequest: { onHeadersReceived(h: Handler) { state.headersHooks.push(h); } },
    setPermissionRequestHandler(h: Handler) { state.permissionRequest = h; },
    setPermissionCheckHandler(h: Handler) { state.permissionCheck = h; },
    on() {},
  },
};
export const dialog = {
  async showOpenDialog() { return state.dialogAnswer; },
  showErrorBox(title: string, content: string) { state.errorBoxes.push([title, content]); },
};
export const Menu = {
  buildFromTemplate(t: unknown) { return { template: t }; },
  setApplicationMenu(m: unknown) { state.menus.push(m); },
};
export const screen = {
  getAllDisplays() { return [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }]; },
  getPrimaryDisplay() { return { workArea: { x: 0, y: 0, width: 1920, height: 1080 } }; },
};
/** Electron's safeStorage contract (seal/unseal strings); the real one uses the OS keychain. */
export const safeStorage = {
  isEncryptionAvailable: () => true,
  encryptString: (s: string) => Buffer.from(`sealed:${Buffer.from(s, 'utf8').toString('hex')}`),
  decryptString: (b: Buffer) => { const t = b.toString(); if (!t.startsWith('sealed:')) throw new Error('not sealed'); return Buffer.from(t.slice(7), 'hex').toString('utf8'); },
};
export const shell = { async openExternal(url: string) { state.opened.push(url); } };
/**
 * utilityProcess.fork emulated with child_process.fork: same surface (pid, postMessage, kill, stdout/
 * stderr with stdio 'pipe', 'spawn'/'message'/'exit' events) and, like Electron, an app-level
 * 'child-process-gone' with a reason when the child dies abnormally. The entry speaks process.send,
 * which main/engine/entry.ts supports beside process.parentPort.
 */
class FakeUtilityProcess extends EventEmitter {
  readonly child;
  constructor(modulePath: string, args: string[], opts: { env?: NodeJS.ProcessEnv; serviceName?: string; stdio?: string }) {
    super();
    this.child = nodeFork(modulePath, args, { env: opts.env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'], serialization: 'advanced' });
    state.forks.push({ modulePath, serviceName: opts.serviceName, env: opts.env });
    this.child.on('spawn', () => this.emit('spawn'));
    this.child.on('message', (m) => this.emit('message', m));
    this.child.on('exit', (code, signal) => {
      if (signal || (code ?? 0) !== 0) {
        const reason = signal === 'SIGKILL' ? 'killed' : signal ? 'crashed' : 'abnormal-exit';
        app.emit('child-process-gone', {}, { type: 'Utility', serviceName: opts.serviceName, reason, exitCode: code ?? (signal === 'SIGSEGV' ? 139 : 1) });
      }
      this.emit('exit', code ?? 0); // Electron reports a number even for signals
    });
  }
  get pid() { return this.child.pid; }
  get stdout() { return this.child.stdout; }
  get stderr() { return this.child.stderr; }
  postMessage(msg: unknown) { this.child.send(msg as never); }
  kill() { return this.child.kill(); }
}
export const utilityProcess = {
  fork(modulePath: string, args: string[] = [], opts: { env?: NodeJS.ProcessEnv; serviceName?: string; stdio?: string } = {}) {
    if (!app.isReady()) throw new Error('utilityProcess.fork before app ready');
    return new FakeUtilityProcess(modulePath, args, opts);
  },
};

(globalThis as unknown as { __electron: unknown }).__electron = { app, windows: FakeBrowserWindow.all, handlers, protocolHandlers, state };
