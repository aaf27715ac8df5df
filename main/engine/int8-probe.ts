// Measures, once per machine and onnxruntime version, whether this CPU's int8 kernels are right and
// how fast each decoder weight format runs. onnxruntime's u8·s8 MatMulInteger on AVX2 without VNNI
// multiplies with vpmaddubsw, which saturates pairs of products at 32,767: with worst-case values
// (K = 64, activations 200, weights 127) it returns 1,048,544 instead of 1,625,600, and a q8 decoder
// computes visibly wrong logits. ./dtype-choice.ts turns these measurements into the dtypes to load.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { writeFileAtomic } from '../export/atomic-write';
import { encodeModel, ONNX_TYPE, type OnnxGraph, type OnnxTensor, type OnnxValue } from './onnx-encode';
import { WORST_CASE, type Int8Measurement, type KernelKind } from './dtype-choice';

/** Bump when the probe changes what it measures, so old cached answers are not reused. */
const PROBE_VERSION = 1;
const CACHE_FILE = 'int8-probe.json';

const M = 4;
const N = 8;

function matMulInteger(weightType: 'int8' | 'uint8', k: number, a: number, b: number): { model: Uint8Array; feed: Record<string, ort.Tensor> } {
  const weights = weightType === 'int8' ? new Uint8Array(new Int8Array(k * N).fill(b).buffer) : new Uint8Array(k * N).fill(b);
  const graph: OnnxGraph = {
    nodes: [{ op: 'MatMulInteger', inputs: ['a', 'b'], outputs: ['y'] }],
    inputs: [{ name: 'a', type: ONNX_TYPE.uint8, dims: [M, k] }],
    outputs: [{ name: 'y', type: ONNX_TYPE.int32, dims: [M, N] }],
    initializers: [{ name: 'b', type: weightType === 'int8' ? ONNX_TYPE.int8 : ONNX_TYPE.uint8, dims: [k, N], data: weights }],
    opsets: [{ domain: '', version: 17 }],
  };
  return { model: encodeModel(graph), feed: { a: new ort.Tensor('uint8', new Uint8Array(M * k).fill(a), [M, k]) } };
}

/** What the kernel returned for the worst case (the smallest of M×N identical outputs). */
async function worstCase(kind: 'u8s8' | 'u8u8'): Promise<number> {
  const { k, a, b } = WORST_CASE[kind];
  const { model, feed } = matMulInteger(kind === 'u8s8' ? 'int8' : 'uint8', k, a, b);
  const session = await ort.InferenceSession.create(model);
  try {
    const out = await session.run(feed);
    const values = Array.from(out.y.data as Int32Array);
    return Math.min(...values);
  } finally {
    await session.release();
  }
}

// A decoder-sized linear layer (SmolVLM-256M's MLP is 576 × 1536, 500M's 960 × 2560).
const SPEED_K = 1024;
const SPEED_N = 2048;
const Q4_BLOCK = 32;

function floats(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    out[i] = x / 2147483648 - 0.5;
  }
  return out;
}

