// embed_tokens.onnx and decoder_model_merged.onnx: a Llama decoder (RMSNorm, RoPE, grouped-query
// attention with a KV cache, SwiGLU) with the real export's I/O names, dtypes and symbolic dims.
import { GraphBuilder } from './graph';
import { linear, quantizeInt8, type WeightFormat } from './linear';
import type { Weights } from './weights';

/** In: input_ids int64 [batch_size, sequence_length]. Out: inputs_embeds f32 [batch_size, sequence_length, hidden]. */
export function buildEmbedTokens(w: Weights, format: WeightFormat): GraphBuilder {
  const { hidden } = w.preset.text;
  const vocab = w.tokenizer.vocabSize;
  const g = new GraphBuilder('embed_tokens');
  const ids = g.input('input_ids', 'int64', ['batch_size', 'sequence_length']);
  let embeds: string;
  if (format === 'q8') {
    // Gather int8 rows first, then dequantize only those (the table itself stays 1 byte per value).
    let quantized: { q: Int8Array; scale: number } | undefined;
    const quantize = (): { q: Int8Array; scale: number } => (quantized ??= quantizeInt8(w.embedTable()()));
    const table = g.int8s('embed_tokens.weight_quantized', [vocab, hidden], () => quantize().q);
    const scale = g.floats('embed_tokens.weight_scale', [], () => Float32Array.of(quantize().scale));
    const zero = g.int8s('embed_tokens.weight_zero_point', [], () => Int8Array.of(0));
    embeds = g.op('DequantizeLinear', [g.op('Gather', [table, ids], { axis: 0 }), scale, zero]);
  } else {
    // q4 keeps the table in fp32, as the published embed_tokens_q4.onnx does.
    const table = g.floats('embed_tokens.weight', [vocab, hidden], w.embedTable());
    embeds = g.op('Gather', [table, ids], { axis: 0 });
  }
  g.output('inputs_embeds', embeds, 'float', ['batch_size', 'sequence_length', hidden]);
  return g;
}

function rmsNorm(g: GraphBuilder, w: Weights, x: string, name: string): string {
  const { hidden, rmsNormEps } = w.preset.text;
  const meanSquare = g.op('ReduceMean', [g.op('Pow', [x, g.scalar(2)])], { axes: [-1], keepdims: 1 });
  const normed = g.op('Div', [x, g.op('Sqrt', [g.op('Add', [meanSquare, g.scalar(rmsNormEps)])])]);
  return g.op('Mul', [normed, g.floats(`${name}.weight`, [hidden], w.constant(hidden, 1))]);
}

function rotateHalf(g: GraphBuilder, x: string, headDim: number): string {
  const [x1, x2] = g.ops('Split', [x, g.int64([headDim / 2, headDim / 2])], { axis: -1 }, { outputs: 2 }) as [string, string];
  return g.op('Concat', [g.op('Neg', [x2]), x1], { axis: -1 });
}

function applyRope(g: GraphBuilder, x: string, cos: string, sin: string, headDim: number): string {
  return g.op('Add', [g.op('Mul', [x, cos]), g.op('Mul', [rotateHalf(g, x, headDim), sin])]);
}

export interface DecoderOptions {
  /** Layers actually built (defaults to the preset); config.json may claim otherwise for error tests. */
  layers?: number;
}

/**
 * In: inputs_embeds f32 [batch_size, sequence_length, hidden], attention_mask int64 [batch_size, total_sequence_length],
 * position_ids int64 [batch_size, sequence_length], past_key_values.{i}.key|value f32 [batch_size, kv_heads, past_sequence_length, head_dim].
 * Out: logits f32 [batch_size, sequence_length, vocab], present.{i}.key|value f32 [batch_size, kv_heads, total_sequence_length, head_dim].
 */
