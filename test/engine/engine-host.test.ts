// The real path: EngineHost → child_process.fork → transformers.js + onnxruntime-node on the forged
// tiny model. Image-token counts are worked out by hand from the tiny model's facts (4 tokens per
// 32-px tile, images resized to 64 px on the long edge, then cut into 32-px tiles + a global view).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TINY, tinyModelDir } from '../support/models';
import type { EngineHost } from '../../main/engine/host';
import type { EngineChatTurn, GenerateResult } from '../../main/engine/client';
import { chooseCpuDtypes } from '../../main/engine/dtype-choice';
import { availableDtypes } from '../../main/models/dtypes';
import { hostFor, makePhotos, removeTempDirs, tempDir, type Photos } from './support';

let photos: Photos;
let model: string;
let host: EngineHost;
let cacheDir: string;
const seq = TINY.imageSeqLen;

beforeAll(async () => {
  [photos, model] = await Promise.all([makePhotos(), tinyModelDir()]);
  cacheDir = tempDir('engine-host-cache');
  host = hostFor(model, { cacheDir });
  await host.load();
});
afterAll(async () => {
  await host?.close();
  removeTempDirs();
});

/** Vision frames per encoder call, and the decoder's first (prefill) call: new tokens and cached past. */
function fedSummary(r: GenerateResult): { visionFrames: number[]; prefill: number | undefined; past: number | undefined } {
  return { visionFrames: r.fed!.visionFrames, prefill: r.fed!.decoderInputTokens[0], past: r.fed!.decoderPastTokens[0] };
}

