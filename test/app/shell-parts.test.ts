// The small electron-free parts of the desktop shell: utility-process exit reporting, the accelerator
// plan, the child environment, window state, the rotating log, and where the Electron sqlite build lives.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { EngineExit } from '../../main/engine/port';
import { ExitTracker, describeGone } from '../../main/app/exit-tracker';
import { ACCELERATORS_ENV, acceleratorPlan, planToEnv, type ProbeEnv } from '../../main/app/accelerators';
import { childEnv } from '../../main/engine/child-env';
import { MIN_WIDTH, defaultState, readStateFile, restoreState, writeStateFile } from '../../main/app/window-state';
import { createLogger } from '../../main/service/log';
import { electronSqliteBinding } from '../../main/app/native-binding';
import { unpackedPath } from '../../main/media/asar';

let tmp: string;
beforeAll(async () => { tmp = await mkdtemp(path.join(os.tmpdir(), 'smolalbum-shell-')); });
afterAll(async () => { await rm(tmp, { recursive: true, force: true }); });

describe('ExitTracker (utility process exit + child-process-gone)', () => {
  const collect = (graceMs = 30) => {
    const exits: EngineExit[] = [];
    return { exits, tracker: new ExitTracker((e) => exits.push(e), graceMs) };
  };

  it('reports the crash reason even when the exit code says 0 (electron#42283)', () => {
    const { exits, tracker } = collect();
    tracker.exit(0);
    tracker.gone('crashed', 11);
    expect(exits).toEqual([{ code: 0, signal: null, reason: 'the inference process crashed (exit code 11)' }]);
  });

  it('works whichever event comes first, and reports once', () => {
    const { exits, tracker } = collect();
    tracker.gone('oom', null);
    tracker.exit(1);
    tracker.exit(1);
    tracker.gone('crashed', 1);
    expect(exits).toEqual([{ code: 1, signal: null, reason: 'the inference process ran out of memory' }]);
  });

  it('reports a plain exit after the grace period when no gone event arrives', async () => {
    const { exits, tracker } = collect(20);
    tracker.exit(0);
    expect(exits).toEqual([]);
    await new Promise((r) => setTimeout(r, 60));
    expect(exits).toEqual([{ code: 0, signal: null }]);
  });

  it('does not call a clean exit a crash', () => {
    const { exits, tracker } = collect();
    tracker.exit(0);
    tracker.gone('clean-exit', 0);
    expect(exits).toEqual([{ code: 0, signal: null }]);
  });

  it('reports a failed start immediately', () => {
    const { exits, tracker } = collect();
    tracker.fail('the inference process could not start: ENOENT');
    expect(exits).toEqual([{ code: null, signal: null, reason: 'the inference process could not start: ENOENT' }]);
    expect(tracker.finished).toBe(true);
  });

  it('words the reasons for the status line', () => {
    expect(describeGone('killed', null)).toBe('the inference process was killed');
    expect(describeGone('launch-failed', 5)).toBe('the inference process failed to start (exit code 5)');
    expect(describeGone('something-new', null)).toBe('the inference process something-new');
  });
});

describe('accelerator plan', () => {
  const env = (over: Partial<ProbeEnv> & { files?: string[] }): ProbeEnv => {
    const files = new Set(over.files ?? []);
    return { platform: 'linux', arch: 'x64', ortBinDir: '/ort/bin/napi-v6/linux/x64', libraryDirs: ['/usr/lib/x86_64-linux-gnu'], exists: (f) => files.has(f), ...over };
  };

  it('Windows: DirectML then WebGPU; macOS: CoreML then WebGPU', () => {
    expect(acceleratorPlan(env({ platform: 'win32' })).order).toEqual(['dml', 'webgpu']);
    expect(acceleratorPlan(env({ platform: 'darwin', arch: 'arm64' })).order).toEqual(['coreml', 'webgpu']);
  });

  it('Linux x64 without the CUDA provider: WebGPU only, and says how to get CUDA', () => {
    const plan = acceleratorPlan(env({}));
    expect(plan.order).toEqual(['webgpu']);
    expect(plan.skipped).toEqual(['cuda: the CUDA execution provider is not installed (ONNXRUNTIME_NODE_INSTALL=cuda12 npm install)']);
  });

  it('Linux x64 with the provider but no CUDA runtime: skipped with the missing libraries named', () => {
    const plan = acceleratorPlan(env({ files: ['/ort/bin/napi-v6/linux/x64/libonnxruntime_providers_cuda.so', '/usr/lib/x86_64-linux-gnu/libcudart.so.12'] }));
    expect(plan.order).toEqual(['webgpu']);
    expect(plan.skipped[0]).toMatch(/^cuda: CUDA 12 runtime not found \(libcublasLt\.so\.12\)/);
  });

  it('Linux x64 with provider and runtime: CUDA first', () => {
    const plan = acceleratorPlan(env({ files: ['/ort/bin/napi-v6/linux/x64/libonnxruntime_providers_cuda.so',
      '/usr/lib/x86_64-linux-gnu/libcudart.so.12', '/usr/lib/x86_64-linux-gnu/libcublasLt.so.12'] }));
    expect(plan).toEqual({ order: ['cuda', 'webgpu'], skipped: [] });
  });

  it('Linux arm64: CPU only, with the reason', () => {
    const plan = acceleratorPlan(env({ arch: 'arm64' }));
    expect(plan.order).toEqual([]);
    expect(plan.skipped[0]).toMatch(/linux-arm64/);
  });

  it('travels to the inference process as JSON in one variable', () => {
    const plan = { order: ['webgpu' as const], skipped: ['cuda: x'] };
    expect(JSON.parse(planToEnv(plan)[ACCELERATORS_ENV]!)).toEqual(plan);
  });
});

