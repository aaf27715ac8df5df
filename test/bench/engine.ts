// `npm run bench -- engine [--json]`: SmolVLM caption cost on the forged smolvlm-256m (real 256M
// dimensions and op structure, random weights). For 5 photos, one 512 tile, 32 greedy tokens:
//  (a) bare onnxruntime-node over the same three graphs (engine-bare.ts), and
//  (b) the engine end to end — file on disk → caption string — through the inference process.
// Prints per-photo seconds, the ratio b/a (target ≤ 1.10), FLOPs per photo, achieved GFLOP/s and the
// inference process's peak RSS (target ≤ 1.6 GB with fp32). BENCH_ENGINE_DTYPES=auto,fp32 picks passes.
import { mkdirSync, readFileSync, existsSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { build } from 'esbuild';
import { AutoTokenizer } from '@huggingface/transformers';
import { forgedModelDir, REPO_ROOT } from '../support/models';
import { EngineHost } from '../../main/engine/host';
import { createNodePort } from '../../main/engine/node-port';
import { chooseDtypes } from '../../main/engine/loader';
import { captionPrompt } from '../../main/engine/captions';
import { expandImages } from '../../main/engine/prompt';
import type { SessionDtypes } from '../../main/models/dtypes';
import type { Dtype } from '../../shared/contract/models';
import { BareSmolVlm, type BareConfig } from './engine-bare';

const PHOTOS = 5;
const NEW_TOKENS = 32;
const BENCH_DIR = path.join(REPO_ROOT, '.cache', 'bench', 'engine');

interface Config {
  image_token_id: number;
  scale_factor?: number;
  vision_config: { hidden_size: number; intermediate_size: number; num_hidden_layers: number; patch_size: number; max_image_size: { longest_edge: number } };
  text_config: { hidden_size: number; intermediate_size: number; num_hidden_layers: number; num_attention_heads: number; num_key_value_heads: number; head_dim: number; vocab_size: number };
}

/** Multiply-adds ×2 of one caption: vision encoder + connector, prefill of the prompt (logits for every prompt position, as the exported decoder computes them), and each decode step. */
export function captionFlops(c: Config, promptTokens: number, newTokens: number): { vision: number; prefill: number; decode: number; total: number } {
  const v = c.vision_config;
  const t = c.text_config;
  const patches = (v.max_image_size.longest_edge / v.patch_size) ** 2;
  const d = v.hidden_size;
  const s = c.scale_factor ?? 4;
  const vision = 2 * patches * 3 * v.patch_size ** 2 * d
    + v.num_hidden_layers * (2 * patches * (4 * d * d + 2 * d * v.intermediate_size) + 4 * patches * patches * d)
    + 2 * (patches / (s * s)) * (d * s * s) * t.hidden_size;
  const h = t.hidden_size;
  const q = t.num_attention_heads * t.head_dim;
  const kv = t.num_key_value_heads * t.head_dim;
  const perTokenLinear = t.num_hidden_layers * 2 * (h * q + 2 * h * kv + q * h + 3 * h * t.intermediate_size);
  const attention = (ctx: number) => t.num_hidden_layers * 4 * ctx * q;
  const lmHead = 2 * h * t.vocab_size;
  let prefill = promptTokens * (perTokenLinear + lmHead);
  for (let i = 1; i <= promptTokens; i++) prefill += attention(i);
  let decode = 0;
  for (let k = 1; k < newTokens; k++) decode += perTokenLinear + lmHead + attention(promptTokens + k);
  return { vision, prefill, decode, total: vision + prefill + decode };
}

/** Five photo-like JPEGs (1600×1200: gradients, shapes, noise), made once. */
async function benchPhotos(): Promise<string[]> {
  mkdirSync(BENCH_DIR, { recursive: true });
  const files: string[] = [];
  for (let i = 0; i < PHOTOS; i++) {
    const file = path.join(BENCH_DIR, `photo-${i + 1}.jpg`);
    files.push(file);
    if (existsSync(file)) continue;
    const w = 1600;
    const h = 1200;
    const hue = (i * 67) % 360;
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}">
      <defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="hsl(${hue},70%,75%)"/><stop offset="1" stop-color="hsl(${(hue + 40) % 360},60%,35%)"/></linearGradient></defs>
      <rect width="100%" height="100%" fill="url(#sky)"/>
      <circle cx="${300 + i * 200}" cy="${300 + i * 50}" r="${120 + i * 20}" fill="hsl(${(hue + 180) % 360},80%,60%)"/>
      <rect x="${200 + i * 90}" y="700" width="700" height="380" fill="hsl(${(hue + 90) % 360},50%,40%)"/></svg>`;
    const noise = await sharp({ create: { width: w, height: h, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 30 } } }).raw().toBuffer();
    await sharp(Buffer.from(svg))
      .composite([{ input: noise, raw: { width: w, height: h, channels: 3 }, blend: 'overlay' }])
      .jpeg({ quality: 88 })
      .toFile(file);
  }
  return files;
}

function peakRssBytes(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** The inference process as the app ships it: main/engine/entry.ts bundled (no tsx in the measured process). */
async function bundledEntry(): Promise<{ file: string; execArgv: string[] }> {
  const file = path.join(BENCH_DIR, 'entry.mjs');
  await build({
    entryPoints: [path.join(REPO_ROOT, 'main', 'engine', 'entry.ts')], outfile: file,
    bundle: true, platform: 'node', target: 'node20', format: 'esm', packages: 'external', logLevel: 'warning',
  });
  return { file, execArgv: [] };
}

/** CPU seconds (user + system) a process has used so far; null where /proc is not available. */
function processCpuS(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // clock ticks (USER_HZ = 100)
  } catch {
    return null;
  }
}

const ownCpuS = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

interface PassResult {
  dtype: string;
  dtypes: SessionDtypes;
  bareS: number[];
  engineS: number[];
  ratio: number;
  medianRatio: number;
  /** CPU seconds per photo — robust where other processes share the cores (wall time is not). */
  bareCpuS: number[];
  engineCpuS: number[];
  cpuRatio: number;
  flopsPerPhoto: number;
  bareGflops: number;
  engineGflops: number;
  peakRssBytes: number | null;
  sameTokens: boolean;
  bareBreakdown: { preprocessS: number; visionS: number; prefillS: number; decodeS: number };
}

async function pass(dir: string, config: Config, photos: string[], promptIds: number[], dtype: Dtype, entry: { file: string; execArgv: string[] }): Promise<PassResult> {
  const onnx = readdirSync(path.join(dir, 'onnx')).map((f) => `onnx/${f}`);
  const dtypes = chooseDtypes('cpu', dtype, onnx, dir);
  const pre = JSON.parse(readFileSync(path.join(dir, 'preprocessor_config.json'), 'utf8')) as { image_mean: number[]; image_std: number[]; rescale_factor: number };
  const bareCfg: BareConfig = {
    tile: config.vision_config.max_image_size.longest_edge, imageTokenId: config.image_token_id,
    layers: config.text_config.num_hidden_layers, kvHeads: config.text_config.num_key_value_heads, headDim: config.text_config.head_dim,
    mean: pre.image_mean, std: pre.image_std, rescale: pre.rescale_factor,
  };
  const bare = await BareSmolVlm.load(dir, dtypes, bareCfg);
  const host = new EngineHost({
    portFactory: () => createNodePort({ stderr: 'ignore', entry }),
    resolveModel: (ref) => ref,
    cacheDir: path.join(os.tmpdir(), 'smolalbum-bench-cache'),
    config: { model: dir, device: 'cpu', dtype },
  });
  try {
    await host.load();
    // Warm both (first-run allocations), and check they compute the same tokens from the same pixels.
    const warmBare = await bare.caption(photos[0], promptIds, NEW_TOKENS);
    const warmEngine = await host.ask({ path: photos[0], question: captionPrompt('short'), imageSplitting: false, maxNewTokens: NEW_TOKENS, minNewTokens: NEW_TOKENS });
    const sameTokens = JSON.stringify(warmEngine.tokens) === JSON.stringify(warmBare.tokens) && warmEngine.promptTokens === promptIds.length;
    // A ratio between two sides that compute different things measures nothing: stop (non-zero exit).
    if (!sameTokens) {
      throw new Error(`dtype=${dtype}: the engine and bare onnxruntime disagree — prompt ${warmEngine.promptTokens} vs ${promptIds.length} tokens, `
        + `generated [${warmEngine.tokens.join(',')}] vs [${warmBare.tokens.join(',')}]`);
    }

    const bareS: number[] = [];
    const engineS: number[] = [];
    const bareCpuS: number[] = [];
    const engineCpuS: number[] = [];
    const breakdown = { preprocessS: 0, visionS: 0, prefillS: 0, decodeS: 0 };
    // Interleaved, so a busy neighbour slows both sides alike.
    for (const photo of photos) {
      const c0 = ownCpuS();
      const b = await bare.caption(photo, promptIds, NEW_TOKENS);
      bareCpuS.push(ownCpuS() - c0);
      bareS.push(b.totalS);
      for (const k of Object.keys(breakdown) as (keyof typeof breakdown)[]) breakdown[k] += b[k] / photos.length;
      const e0 = processCpuS(host.pid) ?? 0;
      const h0 = ownCpuS();
      const t0 = performance.now();
      const r = await host.caption({ path: photo, style: 'short', maxNewTokens: NEW_TOKENS, minNewTokens: NEW_TOKENS });
      engineS.push((performance.now() - t0) / 1000);
      // Both sides of the process boundary: the inference process and the host's IPC work.
      engineCpuS.push((processCpuS(host.pid) ?? 0) - e0 + ownCpuS() - h0);
      if (typeof r.caption !== 'string') throw new Error('no caption');
    }
    const flops = captionFlops(config, promptIds.length, NEW_TOKENS).total;
    return {
      dtype, dtypes, bareS, engineS, bareCpuS, engineCpuS,
      cpuRatio: mean(engineCpuS) / mean(bareCpuS),
      ratio: mean(engineS) / mean(bareS),
      medianRatio: median(engineS) / median(bareS),
      flopsPerPhoto: flops,
      bareGflops: flops / mean(bareS) / 1e9,
      engineGflops: flops / mean(engineS) / 1e9,
      peakRssBytes: peakRssBytes(host.pid),
      sameTokens,
      bareBreakdown: breakdown,
    };
  } finally {
    await host.close();
    await bare.release();
  }
}

export async function run({ json }: { json: boolean }): Promise<void> {
  const log = (s: string) => { if (!json) process.stdout.write(`${s}\n`); else process.stderr.write(`${s}\n`); };
  log('forging smolvlm-256m (cached after the first run)…');
  const dir = await forgedModelDir('smolvlm-256m', { dtypes: ['fp32', 'q8', 'q4'], onProgress: (m) => log(`  ${m}`) });
  const config = JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8')) as Config;
  const photos = await benchPhotos();

  // The engine's caption prompt, token for token (one unsplit tile).
  const tokenizer = await AutoTokenizer.from_pretrained(dir, { local_files_only: true });
  const seqLen = (JSON.parse(readFileSync(path.join(dir, 'processor_config.json'), 'utf8')) as { image_seq_len: number }).image_seq_len;
  const chat = tokenizer.apply_chat_template([{ role: 'user', content: [{ type: 'image' }, { type: 'text', text: captionPrompt('short') }] }] as never, { add_generation_prompt: true, tokenize: false }) as string;
  const enc = tokenizer(expandImages(chat, [{ rows: 0, cols: 0 }], seqLen));
  const promptIds = Array.from(enc.input_ids.data as BigInt64Array, Number);

  const entry = await bundledEntry();
  const passes = (process.env.BENCH_ENGINE_DTYPES ?? 'auto,fp32').split(',').map((s) => s.trim()) as Dtype[];
  const results: PassResult[] = [];
  for (const dtype of passes) {
    log(`pass dtype=${dtype}…`);
    const r = await pass(dir, config, photos, promptIds, dtype, entry);
    results.push(r);
    const fmt = (xs: number[]) => xs.map((x) => x.toFixed(2)).join(' ');
    log(`  dtypes: ${Object.entries(r.dtypes).map(([k, v]) => `${k}=${v}`).join(', ')}`);
    log(`  (a) bare ORT  s/photo: ${fmt(r.bareS)}  mean ${mean(r.bareS).toFixed(2)}  median ${median(r.bareS).toFixed(2)}`);
    log(`      breakdown: preprocess ${r.bareBreakdown.preprocessS.toFixed(3)} s, vision ${r.bareBreakdown.visionS.toFixed(2)} s, prefill ${r.bareBreakdown.prefillS.toFixed(2)} s, decode ${r.bareBreakdown.decodeS.toFixed(2)} s`);
    log(`  (b) engine    s/photo: ${fmt(r.engineS)}  mean ${mean(r.engineS).toFixed(2)}  median ${median(r.engineS).toFixed(2)}`);
    log(`  ratio b/a: ${r.ratio.toFixed(3)} of means, ${r.medianRatio.toFixed(3)} of medians (target ≤ 1.10)   same tokens: ${r.sameTokens}`);
    log(`  CPU s/photo: bare ${fmt(r.bareCpuS)} | engine ${fmt(r.engineCpuS)}  → CPU ratio ${r.cpuRatio.toFixed(3)}`);
    log(`  FLOPs/photo: ${(r.flopsPerPhoto / 1e9).toFixed(1)} GFLOP   achieved: bare ${r.bareGflops.toFixed(0)} GFLOP/s, engine ${r.engineGflops.toFixed(0)} GFLOP/s`);
    log(`  inference process peak RSS: ${r.peakRssBytes === null ? 'n/a' : `${(r.peakRssBytes / 1e9).toFixed(2)} GB`}${dtype === 'fp32' ? ' (target ≤ 1.6 GB)' : ''}`);
  }
  log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  if (json) {
    process.stdout.write(`${JSON.stringify({
      bench: 'engine', photos: PHOTOS, newTokens: NEW_TOKENS, promptTokens: promptIds.length,
      cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, loadAverage: os.loadavg(),
      passes: results,
    }, null, 2)}\n`);
  }
}