const bytesOf = (a: Float32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
const scalar = (name: string, type: OnnxTensor['type'], data: Uint8Array): OnnxTensor => ({ name, type, dims: [], data });

function speedGraph(kind: KernelKind): OnnxGraph {
  const input: OnnxValue = { name: 'x', type: ONNX_TYPE.float, dims: [1, SPEED_K] };
  const output: OnnxValue = { name: 'y', type: ONNX_TYPE.float, dims: [1, SPEED_N] };
  const opsets = [{ domain: '', version: 17 }, { domain: 'com.microsoft', version: 1 }];
  if (kind === 'fp32') {
    return {
      nodes: [{ op: 'MatMul', inputs: ['x', 'w'], outputs: ['y'] }], inputs: [input], outputs: [output], opsets,
      initializers: [{ name: 'w', type: ONNX_TYPE.float, dims: [SPEED_K, SPEED_N], data: bytesOf(floats(SPEED_K * SPEED_N, 1)) }],
    };
  }
  if (kind === 'q4') {
    const blocks = SPEED_K / Q4_BLOCK;
    const packed = new Uint8Array(SPEED_N * blocks * (Q4_BLOCK / 2));
    for (let i = 0; i < packed.length; i++) packed[i] = (i * 37) & 0xff;
    return {
      nodes: [{ op: 'MatMulNBits', domain: 'com.microsoft', inputs: ['x', 'w', 's'], outputs: ['y'], ints: { K: SPEED_K, N: SPEED_N, bits: 4, block_size: Q4_BLOCK } }],
      inputs: [input], outputs: [output], opsets,
      initializers: [
        { name: 'w', type: ONNX_TYPE.uint8, dims: [SPEED_N, blocks, Q4_BLOCK / 2], data: packed },
        { name: 's', type: ONNX_TYPE.float, dims: [SPEED_N * blocks], data: bytesOf(new Float32Array(SPEED_N * blocks).fill(0.01)) },
      ],
    };
  }
  // q8 as onnxruntime's quantize_dynamic writes it (fused into DynamicQuantizeMatMul on the CPU).
  const signed = kind === 'q8s8';
  const w = new Uint8Array(SPEED_K * SPEED_N);
  for (let i = 0; i < w.length; i++) w[i] = (i * 37) & 0xff;
  return {
    nodes: [
      { op: 'DynamicQuantizeLinear', inputs: ['x'], outputs: ['xq', 'xs', 'xz'] },
      { op: 'MatMulInteger', inputs: ['xq', 'w', 'xz', 'wz'], outputs: ['yi'] },
      { op: 'Cast', inputs: ['yi'], outputs: ['yf'], ints: { to: ONNX_TYPE.float } },
      { op: 'Mul', inputs: ['xs', 'ws'], outputs: ['scale'] },
      { op: 'Mul', inputs: ['yf', 'scale'], outputs: ['y'] },
    ],
    inputs: [input], outputs: [output], opsets,
    initializers: [
      { name: 'w', type: signed ? ONNX_TYPE.int8 : ONNX_TYPE.uint8, dims: [SPEED_K, SPEED_N], data: w },
      scalar('wz', signed ? ONNX_TYPE.int8 : ONNX_TYPE.uint8, Uint8Array.of(signed ? 0 : 128)),
      scalar('ws', ONNX_TYPE.float, bytesOf(Float32Array.of(0.01))),
    ],
  };
}

/**
 * Milliseconds of one decode-shaped (one token) run of a linear layer in each format. The formats
 * take turns, round after round, and each keeps its fastest run: on a busy machine the minimum is
 * the estimate least disturbed by other work, and turns spread any slow spell over all formats.
 */
async function speeds(rounds = 12): Promise<Record<KernelKind, number>> {
  const kinds: KernelKind[] = ['fp32', 'q4', 'q8s8', 'q8u8'];
  const sessions = await Promise.all(kinds.map((k) => ort.InferenceSession.create(encodeModel(speedGraph(k)))));
  try {
    const feed = { x: new ort.Tensor('float32', floats(SPEED_K, 7), [1, SPEED_K]) };
    const best = kinds.map(() => Infinity);
    for (let round = 0; round < rounds + 2; round++) {
      for (const [i, session] of sessions.entries()) {
        const t0 = performance.now();
        await session.run(feed);
        if (round >= 2) best[i] = Math.min(best[i], performance.now() - t0); // the first two warm up
      }
    }
    return Object.fromEntries(kinds.map((k, i) => [k, Math.round(best[i] * 1000) / 1000])) as Record<KernelKind, number>;
  } finally {
    await Promise.all(sessions.map((s) => s.release()));
  }
}

/** Runs every check and timing here and now (a fraction of a second on an idle machine). */
export async function measureInt8(): Promise<Int8Measurement> {
  const u8s8 = await worstCase('u8s8');
  const u8u8 = await worstCase('u8u8');
  return { u8s8, u8u8, ms: await speeds() };
}

/** What makes a cached answer valid: the CPU, its features and onnxruntime's version. */
export function machineKey(): string {
  let flags = '';
  try {
    flags = /^flags\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? '';
  } catch {
    // not Linux: the CPU model name stands for its features
  }
  const parts = [PROBE_VERSION, os.hostname(), process.platform, process.arch, os.cpus()[0]?.model ?? '?', flags, ort.env.versions.node ?? ort.env.versions.common];
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 16);
}

export interface ProbeResult {
  measured: Int8Measurement;
  /** True when this answer came from the cache file rather than being measured now. */
  cached: boolean;
  onnxruntime: string;
}

/** The cached measurement for this machine (in `cacheDir`), measuring and caching it first if needed. */
export async function probeInt8(cacheDir: string): Promise<ProbeResult> {
  const key = machineKey();
  const version = ort.env.versions.node ?? ort.env.versions.common ?? '?';
  const file = path.join(cacheDir, CACHE_FILE);
  try {
    const cached = JSON.parse(readFileSync(file, 'utf8')) as { key?: string; measured?: Int8Measurement };
    if (cached.key === key && cached.measured && typeof cached.measured.u8s8 === 'number') {
      return { measured: cached.measured, cached: true, onnxruntime: version };
    }
  } catch {
    // absent or unreadable: measure
  }
  const measured = await measureInt8();
  try {
    await writeFileAtomic(file, JSON.stringify({ key, onnxruntime: version, at: new Date().toISOString(), measured }, null, 2), { mkdirs: true });
  } catch {
    // a read-only cache folder only costs a re-measure next start
  }
  return { measured, cached: false, onnxruntime: version };
}
