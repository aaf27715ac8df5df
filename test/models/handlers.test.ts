// The contract slice through the handlers of a real library context (SQLite file, mirror over HTTP,
// the Node engine client): models.*, settings.*, engine.status/configure.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { createContext, type AppContext } from '../../main/service/context';
import { parseInput } from '../../main/service/invoke';
import { modelHandlers } from '../../main/models/handlers';
import { engineSettings } from '../../main/models/settings';
import { nodeEngineFactory } from '../../main/engine/factory';
import { startHubMirror, type HubMirror } from '../support/hub-mirror';
import type { DownloadProgress } from '../../shared/contract/models';
import type { MethodName } from '../../shared/api';
import { makeModelFolder, tempDir } from './fixture';

const REPO = 'acme/tiny-vlm';
let mirror: HubMirror;
let ctx: AppContext;
let hfHome: string;
let handlers: ReturnType<typeof modelHandlers>;

/** Calls a handler the way adapters do: input validated by the contract's schema first. */
async function call(name: MethodName & keyof typeof handlers, raw: unknown): Promise<unknown> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return (handlers[name] as (i: any) => Promise<unknown>)(parseInput(name, raw));
}

beforeAll(async () => {
  mirror = await startHubMirror({ repos: { [REPO]: { dir: makeModelFolder(tempDir(), { onnxBytes: 50_000 }) } } });
  hfHome = tempDir();
  ctx = createContext({ dataDir: tempDir(), env: { HF_ENDPOINT: mirror.url, HF_HOME: hfHome }, engineFactory: nodeEngineFactory });
  handlers = modelHandlers(ctx);
});
afterAll(async () => {
  await ctx.close();
  await mirror.close();
});

describe('models.*', () => {
  it('pulls from HF_ENDPOINT into HF_HOME/hub with progress events, then lists and removes', async () => {
    const events: DownloadProgress[] = [];
    const off = ctx.events.on('models.download', (p) => events.push(p));
    const info = await call('models.pull', { repo: REPO, dtype: 'fp16' });
    off();
    expect(info).toMatchObject({ repo: REPO, revision: mirror.commitOf(REPO), dtype: 'fp16', state: 'ready' });
    expect((info as { path: string }).path.startsWith(path.join(hfHome, 'hub', 'models--acme--tiny-vlm'))).toBe(true);
    expect(mirror.requests.some((r) => r.path === `/api/models/${REPO}/revision/main`)).toBe(true);
    expect(events.at(-1)).toMatchObject({ repo: REPO, done: true });

    expect(await call('models.list', {})).toEqual([info]);
    expect(await call('models.remove', { repo: REPO })).toEqual({ removed: true });
    expect(await call('models.list', {})).toEqual([]);
  });

  it('pull with dtype auto fetches what the configured device and dtype need', async () => {
    await call('settings.set', { key: 'engine.dtype', value: 'q8' });
    const info = await call('models.pull', { repo: REPO });
    expect(info).toMatchObject({ dtype: 'q8', state: 'ready' });
    await call('settings.set', { key: 'engine.dtype', value: null });
    await call('models.remove', { repo: REPO });
  });

  it('imports a folder and validates inputs', async () => {
    const dir = makeModelFolder(path.join(tempDir(), 'holiday-vlm'), { suffixes: [''], onnxBytes: 2000 });
    expect(await call('models.import', { dir })).toMatchObject({ repo: 'local/holiday-vlm', dtype: 'fp32', state: 'ready' });
    await expect(call('models.pull', { repo: REPO, dtype: 'fp64' })).rejects.toThrow(/Invalid input for models.pull: dtype/);
    await expect(call('models.pull', { repo: '' })).rejects.toThrow(/model is empty/);
    await expect(call('models.remove', { repo: 'acme/never' })).resolves.toEqual({ removed: false });
  });
});

describe('settings.* and engine.*', () => {
  it('stores JSON values, validates engine keys, deletes with null', async () => {
    expect(await call('settings.set', { key: 'ui.theme', value: { dark: true } })).toMatchObject({ 'ui.theme': { dark: true } });
    await expect(call('settings.set', { key: 'engine.device', value: 'tpu' })).rejects.toThrow(/engine.device must be one of auto, cpu, cuda/);
    expect(await call('settings.get', {})).not.toHaveProperty('engine.device');
    expect(await call('settings.set', { key: 'ui.theme', value: null })).not.toHaveProperty('ui.theme');
  });

  it('engine.configure delegates to the engine client and persists the choice', async () => {
    const dir = makeModelFolder(path.join(tempDir(), 'cfg-vlm'), { suffixes: [''], onnxBytes: 2000 });
    await call('models.import', { dir });
    const status = await call('engine.configure', { model: 'local/cfg-vlm', device: 'cpu', dtype: 'fp32' });
    expect(status).toEqual(ctx.engine().status());
    expect(engineSettings(ctx.db)).toEqual({ model: 'local/cfg-vlm', device: 'cpu', dtype: 'fp32' });
    expect(await call('settings.get', {})).toMatchObject({ 'engine.model': 'local/cfg-vlm', 'engine.device': 'cpu', 'engine.dtype': 'fp32' });
    expect(await call('engine.status', {})).toEqual(ctx.engine().status());

    await expect(call('engine.configure', { model: 'acme/not-downloaded' })).rejects.toThrow(/not available locally: pull it/);
    await expect(call('engine.configure', { device: 'tpu' })).rejects.toThrow(/Invalid input for engine.configure: device/);
    expect(engineSettings(ctx.db).model).toBe('local/cfg-vlm');
  });
});
