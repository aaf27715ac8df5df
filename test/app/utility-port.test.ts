// main/app/utility-port.ts over the real inference-process entry (bundled like scripts/build.mjs) and
// ENGINE's host: messages, clean exit, crash reason, kill, kill-on-quit, restart after a crash. The
// Electron binary cannot run here, so `utilityProcess.fork` is fake-electron.ts's emulation with
// child_process.fork, which reports exits the way Electron does (exit event + child-process-gone).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type BuildOptions } from 'esbuild';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import sharp from 'sharp';
import type { EngineExit, EnginePort } from '../../main/engine/port';
import type { EngineMessage } from '../../main/engine/protocol';
import type { EngineClient } from '../../main/engine/client';
import type { AppContext } from '../../main/service/context';
import { tinyModelDir } from '../support/models';

const ROOT = path.resolve(import.meta.dirname, '../..');
type Harness = typeof import('./support/utility-harness');
interface FakeState { forks: { modulePath: string; serviceName?: string; env?: NodeJS.ProcessEnv }[] }

let work: string;
let h: Harness;

beforeAll(async () => {
  mkdirSync(path.join(ROOT, '.cache'), { recursive: true });
  work = mkdtempSync(path.join(ROOT, '.cache', 'utility-smoke-'));
  const common: BuildOptions = { bundle: true, platform: 'node', target: 'node20', format: 'esm', packages: 'external', logLevel: 'silent' };
  // Same layout as out/: main/<bundle>.js finds ../engine/entry.js.
  await build({ ...common, entryPoints: [path.join(ROOT, 'main/engine/entry.ts')], outfile: path.join(work, 'engine/entry.js') });
  await build({ ...common, entryPoints: [path.join(ROOT, 'test/app/support/utility-harness.ts')], outfile: path.join(work, 'main/harness.js'),
    alias: { electron: path.join(ROOT, 'test/app/support/fake-electron.ts') } });
  h = await import(pathToFileURL(path.join(work, 'main/harness.js')).href) as Harness;
  h.app.fireReady();
}, 120_000);
afterAll(() => { rmSync(work, { recursive: true, force: true }); });

const fakeState = () => (globalThis as unknown as { __electron: { state: FakeState } }).__electron.state;

function watch(port: EnginePort) {
  const messages: EngineMessage[] = [];
  let exit: EngineExit | null = null;
  let exits = 0;
  port.onMessage((m) => messages.push(m));
  port.onExit((e) => { exit = e; exits++; });
  const until = async (pred: () => boolean, ms = 20_000) => {
    const t0 = Date.now();
    while (!pred()) { if (Date.now() - t0 > ms) throw new Error('timed out'); await new Promise((r) => setTimeout(r, 20)); }
  };
  return { messages, get exit() { return exit; }, get exits() { return exits; }, until, hello: () => until(() => messages.some((m) => m.type === 'hello')) };
}

describe('utility port', () => {
  it('forks the inference entry with a service name and a cleaned environment, and says hello', async () => {
    // A NODE_OPTIONS that would crash the child on start: it must not be inherited.
    const port = h.createUtilityPort({ env: { ...process.env, NODE_OPTIONS: '--require /nonexistent/inject.js' } });
    const w = watch(port);
    await w.hello();
    const fork = fakeState().forks.at(-1)!;
    expect(fork.serviceName).toBe(h.ENGINE_SERVICE_NAME);
    expect(fork.modulePath).toBe(path.join(work, 'engine', 'entry.js'));
    expect(fork.env?.NODE_OPTIONS).toBeUndefined();
    expect(typeof port.pid).toBe('number');
    port.postMessage({ type: 'exit' });
    await w.until(() => w.exits > 0);
    expect(w.exit).toEqual({ code: 0, signal: null });
  });

  it('reports a crash with the reason from child-process-gone, exactly once', async () => {
    const port = h.createUtilityPort();
    const w = watch(port);
    await w.hello();
    process.kill(port.pid!, 'SIGSEGV');
    await w.until(() => w.exits > 0);
    await new Promise((r) => setTimeout(r, 400));
    expect(w.exits).toBe(1);
    expect(w.exit?.reason).toBe('the inference process crashed (exit code 139)');
    port.postMessage({ type: 'exit' }); // after the end: ignored, never throws
  });

  it('kill() ends the process; listeners added later still hear about it', async () => {
    const port = h.createUtilityPort();
    const w = watch(port);
    await w.hello();
    port.kill();
    await w.until(() => w.exits > 0);
    expect(w.exit?.reason).toMatch(/^the inference process was killed/);
    let late: EngineExit | null = null;
    port.onExit((e) => { late = e; });
    expect(late).toEqual(w.exit);
  });

  it('kills every live inference process when the app quits', async () => {
    const a = watch(h.createUtilityPort());
    const b = watch(h.createUtilityPort());
    await a.hello();
    await b.hello();
    h.app.emit('will-quit', { preventDefault() {} });
    await a.until(() => a.exits > 0 && b.exits > 0);
    expect(a.exits).toBeGreaterThan(0);
    expect(b.exits).toBeGreaterThan(0);
  });
});

describe('ENGINE host over the utility port', () => {
  let ctx: AppContext;
  let host: EngineClient & { pid?: number };
  let photo: string;
  let data: string;

  beforeAll(async () => {
    data = mkdtempSync(path.join(os.tmpdir(), 'smolalbum-utility-engine-'));
    photo = path.join(data, 'red.jpg');
    await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 220, g: 40, b: 40 } } }).jpeg().toFile(photo);
    ctx = h.createContext({ dataDir: path.join(data, 'profile') });
    const log = h.createLogger({ dir: path.join(data, 'logs') });
    host = h.createEngineHost(ctx, () => h.createUtilityPort({ log }), { restartDelaysMs: [50, 50, 50] });
    await host.configure({ model: await tinyModelDir(), device: 'cpu', dtype: 'fp32' });
  }, 300_000);
  afterAll(async () => { await ctx.close(); rmSync(data, { recursive: true, force: true }); });

  it('captions through the utility process', async () => {
    const r = await host.caption({ path: photo, style: 'short', maxNewTokens: 4 });
    expect(typeof r.caption).toBe('string');
    expect(host.status()).toMatchObject({ state: 'ready', device: 'cpu' });
  }, 120_000);

  it('survives a crash: the engine restarts and the next caption works', async () => {
    const before = host.pid!;
    process.kill(before, 'SIGKILL');
    const t0 = Date.now();
    while (host.status().restarts < 1 && Date.now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 20));
    expect(host.status().restarts).toBe(1);
    expect(host.status().lastError).toMatch(/the inference process was killed/);
    const r = await host.caption({ path: photo, style: 'short', maxNewTokens: 4 });
    expect(typeof r.caption).toBe('string');
    expect(host.pid).not.toBe(before);
  }, 120_000);
});
