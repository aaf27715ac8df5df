// `smolalbum models …` as a user runs it: a real CLI process talking to the hub mirror over HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { startHubMirror, type HubMirror } from '../support/hub-mirror';
import { DEFAULT_MODEL, DEFAULT_MODEL_REVISION } from '../../shared/constants';
import type { ModelInfo } from '../../shared/contract/models';
import { makeModelFolder, tempDir } from './fixture';

const ROOT = path.resolve(__dirname, '../..');
let mirror: HubMirror;
let dataDir: string;
let hfHome: string;

function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'main/cli/index.ts', ...args, '--data-dir', dataDir], {
      cwd: ROOT, env: { ...process.env, HF_ENDPOINT: mirror.url, HF_HOME: hfHome, ...env },
    }, (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }));
  });
}

beforeAll(async () => {
  const dir = makeModelFolder(tempDir(), { onnxBytes: 40_000 });
  mirror = await startHubMirror({ repos: { [DEFAULT_MODEL]: { dir, revision: DEFAULT_MODEL_REVISION } } });
  dataDir = tempDir();
  hfHome = tempDir();
});
afterAll(() => mirror.close());

describe('models CLI', () => {
  it('pull --json downloads the default model at its pinned revision; list and rm follow', async () => {
    const pull = await cli(['models', 'pull', DEFAULT_MODEL, '--dtype', 'q8', '--json']);
    expect(pull.stderr).toMatch(/Done onnx\/decoder_model_merged_quantized\.onnx/);
    expect(pull.code).toBe(0);
    const model = JSON.parse(pull.stdout) as ModelInfo;
    expect(model).toMatchObject({ repo: DEFAULT_MODEL, revision: DEFAULT_MODEL_REVISION, dtype: 'q8', state: 'ready' });
    expect(model.path).toBe(path.join(hfHome, 'hub', 'models--HuggingFaceTB--SmolVLM-256M-Instruct', 'snapshots', DEFAULT_MODEL_REVISION));
    // No revision given: the pinned commit is asked for, not main.
    expect(mirror.requests.some((r) => r.path === `/api/models/${DEFAULT_MODEL}/revision/${DEFAULT_MODEL_REVISION}`)).toBe(true);
    expect(mirror.requests.every((r) => !r.path.includes('/resolve/main/'))).toBe(true);

    const list = await cli(['models', 'list', '--json']);
    expect(JSON.parse(list.stdout)).toEqual([model]);
    const human = await cli(['models', 'list']);
    expect(human.stdout).toMatch(/MODEL\s+REVISION\s+DTYPE\s+STATE/);
    expect(human.stdout).toContain(`${DEFAULT_MODEL}  ${DEFAULT_MODEL_REVISION.slice(0, 8)}  q8`);

    const rm = await cli(['models', 'rm', DEFAULT_MODEL, '--json']);
    expect(JSON.parse(rm.stdout)).toEqual({ removed: true });
    expect(existsSync(model.path)).toBe(false);
    expect(JSON.parse((await cli(['models', 'list', '--json'])).stdout)).toEqual([]);
  });

  it('import DIR works offline; errors are readable with a non-zero exit', async () => {
    const dir = makeModelFolder(path.join(tempDir(), 'offline-vlm'), { suffixes: [''], onnxBytes: 1000 });
    const imported = await cli(['models', 'import', dir, '--json'], { HF_ENDPOINT: 'http://127.0.0.1:9' });
    expect(imported.code).toBe(0);
    expect(JSON.parse(imported.stdout)).toMatchObject({ repo: 'local/offline-vlm', dtype: 'fp32', state: 'ready' });

    const missing = await cli(['models', 'pull', 'acme/nothing-here', '--json']);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toContain(`Error: Model acme/nothing-here was not found on ${mirror.url}`);

    const badDtype = await cli(['models', 'pull', DEFAULT_MODEL, '--dtype', 'fp64']);
    expect(badDtype.code).toBe(2);
    expect(badDtype.stderr).toMatch(/Invalid input for models.pull: dtype/);

    const usage = await cli(['models', 'frobnicate']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('Usage: smolalbum models list | pull REPO');
  });
});
