// Linear layers in three weight formats, matching what the published ONNX variants contain:
//  fp32: MatMul (+Add bias)
//  q8:   onnxruntime quantize_dynamic's pattern — DynamicQuantizeLinear → MatMulInteger → Cast → Mul
//        (onnxruntime fuses it into DynamicQuantizeMatMul on CPU)
//  q4:   com.microsoft MatMulNBits, 4-bit blockwise symmetric (block 32), as in the *_q4 files
import { GraphBuilder } from './graph';

export type WeightFormat = 'fp32' | 'q8' | 'q4';

export interface LinearSpec {
  name: string;
  inDim: number;
  outDim: number;
  weights: () => Float32Array; // [inDim, outDim], row-major (ONNX MatMul layout)
  bias?: () => Float32Array; // [outDim]
}

const Q4_BLOCK = 32;

/** Computes a value once for several initializers that are written one after another. */
function shared<T>(make: () => T): () => T {
  let cached: T | undefined;
  return () => (cached ??= make());
}

export function quantizeInt8(w: Float32Array): { q: Int8Array; scale: number } {
  let maxAbs = 0;
  for (let i = 0; i < w.length; i++) maxAbs = Math.max(maxAbs, Math.abs(w[i]!));
  const scale = maxAbs > 0 ? maxAbs / 127 : 1;
  const q = new Int8Array(w.length);
  const inv = 1 / scale;
  for (let i = 0; i < w.length; i++) q[i] = Math.max(-127, Math.min(127, Math.round(w[i]! * inv)));
  return { q, scale };
}

/** MatMulNBits layout: B [N, K/32, 16] uint8 (low nibble first), scales [N·K/32]; zero point 8. */
function quantizeQ4(w: Float32Array, inDim: number, outDim: number): { packed: Uint8Array; scales: Float32Array } {
  const blocks = inDim / Q4_BLOCK;
  const packed = new Uint8Array(outDim * blocks * (Q4_BLOCK / 2));
  const scales = new Float32Array(outDim * blocks);
  const values = new Float32Array(Q4_BLOCK);
  for (let n = 0; n < outDim; n++) {
    for (let b = 0; b < blocks; b++) {
      let maxAbs = 0;
      for (let j = 0; j < Q4_BLOCK; j++) {
        const v = w[(b * Q4_BLOCK + j) * outDim + n]!;
        values[j] = v;
        maxAbs = Math.max(maxAbs, Math.abs(v));
      }
      const scale = maxAbs > 0 ? maxAbs / 7 : 1;
      scales[n * blocks + b] = scale;
      const base = (n * blocks + b) * (Q4_BLOCK / 2);
      for (let j = 0; j < Q4_BLOCK; j += 2) {
        const lo = Math.max(0, Math.min(15, Math.round(values[j]! / scale) + 8));
        const hi = Math.max(0, Math.min(15, Math.round(values[j + 1]! / scale) + 8));
        packed[base + j / 2] = lo | (hi << 4);
      }
    }
  }
  return { packed, scales };
}

export function linear(g: GraphBuilder, format: WeightFormat, x: string, spec: LinearSpec): string {
  const { name, inDim, outDim } = spec;
  let y: string;
  if (format === 'q4' && inDim % Q4_BLOCK === 0) {
    const quantized = shared(() => quantizeQ4(spec.weights(), inDim, outDim));
    const blocks = inDim / Q4_BLOCK;
    const packed = g.uint8s(`${name}.weight_Q4`, [outDim, blocks, Q4_BLOCK / 2], () => quantized().packed);
    const scales = g.floats(`${name}.weight_scales`, [outDim * blocks], () => quantized().scales);
    y = g.op('MatMulNBits', [x, packed, scales], { K: inDim, N: outDim, bits: 4, block_size: Q4_BLOCK }, { domain: 'com.microsoft' });
  } else if (format === 'q8' || format === 'q4') {
    const quantized = shared(() => quantizeInt8(spec.weights()));
    const weight = g.int8s(`${name}.weight_quantized`, [inDim, outDim], () => quantized().q);
    const weightScale = g.floats(`${name}.weight_scale`, [], () => Float32Array.of(quantized().scale));
    const weightZero = g.int8s(`${name}.weight_zero_point`, [], () => Int8Array.of(0));
    const [xq, xScale, xZero] = g.ops('DynamicQuantizeLinear', [x], {}, { outputs: 3 }) as [string, string, string];
    const product = g.op('MatMulInteger', [xq, weight, xZero, weightZero]);
    const asFloat = g.op('Cast', [product], { to: 1 });
    const scale = g.op('Mul', [xScale, weightScale]);
    y = g.op('Mul', [asFloat, scale]);
  } else {
    const weight = g.floats(`${name}.weight`, [inDim, outDim], spec.weights);
    y = g.op('MatMul', [x, weight]);
  }
  if (spec.bias) y = g.op('Add', [y, g.floats(`${name}.bias`, [outDim], spec.bias)]);
  return y;
}
