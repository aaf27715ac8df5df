// `npm run bench -- chat [--json]`: chat latency on the forged smolvlm-256m (real 256M dimensions and
// op structure, random weights), CPU, default dtypes, one 512 tile per image (no splitting):
//  - a one-image question: time to first token and decode tokens/s (engine-measured, plus the
//    first-token time a chat window sees through the service: DB + events included);
//  - turn 2 (a follow-up question on the same image): time to first token with the KV cache of turn 1
//    reused (same sessionKey), and without (a fresh session: vision encoder + full prefill again).
// BENCH_CHAT_REPS (default 3) runs per measurement; medians are reported.
import { existsSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { forgedModelDir, REPO_ROOT } from '../support/models';
import { EngineHost } from '../../main/engine/host';
import { createNodePort } from '../../main/engine/node-port';
import { createEngineHost } from '../../main/engine/factory';
import { createContext } from '../../main/service/context';
import { createService } from '../../main/service/index';
import type { EngineChatTurn, GenerateResult } from '../../main/engine/client';

const NEW_TOKENS = 32;
const BENCH_DIR = path.join(REPO_ROOT, '.cache', 'bench', 'chat');
const QUESTION = 'What is in this photo? Describe it briefly.';
const FOLLOW_UP = 'What colours stand out the most?';

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2; };