describe('child environment', () => {
  it('drops variables that would change what the child is', () => {
    const env = childEnv({ PATH: '/bin', NODE_OPTIONS: '--require evil.js', ELECTRON_RUN_AS_NODE: '1', HF_HOME: '/hf' });
    expect(env).toEqual({ PATH: '/bin', HF_HOME: '/hf' });
  });
});

describe('window state', () => {
  const screen = { x: 0, y: 0, width: 1920, height: 1080 };

  it('defaults to a centred window that fits the screen', () => {
    expect(defaultState(screen)).toEqual({ bounds: { x: 320, y: 130, width: 1280, height: 820 }, maximized: false });
    expect(defaultState({ x: 0, y: 0, width: 800, height: 600 }).bounds).toMatchObject({ width: 800, height: 600 });
  });

  it('round-trips through the JSON file', async () => {
    const file = path.join(tmp, 'window-state.json');
    const state = { bounds: { x: 100, y: 50, width: 1000, height: 700 }, maximized: true };
    writeStateFile(file, state);
    expect(restoreState(readStateFile(file), [screen], screen)).toEqual(state);
    expect(await readdir(tmp)).not.toContain('window-state.json.tmp');
  });

  it('falls back to defaults for a missing, corrupt or hand-edited file', async () => {
    const file = path.join(tmp, 'bad.json');
    await writeFile(file, '{"bounds": {"x": 1');
    expect(restoreState(readStateFile(file), [screen], screen)).toEqual(defaultState(screen));
    expect(restoreState(readStateFile(path.join(tmp, 'none.json')), [screen], screen)).toEqual(defaultState(screen));
    expect(restoreState({ bounds: { x: 0, y: 0, width: 10, height: 10 }, maximized: false }, [screen], screen).bounds.width).toBeGreaterThanOrEqual(MIN_WIDTH);
  });

  it('does not reopen on a monitor that is gone', () => {
    const saved = { bounds: { x: 2500, y: 100, width: 1000, height: 700 }, maximized: false };
    const second = { x: 1920, y: 0, width: 1920, height: 1080 };
    expect(restoreState(saved, [screen, second], screen)).toEqual(saved);
    expect(restoreState(saved, [screen], screen)).toEqual(defaultState(screen));
  });
});

describe('rotating log', () => {
  it('writes lines to userData/logs and rotates by size, keeping N files', async () => {
    const dir = path.join(tmp, 'logs');
    const log = createLogger({ dir, maxBytes: 200, keep: 2 });
    for (let i = 0; i < 20; i++) log.info(`line ${i} ${'x'.repeat(40)}`);
    const files = (await readdir(dir)).sort();
    expect(files).toEqual(['main.1.log', 'main.2.log', 'main.log']);
    const current = await readFile(log.file, 'utf8');
    expect(current).toMatch(/INFO line 19 x+\n$/);
    for (const f of files) expect((await readFile(path.join(dir, f))).length).toBeLessThanOrEqual(200);
    expect(await readFile(path.join(dir, 'main.2.log'), 'utf8')).not.toContain('line 0 ');
  });

  it('keeps multi-line messages as one entry', async () => {
    const log = createLogger({ dir: path.join(tmp, 'logs2') });
    log.error('boom\nstack line');
    expect(await readFile(log.file, 'utf8')).toMatch(/ERROR boom\n {4}stack line\n$/);
  });
});

describe('Electron build of better-sqlite3', () => {
  it('is looked up beside the package, unpacked from the asar when packaged', () => {
    const pkg = '/opt/SmolAlbum/resources/app.asar/node_modules/better-sqlite3/package.json';
    const want = '/opt/SmolAlbum/resources/app.asar.unpacked/node_modules/better-sqlite3/build-electron/better_sqlite3.node';
    expect(electronSqliteBinding(pkg, (f) => f === want)).toBe(want);
    expect(unpackedPath('/dev/smolalbum/node_modules/x.node')).toBe('/dev/smolalbum/node_modules/x.node');
  });

  it('says how to build it when it is missing', () => {
    expect(() => electronSqliteBinding('/dev/node_modules/better-sqlite3/package.json', () => false)).toThrow(/node scripts\/electron-abi\.mjs electron/);
  });
});