export function buildDecoder(w: Weights, format: WeightFormat, options: DecoderOptions = {}): GraphBuilder {
  const t = w.preset.text;
  const layers = options.layers ?? t.layers;
  const vocab = w.tokenizer.vocabSize;
  const groups = t.heads / t.kvHeads;
  const g = new GraphBuilder('decoder_model_merged');

  const embeds = g.input('inputs_embeds', 'float', ['batch_size', 'sequence_length', t.hidden]);
  const mask = g.input('attention_mask', 'int64', ['batch_size', 'total_sequence_length']);
  const positionIds = g.input('position_ids', 'int64', ['batch_size', 'sequence_length']);
  const pastDims = ['batch_size', t.kvHeads, 'past_sequence_length', t.headDim];
  const past = Array.from({ length: layers }, (_, i) => ({
    key: g.input(`past_key_values.${i}.key`, 'float', pastDims),
    value: g.input(`past_key_values.${i}.value`, 'float', pastDims),
  }));

  // Additive attention bias [batch, 1, 1, seq, total]: causal (query i sits at past+i) and padding.
  const scalarDim = (shape: string, index: number): string =>
    g.op('Squeeze', [g.op('Slice', [shape, g.int64([index]), g.int64([index + 1])]), g.int64([0])]);
  const seqLen = scalarDim(g.op('Shape', [embeds]), 1);
  const totalLen = scalarDim(g.op('Shape', [mask]), 1);
  const pastLen = g.op('Sub', [totalLen, seqLen]);
  const one = g.int64([1], []);
  const keyIndex = g.op('Range', [g.int64([0], []), totalLen, one]);
  const queryIndex = g.op('Unsqueeze', [g.op('Range', [pastLen, totalLen, one]), g.int64([1])]);
  const causal = g.op('LessOrEqual', [keyIndex, queryIndex]);
  const notPadding = g.op('Unsqueeze', [g.op('Cast', [mask], { to: 9 }), g.int64([1, 2, 3])]);
  const allowed = g.op('And', [causal, notPadding]);
  const bias = g.op('Where', [allowed, g.scalar(0), g.scalar(-1e9)]);

  // Rotary embedding tables from position_ids (left padding makes positions differ from indices).
  const invFreq = new Float32Array(t.headDim / 2).map((_, i) => 1 / Math.pow(t.ropeTheta, (2 * i) / t.headDim));
  const freqs = g.op('Mul', [
    g.op('Unsqueeze', [g.op('Cast', [positionIds], { to: 1 }), g.int64([2])]),
    g.floats('rotary_emb.inv_freq', [t.headDim / 2], () => invFreq),
  ]);
  const angles = g.op('Concat', [freqs, freqs], { axis: -1 });
  const cos = g.op('Cos', [angles]);
  const sin = g.op('Sin', [angles]);
  const cosK = g.op('Unsqueeze', [cos, g.int64([1])]); // [b, 1, s, d]
  const sinK = g.op('Unsqueeze', [sin, g.int64([1])]);
  const cosQ = g.op('Unsqueeze', [cos, g.int64([1, 2])]); // [b, 1, 1, s, d]
  const sinQ = g.op('Unsqueeze', [sin, g.int64([1, 2])]);

  const lin = (x: string, name: string, inDim: number, outDim: number): string =>
    linear(g, format, x, { name, inDim, outDim, weights: w.uniform(`${name}.weight`, inDim * outDim, w.preset.std.linear) });

  let h = embeds;
  const presents: { key: string; value: string }[] = [];
  for (let l = 0; l < layers; l++) {
    const prefix = `model.layers.${l}`;
    const a = rmsNorm(g, w, h, `${prefix}.input_layernorm`);
    // Queries as [b, kv_heads, groups, s, d] so each KV head serves its group by broadcasting.
    const q = g.op('Transpose', [g.op('Reshape', [lin(a, `${prefix}.self_attn.q_proj`, t.hidden, t.heads * t.headDim), g.int64([0, 0, t.kvHeads, groups, t.headDim])])], {
      perm: [0, 2, 3, 1, 4],
    });
    const kvHeads = (x: string): string =>
      g.op('Transpose', [g.op('Reshape', [x, g.int64([0, 0, t.kvHeads, t.headDim])])], { perm: [0, 2, 1, 3] });
    const k = kvHeads(lin(a, `${prefix}.self_attn.k_proj`, t.hidden, t.kvHeads * t.headDim));
    const v = kvHeads(lin(a, `${prefix}.self_attn.v_proj`, t.hidden, t.kvHeads * t.headDim));
    const presentKey = g.op('Concat', [past[l]!.key, applyRope(g, k, cosK, sinK, t.headDim)], { axis: 2 });
    const presentValue = g.op('Concat', [past[l]!.value, v], { axis: 2 });
    presents.push({ key: presentKey, value: presentValue });

    const keysT = g.op('Unsqueeze', [g.op('Transpose', [presentKey], { perm: [0, 1, 3, 2] }), g.int64([2])]);
    const scores = g.op('Add', [
      g.op('Mul', [g.op('MatMul', [applyRope(g, q, cosQ, sinQ, t.headDim), keysT]), g.scalar(1 / Math.sqrt(t.headDim))]),
      bias,
    ]);
    const probs = g.op('Softmax', [scores], { axis: -1 });
    const context = g.op('MatMul', [probs, g.op('Unsqueeze', [presentValue, g.int64([2])])]);
    const merged = g.op('Reshape', [g.op('Transpose', [context], { perm: [0, 3, 1, 2, 4] }), g.int64([0, 0, t.heads * t.headDim])]);
    h = g.op('Add', [h, lin(merged, `${prefix}.self_attn.o_proj`, t.heads * t.headDim, t.hidden)]);

    const m = rmsNorm(g, w, h, `${prefix}.post_attention_layernorm`);
    const gate = lin(m, `${prefix}.mlp.gate_proj`, t.hidden, t.intermediate);
    const up = lin(m, `${prefix}.mlp.up_proj`, t.hidden, t.intermediate);
    const act = g.op('Mul', [g.op('Mul', [gate, g.op('Sigmoid', [gate])]), up]);
    h = g.op('Add', [h, lin(act, `${prefix}.mlp.down_proj`, t.intermediate, t.hidden)]);
  }
  const final = rmsNorm(g, w, h, 'model.norm');
  const logits = linear(g, format, final, { name: 'lm_head', inDim: t.hidden, outDim: vocab, weights: w.lmHead() });
  // Outputs in the real export's order: logits first, then present.*.
  g.output('logits', logits, 'float', ['batch_size', 'sequence_length', vocab]);
  const presentDims = ['batch_size', t.kvHeads, 'total_sequence_length', t.headDim];
  presents.forEach((p, i) => {
    g.output(`present.${i}.key`, p.key, 'float', presentDims);
    g.output(`present.${i}.value`, p.value, 'float', presentDims);
  });
  return g;
}