async function benchPhoto(): Promise<string> {
  mkdirSync(BENCH_DIR, { recursive: true });
  const file = path.join(BENCH_DIR, 'photo.jpg');
  if (existsSync(file)) return file;
  const w = 1600;
  const h = 1200;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}">
    <defs><linearGradient id="g" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#8ec5ff"/><stop offset="1" stop-color="#2b5d34"/></linearGradient></defs>
    <rect width="100%" height="100%" fill="url(#g)"/><circle cx="1200" cy="300" r="160" fill="#ffe08a"/>
    <rect x="300" y="700" width="700" height="380" fill="#8b4a2b"/></svg>`;
  const noise = await sharp({ create: { width: w, height: h, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 30 } } }).raw().toBuffer();
  await sharp(Buffer.from(svg)).composite([{ input: noise, raw: { width: w, height: h, channels: 3 }, blend: 'overlay' }]).jpeg({ quality: 88 }).toFile(file);
  return file;
}

interface Turn { ttftMs: number; wallTtftMs: number; tokensPerSec: number; promptTokens: number; imageTokens: number; cachedTokens: number }

/** One engine call; wall-clock first token is measured here, the rest comes from the engine's result. */
async function timed(host: EngineHost, messages: EngineChatTurn[], sessionKey: string): Promise<Turn & { text: string }> {
  const t0 = performance.now();
  let first: number | null = null;
  const r: GenerateResult = await host.chat({
    messages, sessionKey, imageSplitting: false, maxNewTokens: NEW_TOKENS, minNewTokens: NEW_TOKENS,
    onToken: () => { first ??= performance.now() - t0; },
  });
  const decodeMs = r.ms - (r.firstTokenMs ?? 0);
  return {
    text: r.text,
    ttftMs: r.firstTokenMs ?? r.ms,
    wallTtftMs: first ?? performance.now() - t0,
    tokensPerSec: r.tokens.length > 1 && decodeMs > 0 ? (r.tokens.length - 1) / (decodeMs / 1000) : 0,
    promptTokens: r.promptTokens,
    imageTokens: r.imageTokens,
    cachedTokens: r.cachedTokens ?? 0,
  };
}

/** Turn 1 through the service, as the chat window sees it: chat.send → first chat.token event. */
async function serviceTtft(modelDir: string, photo: string, reps: number): Promise<{ turn1Ms: number; turn2Ms: number }> {
  const dataDir = path.join(os.tmpdir(), `smolalbum-bench-chat-${process.pid}`);
  const ctx = createContext({ dataDir, engineFactory: (c) => createEngineHost(c, () => createNodePort({ stderr: 'ignore' })) });
  const service = createService(ctx);
  const t1: number[] = [];
  const t2: number[] = [];
  try {
    await ctx.engine().configure({ model: modelDir, device: 'cpu', dtype: 'auto' });
    await ctx.engine().load();
    const ask = async (conversationId: number, text: string, attachments: { kind: 'path'; path: string }[]) => {
      const t0 = performance.now();
      let first: number | null = null;
      const offToken = ctx.events.on('chat.token', () => { first ??= performance.now() - t0; });
      const done = new Promise<void>((resolve) => { const off = ctx.events.on('chat.done', () => { off(); resolve(); }); });
      await service['chat.send']({ conversationId, text, attachments, parentId: undefined });
      await done;
      offToken();
      return first ?? performance.now() - t0;
    };
    for (let i = 0; i <= reps; i++) {
      const c = await service['chat.create']({ settings: { maxNewTokens: NEW_TOKENS, imageSplitting: false } });
      const a = await ask(c.id, QUESTION, [{ kind: 'path', path: photo }]);
      const b = await ask(c.id, FOLLOW_UP, []);
      if (i > 0) { t1.push(a); t2.push(b); } // the first round warms up
    }
  } finally {
    await ctx.close();
    await import('node:fs/promises').then((fs) => fs.rm(dataDir, { recursive: true, force: true }));
  }
  return { turn1Ms: median(t1), turn2Ms: median(t2) };
}

export async function run({ json }: { json: boolean }): Promise<void> {
  const log = (s: string) => { if (!json) process.stdout.write(`${s}\n`); else process.stderr.write(`${s}\n`); };
  const reps = Math.max(1, Number(process.env.BENCH_CHAT_REPS ?? 3));
  log('forging smolvlm-256m (cached after the first run)…');
  const dir = await forgedModelDir('smolvlm-256m', { dtypes: ['fp32', 'q8', 'q4'], onProgress: (m) => log(`  ${m}`) });
  const photo = await benchPhoto();

  const host = new EngineHost({
    portFactory: () => createNodePort({ stderr: 'ignore' }),
    resolveModel: (ref) => ref,
    cacheDir: path.join(os.tmpdir(), 'smolalbum-bench-cache'),
    config: { model: dir, device: 'cpu', dtype: 'auto' },
  });
  const turn1: Turn[] = [];
  const reuse: Turn[] = [];
  const fresh: Turn[] = [];
  let dtypes: Record<string, string> | null = null;
  try {
    const status = await host.load();
    dtypes = status.dtype;
    log(`model loaded: device ${status.device}, dtypes ${JSON.stringify(status.dtype)}`);
    const first: EngineChatTurn[] = [{ role: 'user', text: QUESTION, images: [photo] }];
    await timed(host, first, 'warm-up');
    for (let i = 0; i < reps; i++) {
      const key = `bench-${i}`;
      const a = await timed(host, first, key);
      turn1.push(a);
      const second: EngineChatTurn[] = [...first, { role: 'assistant', text: a.text, images: [] }, { role: 'user', text: FOLLOW_UP, images: [] }];
      reuse.push(await timed(host, second, key));
      fresh.push(await timed(host, second, `bench-fresh-${i}`));
      log(`  run ${i + 1}: turn-1 TTFT ${a.ttftMs.toFixed(0)} ms, turn-2 TTFT reuse ${reuse[i]!.ttftMs.toFixed(0)} ms (cached ${reuse[i]!.cachedTokens}/${reuse[i]!.promptTokens}), fresh ${fresh[i]!.ttftMs.toFixed(0)} ms`);
    }
  } finally {
    await host.close();
  }
  log('through the service (chat.send → first chat.token)…');
  const svc = await serviceTtft(dir, photo, reps);

  const m = (xs: Turn[], k: keyof Turn) => median(xs.map((x) => x[k]));
  const result = {
    bench: 'chat', newTokens: NEW_TOKENS, reps, imageSplitting: false, dtypes,
    oneImageQuestion: {
      promptTokens: turn1[0]!.promptTokens, imageTokens: turn1[0]!.imageTokens,
      ttftMs: m(turn1, 'ttftMs'), wallTtftMs: m(turn1, 'wallTtftMs'), tokensPerSec: m(turn1, 'tokensPerSec'),
    },
    turn2: {
      promptTokens: reuse[0]!.promptTokens,
      withReuse: { ttftMs: m(reuse, 'ttftMs'), cachedTokens: reuse[0]!.cachedTokens, tokensPerSec: m(reuse, 'tokensPerSec') },
      withoutReuse: { ttftMs: m(fresh, 'ttftMs'), cachedTokens: fresh[0]!.cachedTokens, tokensPerSec: m(fresh, 'tokensPerSec') },
      savingMs: m(fresh, 'ttftMs') - m(reuse, 'ttftMs'),
      speedup: m(fresh, 'ttftMs') / m(reuse, 'ttftMs'),
    },
    service: svc,
    cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, loadAverage: os.loadavg(),
  };
  log('');
  log(`one-image question (${result.oneImageQuestion.promptTokens} prompt tokens, ${result.oneImageQuestion.imageTokens} image tokens, ${NEW_TOKENS} new):`);
  log(`  time to first token ${result.oneImageQuestion.ttftMs.toFixed(0)} ms (engine), ${result.oneImageQuestion.wallTtftMs.toFixed(0)} ms (client)`);
  log(`  decode ${result.oneImageQuestion.tokensPerSec.toFixed(1)} tokens/s`);
  log(`turn 2 (${result.turn2.promptTokens} prompt tokens):`);
  log(`  with KV-cache reuse    TTFT ${result.turn2.withReuse.ttftMs.toFixed(0)} ms (${result.turn2.withReuse.cachedTokens} tokens reused)`);
  log(`  without reuse          TTFT ${result.turn2.withoutReuse.ttftMs.toFixed(0)} ms`);
  log(`  saving ${result.turn2.savingMs.toFixed(0)} ms (${result.turn2.speedup.toFixed(1)}× faster first token)`);
  log(`through the service: turn-1 TTFT ${svc.turn1Ms.toFixed(0)} ms, turn-2 TTFT ${svc.turn2Ms.toFixed(0)} ms`);
  log(`machine: ${result.cpus} × ${result.cpuModel ?? 'cpu'}, load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  if (json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