describe('engine on the tiny model', () => {
  it('loads in a separate process and reports device and dtypes', () => {
    const s = host.status();
    expect(s.state).toBe('ready');
    expect(s.device).toBe('cpu');
    // 'auto' on the CPU: what the int8 probe measured in this process's cache folder decides.
    const { measured } = JSON.parse(readFileSync(path.join(cacheDir, 'int8-probe.json'), 'utf8'));
    const files = readdirSync(path.join(model, 'onnx')).map((f) => `onnx/${f}`);
    const expected = chooseCpuDtypes({ measured, available: availableDtypes(files), q8WeightType: 'int8' })!;
    expect(s.dtype).toEqual(expected.dtypes);
    expect(s.dtype).toMatchObject({ vision_encoder: 'fp32', embed_tokens: 'fp32' });
    expect(s.dtypeReason).toBe(expected.reason);
    expect(host.pid).not.toBe(process.pid);
  });

  it('captions deterministically from one 64-token-style tile, with tags from the same prefill', async () => {
    const a = await host.caption({ path: photos.wide, style: 'short', withTags: true });
    const b = await host.caption({ path: photos.wide, style: 'short', withTags: true });
    expect(a.caption.length).toBeGreaterThan(0);
    expect(a.caption).toBe(b.caption);
    expect(a.tags).toEqual(b.tags);
    expect(a.tags.length).toBeGreaterThan(0);
    for (const t of a.tags) expect(t).toBe(t.toLowerCase().trim());
    expect(new Set(a.tags).size).toBe(a.tags.length);
    // Indexing never splits: one frame.
    expect(a.imageTokens).toBe(seq);
    const other = await host.caption({ path: photos.tall, style: 'short' });
    expect(other.caption).not.toBe(a.caption);
    expect(other.tags).toEqual([]);
  });

  it('gives a tags-style caption as a normalised list', async () => {
    const r = await host.caption({ path: photos.square, style: 'tags' });
    expect(r.tags.length).toBeGreaterThan(0);
    expect(r.caption).toBe(r.tags.join(', '));
  });

  it('answers deterministically and streams deltas in order that join to the final text', async () => {
    const deltas: string[] = [];
    let resolved = false;
    const streamed = await host.ask({
      path: photos.wide, question: 'What is in this photo?', maxNewTokens: 24,
      onToken: (t) => { expect(resolved).toBe(false); deltas.push(t); },
    });
    resolved = true;
    const plain = await host.ask({ path: photos.wide, question: 'What is in this photo?', maxNewTokens: 24 });
    expect(streamed.tokens).toEqual(plain.tokens);
    expect(streamed.tokens.length).toBe(24);
    expect(deltas.length).toBeGreaterThan(3);
    expect(deltas.join('')).toBe(streamed.text);
    expect(streamed.text).toBe(plain.text);
    // ask uses the preprocessor default (splitting): 120×80 → 64×43 → 64×64 → 2×2 tiles + global.
    expect(streamed.imageTokens).toBe(5 * seq);
  });

  it('counts every image of a message and keeps earlier turns\' images in context', async () => {
    const both = await host.chat({ messages: [{ role: 'user', text: 'Compare.', images: [photos.wide, photos.tall] }], maxNewTokens: 4 });
    // tall 30×90 → 21×64 → 32×64 → 2×1 tiles + global.
    expect(both.imageTokens).toBe(5 * seq + 3 * seq);

    const turns: EngineChatTurn[] = [{ role: 'user', text: 'Look at this.', images: [photos.wide] }];
    const t1 = await host.chat({ messages: turns, maxNewTokens: 6, sessionKey: 'conv' });
    turns.push({ role: 'assistant', text: t1.text, images: [] }, { role: 'user', text: 'And this one?', images: [photos.tall] });
    const t2 = await host.chat({ messages: turns, maxNewTokens: 6, sessionKey: 'conv' });
    turns.push({ role: 'assistant', text: t2.text, images: [] }, { role: 'user', text: 'Which was brighter?', images: [] });
    const t3 = await host.chat({ messages: turns, maxNewTokens: 6, sessionKey: 'conv' });
    expect(t1.imageTokens).toBe(5 * seq);
    expect(t2.imageTokens).toBe(8 * seq);
    expect(t3.imageTokens).toBe(8 * seq);
    expect(t3.promptTokens).toBeGreaterThan(t2.promptTokens);
    // The KV cache of earlier turns was reused (at least the first image and question) …
    expect(t2.cachedTokens).toBeGreaterThan(t1.promptTokens - 3);
    expect(t3.cachedTokens).toBeGreaterThan(t2.promptTokens - 3);
    // A full recompute on a quantised decoder (q8 or q4, whichever 'auto' chose here) is numerically
    // a different path (dynamic quantisation scales activations per call; int8 kernels may saturate
    // on AVX2 without VNNI), so here only its structure is asserted; token equality is asserted on
    // the fp32 host below.
    const fresh = await host.chat({ messages: turns, maxNewTokens: 6 });
    expect(fresh.cachedTokens).toBe(0);
    expect(fresh.promptTokens).toBe(t3.promptTokens);
    expect(fresh.imageTokens).toBe(t3.imageTokens);
    expect(fresh.tokens).toHaveLength(t3.tokens.length);

    // What the model was fed, counted at onnxruntime's boundary (not the engine's own claim):
    // turn 1 encodes wide's 5 frames; turn 2 only tall's 3 (wide's features come from the cache), and
    // its decoder prefill is the uncached tail on top of a past of exactly `cachedTokens`; turn 3 runs
    // no vision pass at all. The fresh run encodes both images and prefills the whole prompt.
    expect(fedSummary(t1)).toEqual({ visionFrames: [5], prefill: t1.promptTokens, past: 0 });
    expect(fedSummary(t2)).toEqual({ visionFrames: [3], prefill: t2.promptTokens - t2.cachedTokens!, past: t2.cachedTokens });
    expect(fedSummary(t3)).toEqual({ visionFrames: [], prefill: t3.promptTokens - t3.cachedTokens!, past: t3.cachedTokens });
    expect(fedSummary(fresh)).toEqual({ visionFrames: [8], prefill: fresh.promptTokens, past: 0 });
    for (const r of [t1, t2, t3, fresh]) {
      // One decoder call per generated token after the prefill, each feeding one token on a growing past.
      expect(r.fed!.decoderInputTokens.slice(1)).toEqual(r.tokens.slice(1).map(() => 1));
      expect(r.fed!.decoderPastTokens.slice(1)).toEqual(r.tokens.slice(1).map((_, i) => r.promptTokens + i));
    }
  });

  it('gives exactly the tokens of a full recompute when it reuses the KV cache (fp32 decoder)', async () => {
    const fp32 = hostFor(model, { config: { model, device: 'cpu', dtype: 'fp32' } });
    try {
      await fp32.load();
      expect(fp32.status().dtype).toMatchObject({ decoder_model_merged: 'fp32' });
      const turns: EngineChatTurn[] = [{ role: 'user', text: 'Look at this.', images: [photos.wide] }];
      const t1 = await fp32.chat({ messages: turns, maxNewTokens: 6, sessionKey: 'conv' });
      turns.push({ role: 'assistant', text: t1.text, images: [] }, { role: 'user', text: 'And this one?', images: [photos.tall] });
      const t2 = await fp32.chat({ messages: turns, maxNewTokens: 6, sessionKey: 'conv' });
      expect(t2.cachedTokens).toBeGreaterThan(t1.promptTokens - 3);
      const fresh = await fp32.chat({ messages: turns, maxNewTokens: 6 });
      expect(fresh.cachedTokens).toBe(0);
      expect(fresh.tokens).toEqual(t2.tokens);
      // …and the reuse really skipped work: wide was not encoded again, its prefix not recomputed.
      expect(fedSummary(t2)).toEqual({ visionFrames: [3], prefill: t2.promptTokens - t2.cachedTokens!, past: t2.cachedTokens });
      expect(fedSummary(fresh)).toEqual({ visionFrames: [8], prefill: fresh.promptTokens, past: 0 });
    } finally {
      await fp32.close();
    }
  });

  it('cancels a generation within a token or so and keeps the partial text', async () => {
    const abort = new AbortController();
    let seen = 0;
    const deltas: string[] = [];
    const r = await host.ask({
      path: photos.square, question: 'Tell me everything.', maxNewTokens: 4000, minNewTokens: 4000, signal: abort.signal,
      onToken: (t) => { deltas.push(t); seen++; if (seen === 3) abort.abort(); },
    });
    expect(r.stopped).toBe(true);
    expect(r.tokens.length).toBeLessThan(40);
    expect(r.text.length).toBeGreaterThan(0);
    expect(deltas.join('')).toBe(r.text);
    // The engine is free again.
    const next = await host.ask({ path: photos.square, question: 'Again?', maxNewTokens: 3 });
    expect(next.stopped).toBe(false);
  });

  it('rejects unreadable and missing images clearly and keeps working', async () => {
    await expect(host.caption({ path: photos.corrupt, style: 'short' })).rejects.toThrow(/Cannot decode image .*corrupt\.jpg/);
    await expect(host.ask({ path: `${photos.dir}/nope.jpg`, question: 'x' })).rejects.toThrow(/Image not found: .*nope\.jpg/);
    const ok = await host.caption({ path: photos.square, style: 'short' });
    expect(ok.caption.length).toBeGreaterThan(0);
  });

  it('survives the inference process being killed mid-request', async () => {
    const before = await host.ask({ path: photos.wide, question: 'What is this?', maxNewTokens: 8 });
    const restarts = host.status().restarts;
    const states: string[] = [];
    const off = host.onStatus((st) => states.push(st.state));
    const pid = host.pid!;
    let killed = false;
    const doomed = host.ask({
      path: photos.wide, question: 'Talk for a long time.', maxNewTokens: 4000, minNewTokens: 4000,
      onToken: () => { if (!killed) { killed = true; process.kill(pid, 'SIGKILL'); } },
    });
    await expect(doomed).rejects.toThrow(/inference process crashed \(killed by SIGKILL\) while writing an answer/);
    expect(host.status().restarts).toBe(restarts + 1);
    const after = await host.ask({ path: photos.wide, question: 'What is this?', maxNewTokens: 8 });
    expect(after.tokens).toEqual(before.tokens);
    expect(host.pid).not.toBe(pid);
    expect(host.status().state).toBe('ready');
    off();
    // Reported as it happened: crashed, then a fresh process loading and ready again.
    expect(states.slice(states.indexOf('crashed'))).toEqual(expect.arrayContaining(['crashed', 'starting', 'loading', 'ready']));
    expect(states.lastIndexOf('ready')).toBeGreaterThan(states.indexOf('crashed'));
  });
});

describe('engine limits', () => {
  it('times out a request that runs too long, then serves the next one', async () => {
    const slow = hostFor(await tinyModelDir(), { requestTimeoutMs: 1500 });
    try {
      await slow.load();
      const t0 = Date.now();
      await expect(slow.ask({ path: photos.wide, question: 'Go on.', maxNewTokens: 8000, minNewTokens: 8000 })).rejects.toThrow(/did not finish writing an answer within 2 s/);
      expect(Date.now() - t0).toBeLessThan(8000);
      const r = await slow.ask({ path: photos.wide, question: 'Short.', maxNewTokens: 3 });
      expect(r.tokens.length).toBe(3);
    } finally {
      await slow.close();
    }
  });
});
