// The CLI commands caption / ask / chat, run as a user would (node + tsx, separate processes), and
// `ask` checked token for token against a bare transformers.js run on a model folder forged outside
// the project tree.
import { execFile, spawn } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AutoModelForVision2Seq, AutoProcessor, env, RawImage, type Tensor } from '@huggingface/transformers';
import { forgeModel } from '../forge/index';
import { REPO_ROOT, tinyModelDir } from '../support/models';
import { makePhotos, removeTempDirs, tempDir, type Photos } from './support';

const run = promisify(execFile);
const CLI = ['--import', 'tsx', 'main/cli/index.ts'];

let photos: Photos;
let tiny: string;
let dataDir: string;

beforeAll(async () => {
  [photos, tiny] = await Promise.all([makePhotos(), tinyModelDir()]);
  dataDir = tempDir('engine-cli');
});
afterAll(() => removeTempDirs());

async function cli(args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, [...CLI, ...args, '--data-dir', dataDir], { cwd: REPO_ROOT, timeout: 60_000 });
}

describe('smolalbum ask', () => {
  it('gives exactly the tokens of a bare transformers.js run on a folder made outside the project', async () => {
    const outside = path.join(tempDir('outside'), 'SmolVLM-like');
    await forgeModel({ preset: 'tiny', out: outside, seed: 7, dtypes: ['fp32'] });
    const question = 'What colours are in this photo?';

    const { stdout } = await cli(['ask', photos.wide, question, '--model', outside, '--device', 'cpu', '--dtype', 'fp32', '--max-new-tokens', '20', '--json']);
    const viaCli = JSON.parse(stdout) as { text: string; tokens: number[] };

    env.allowRemoteModels = false;
    const processor = await AutoProcessor.from_pretrained(outside);
    const model = await AutoModelForVision2Seq.from_pretrained(outside, { device: 'cpu', dtype: 'fp32' });
    const image = await RawImage.read(photos.wide);
    const prompt = processor.apply_chat_template([{ role: 'user', content: [{ type: 'image' }, { type: 'text', text: question }] }] as never, { add_generation_prompt: true }) as string;
    const inputs = await processor(prompt, [image]);
    const out = (await model.generate({ ...inputs, max_new_tokens: 20 })) as Tensor;
    const promptLength = (inputs.input_ids as Tensor).dims[1];
    const bare = Array.from(out.data as BigInt64Array, Number).slice(promptLength);

    expect(viaCli.tokens.length).toBe(20);
    expect(viaCli.tokens).toEqual(bare);
    expect(viaCli.text).toBe(processor.tokenizer!.decode(bare, { skip_special_tokens: true }).trim());
  });
});

describe('smolalbum caption', () => {
  it('captions files and folders as JSON and writes .txt beside them, keeping existing ones', async () => {
    const folder = tempDir('caption-dir');
    copyFileSync(photos.wide, path.join(folder, 'one.jpg'));
    copyFileSync(photos.tall, path.join(folder, 'two.png'));
    writeFileSync(path.join(folder, 'two.txt'), 'my own caption\n');
    const { stdout } = await cli(['caption', folder, photos.square, '--model', tiny, '--device', 'cpu', '--write-txt', '--with-tags', '--json']);
    const items = JSON.parse(stdout) as { path: string; caption: string; tags: string[]; ms: number; txt: string }[];
    expect(items.map((i) => path.basename(i.path))).toEqual(['one.jpg', 'two.png', 'square.webp']);
    for (const i of items) {
      expect(i.caption.length).toBeGreaterThan(0);
      expect(i.tags.length).toBeGreaterThan(0);
      expect(i.ms).toBeGreaterThan(0);
    }
    expect(readFileSync(path.join(folder, 'one.txt'), 'utf8')).toBe(`${items[0].caption}\n`);
    expect(readFileSync(path.join(folder, 'two.txt'), 'utf8')).toBe('my own caption\n');
    expect(items[1].txt).toBe('skipped');
    expect(existsSync(path.join(photos.dir, 'square.txt'))).toBe(true);
  });

  it('reports a bad image without stopping the others', async () => {
    const r = await cli(['caption', photos.corrupt, photos.square, '--model', tiny, '--device', 'cpu', '--style', 'tags', '--json']).catch((e) => e as { code: number; stdout: string; stderr: string });
    expect((r as { code?: number }).code).toBe(1);
    const items = JSON.parse(r.stdout) as { caption: string | null; error?: string }[];
    expect(items[0].error).toMatch(/Cannot decode image/);
    expect(items[1].caption).toBeTruthy();
  });
});

describe('smolalbum chat', () => {
  it('keeps the attached image in context across turns and streams answers', async () => {
    const child = spawn(process.execPath, [...CLI, 'chat', '--model', tiny, '--device', 'cpu', '--max-new-tokens', '6', '--json', '--data-dir', dataDir], { cwd: REPO_ROOT });
    let stdout = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stdin.end(`/image ${photos.wide}\nWhat is this?\nAnd the colours?\n/exit\n`);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    const answers = stdout.trim().split('\n').map((l) => JSON.parse(l) as { text: string; imageTokens: number; tokens: number[] });
    expect(answers).toHaveLength(2);
    expect(answers[0].imageTokens).toBeGreaterThan(0);
    expect(answers[1].imageTokens).toBe(answers[0].imageTokens);
    for (const a of answers) expect(a.tokens).toHaveLength(6);
  });
});
