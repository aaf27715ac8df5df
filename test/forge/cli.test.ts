// The forge CLI as users run it: JSON summary on stdout, clear errors and exit code 1 on bad input.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/models';

const run = promisify(execFile);
let work: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'forge-cli-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const forge = (args: string[]) => run(process.execPath, ['--import', 'tsx', 'test/forge/cli.ts', ...args], { cwd: REPO_ROOT });

describe('forge CLI', () => {
  it('forges the requested dtypes and prints a JSON summary', async () => {
    const out = path.join(work, 'm');
    const { stdout } = await forge(['--preset', 'tiny', '--out', out, '--seed', '3', '--dtypes', 'fp32,q8', '--claimed-layers', '4']);
    const summary = JSON.parse(stdout) as { dir: string; files: { name: string }[]; facts: { seed: number; dtypes: string[] } };
    expect(summary.dir).toBe(out);
    expect(summary.facts.seed).toBe(3);
    expect(summary.files.map((f) => f.name)).toContain('onnx/decoder_model_merged_quantized.onnx');
    expect(summary.files.map((f) => f.name)).not.toContain('onnx/decoder_model_merged_q4.onnx');
    const config = JSON.parse(await readFile(path.join(out, 'config.json'), 'utf8')) as { text_config: { num_hidden_layers: number } };
    expect(config.text_config.num_hidden_layers).toBe(4);
  });

  it.each([
    [['--out', 'x'], /--preset and --out are required/],
    [['--preset', 'huge', '--out', 'x'], /unknown preset "huge"/],
    [['--preset', 'tiny', '--out', 'OUT', '--dtypes', 'fp32,fp8'], /unknown dtype "fp8"/],
    [['--preset', 'tiny', '--out', 'OUT', '--seed', 'x1'], /--seed must be a non-negative integer/],
  ])('rejects %j with a clear message', async (args, message) => {
    const argv = args.map((a) => (a === 'OUT' ? path.join(work, 'bad') : a));
    const failure = await forge(argv).then(
      () => null,
      (err: { code: number; stderr: string }) => err,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toMatch(message);
  });
});
