// HEIC beyond the library (issue 10): a HEIC made here with heif-enc (Debian libheif-examples) goes
// through `smolalbum caption` and `smolalbum ask`, a chat attachment, and the web drop zone — an
// upload accepted by its content, whatever its name says — on the forged tiny model (fp32). Each sees
// the picture itself: the model gets exactly one unsplit image's tokens, and the answers match those
// for the same pixels given as a lossless PNG; those pixels are libheif's own (heif-convert's decode,
// within a small mean error: the YUV→RGB step may differ between libheif versions).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { createContext, type AppContext } from '../../main/service/context';
import { createService } from '../../main/service/index';
import { nodeEngineFactory } from '../../main/engine/factory';
import { startServer, type WebServer } from '../../main/server/server';
import { uploadRoute } from '../../main/server/uploads';
import type { Service } from '../../shared/api';
import type { ChatMessage } from '../../shared/contract/chat';
import { makePhotos } from '../support/photos';
import { REPO_ROOT, tinyModelDir, TINY } from '../support/models';
import { removeDir, tempDir } from '../library/helpers';
import { decodeImage, toSharp } from '../../main/media/decode';

const HEIF_ENC = spawnSync('heif-enc', ['--help']).error === undefined;
if (!HEIF_ENC) console.warn('heic-inputs.test.ts: heif-enc (Debian libheif-examples) is not installed; `.ci/run` installs it.');

const cliRun = promisify(execFile);
let dir: string;
let heic: string;
let png: string;
let model: string;
let ctx: AppContext;
let service: Service;
let server: WebServer;

async function cli(args: string[]): Promise<unknown> {
  const { stdout } = await cliRun(process.execPath, ['--import', 'tsx', 'main/cli/index.ts', ...args, '--data-dir', path.join(dir, 'cli-data')],
    { cwd: REPO_ROOT, timeout: 120_000 });
  return JSON.parse(stdout);
}

describe.skipIf(!HEIF_ENC)('HEIC in caption, ask, chat and the web drop zone', { timeout: 300_000 }, () => {
  beforeAll(async () => {
    dir = tempDir('heic-inputs');
    model = await tinyModelDir();
    await makePhotos(dir, [{ rel: 'source.jpg', seed: 21, width: 640, height: 480 }]);
    heic = path.join(dir, 'IMG_0001.HEIC');
    execFileSync('heif-enc', ['-q', '90', path.join(dir, 'source.jpg'), '-o', heic], { stdio: 'ignore' });
    // The decoded pixels as a lossless PNG: the answers for the HEIC must be the answers for these.
    png = path.join(dir, 'reference.png');
    await toSharp(await decodeImage(heic)).png().toFile(png);
    // … and they are libheif's: heif-convert's decode of the same file, side by side.
    const theirs = path.join(dir, 'heif-convert.jpg');
    execFileSync('heif-convert', ['-q', '100', heic, theirs], { stdio: 'ignore' });
    const [a, b] = await Promise.all([png, theirs].map((f) => sharp(f).removeAlpha().raw().toBuffer()));
    expect(a!.length).toBe(b!.length);
    let sum = 0;
    for (let i = 0; i < a!.length; i++) sum += Math.abs(a![i]! - b![i]!);
    // Measured 3.1 (heif-convert writes JPEG with 4:2:0 chroma); a rotated or unconverted picture is far above.
    expect(sum / a!.length).toBeLessThan(6);
    ctx = createContext({ dataDir: path.join(dir, 'data'), engineFactory: nodeEngineFactory });
    service = createService(ctx);
    await ctx.engine().configure({ model, device: 'cpu', dtype: 'fp32' });
    server = await startServer({ ctx, service, staticDir: dir, routes: [uploadRoute({})] });
  }, 300_000);

  afterAll(async () => {
    await server?.close();
    await ctx?.close();
    if (dir) removeDir(dir);
  });

  it('`smolalbum caption` and `smolalbum ask` read a HEIC as libheif shows it', async () => {
    const common = ['--model', model, '--device', 'cpu', '--dtype', 'fp32', '--json'];
    const captions = await cli(['caption', heic, png, ...common]) as { path: string; caption: string; error?: string }[];
    expect(captions.map((c) => path.basename(c.path))).toEqual(['IMG_0001.HEIC', 'reference.png']);
    expect(captions[0]!.caption.length).toBeGreaterThan(0);
    expect(captions[0]!.caption).toBe(captions[1]!.caption);
    const [fromHeic, fromPng] = await Promise.all([heic, png].map((f) => cli(['ask', f, 'What is in this photo?', '--max-new-tokens', '12', ...common]))) as
      { text: string; tokens: number[] }[];
    expect(fromHeic!.tokens.length).toBeGreaterThan(0);
    expect(fromHeic!.tokens).toEqual(fromPng!.tokens);
  });

  it('a chat attachment: stored by content, previewed, and seen by the model as one image', async () => {
    const done = new Map<number, ChatMessage>();
    ctx.events.on('chat.done', (e) => { done.set(e.message.id, e.message); });
    const c = await service['chat.create']({ settings: { maxNewTokens: 6, imageSplitting: false } });
    const ids = await service['chat.send']({ conversationId: c.id, text: 'Describe it.', attachments: [{ kind: 'path', path: heic }] });
    await expect.poll(() => done.get(ids.assistantMessageId)?.status, { timeout: 120_000 }).toBe('done');
    expect(done.get(ids.assistantMessageId)!.stats).toMatchObject({ imageTokens: TINY.imageSeqLen });
    const user = (await service['chat.get']({ id: c.id })).messages.find((m) => m.role === 'user')!;
    expect(user.attachments[0]!.id).toMatch(/^[0-9a-f]{64}\.heic$/);
    const thumb = Buffer.from(user.attachments[0]!.thumb!.replace(/^data:image\/webp;base64,/, ''), 'base64');
    const meta = await sharp(thumb).metadata();
    expect(meta.width! / meta.height!).toBeCloseTo(640 / 480, 1);
  });

  it('the web drop zone: uploads accepted by content (any name), then captioned like the file itself', async () => {
    const bytes = readFileSync(heic);
    const upload = async (name: string) => {
      const res = await fetch(`${server.url}api/upload`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/octet-stream', 'X-Filename': encodeURIComponent(name) },
        body: bytes,
      });
      return { status: res.status, body: (await res.json()) as { uploadId?: string; error?: string } };
    };
    const named = await upload('IMG_0001.HEIC');
    const unnamed = await upload('from-my-phone');
    expect(named.status, named.body.error).toBe(200);
    expect(unnamed.status, unnamed.body.error).toBe(200);
    const batch = await service['caption.start']({ paths: [png], uploadIds: [named.body.uploadId!, unnamed.body.uploadId!], style: 'short', prefix: '', suffix: '' });
    let b = await service['caption.get']({ batchId: batch.id });
    while (b.state === 'running') { await new Promise((r) => setTimeout(r, 50)); b = await service['caption.get']({ batchId: batch.id }); }
    expect(b.items.map((i) => i.status)).toEqual(['done', 'done', 'done']);
    const [fromPng, fromNamed, fromUnnamed] = b.items.map((i) => i.caption);
    expect(fromNamed).toBe(fromPng);
    expect(fromUnnamed).toBe(fromPng);
  });
});
