// vision_encoder.onnx: SigLIP-style encoder (patch conv, learned positions, pre-LN blocks, post-LN),
// Idefics3 pixel shuffle, and the connector projecting to the text hidden size.
// In: pixel_values f32 [batch_size, num_images, 3, H, W], pixel_attention_mask bool [batch_size, num_images, H, W]
// Out: image_features f32 [num_real_frames, image_seq_len, text_hidden]
import { GraphBuilder } from './graph';
import { linear, type WeightFormat } from './linear';
import { imageSeqLen } from './presets';
import type { Weights } from './weights';

function layerNorm(g: GraphBuilder, w: Weights, x: string, name: string, dim: number, eps: number): string {
  const scale = g.floats(`${name}.weight`, [dim], w.constant(dim, 1));
  const bias = g.floats(`${name}.bias`, [dim], w.constant(dim, 0));
  return g.op('LayerNormalization', [x, scale, bias], { axis: -1, epsilon: { f: eps } });
}

/** GELU, tanh approximation, in the op pattern PyTorch exports (onnxruntime fuses it). */
function geluTanh(g: GraphBuilder, x: string): string {
  const cube = g.op('Pow', [x, g.scalar(3)]);
  const inner = g.op('Add', [x, g.op('Mul', [cube, g.scalar(0.044715)])]);
  const t = g.op('Tanh', [g.op('Mul', [inner, g.scalar(Math.sqrt(2 / Math.PI))])]);
  return g.op('Mul', [g.op('Mul', [x, g.scalar(0.5)]), g.op('Add', [t, g.scalar(1)])]);
}

export function buildVisionEncoder(w: Weights, format: WeightFormat): GraphBuilder {
  const p = w.preset;
  const v = p.vision;
  const textHidden = p.text.hidden;
  const grid = v.tile / v.patch;
  const patches = grid * grid;
  const headDim = v.hidden / v.heads;
  const g = new GraphBuilder('vision_encoder');

  const pixels = g.input('pixel_values', 'float', ['batch_size', 'num_images', 3, 'height', 'width']);
  g.input('pixel_attention_mask', 'bool', ['batch_size', 'num_images', 'height', 'width']);

  // Like Idefics3, drop all-zero frames: the padding a batch of prompts with unequal frame counts gets.
  const allFrames = g.op('Reshape', [pixels, g.int64([-1, 3, v.tile, v.tile])]);
  const zeros = g.op('ReduceSum', [g.op('Cast', [g.op('Equal', [allFrames, g.scalar(0)])], { to: 1 }), g.int64([1, 2, 3])], { keepdims: 0 });
  const isReal = g.op('Not', [g.op('Equal', [zeros, g.scalar(3 * v.tile * v.tile)])]);
  const frames = g.op('Compress', [allFrames, isReal], { axis: 0 });
  const patchStd = 1 / Math.sqrt(3 * v.patch * v.patch);
  const conv = g.op(
    'Conv',
    [
      frames,
      g.floats('embeddings.patch_embedding.weight', [v.hidden, 3, v.patch, v.patch], w.uniform('embeddings.patch_embedding.weight', v.hidden * 3 * v.patch * v.patch, patchStd)),
      g.floats('embeddings.patch_embedding.bias', [v.hidden], w.constant(v.hidden, 0)),
    ],
    { kernel_shape: [v.patch, v.patch], strides: [v.patch, v.patch] },
  );
  const tokens = g.op('Transpose', [g.op('Reshape', [conv, g.int64([0, v.hidden, patches])])], { perm: [0, 2, 1] });
  const positions = g.floats('embeddings.position_embedding.weight', [patches, v.hidden], w.uniform('embeddings.position_embedding.weight', patches * v.hidden, 0.02));
  let h = g.op('Add', [tokens, positions]);

  const lin = (x: string, name: string, inDim: number, outDim: number): string =>
    linear(g, format, x, {
      name,
      inDim,
      outDim,
      weights: w.uniform(`${name}.weight`, inDim * outDim, p.std.vision),
      bias: w.constant(outDim, 0),
    });

  for (let l = 0; l < v.layers; l++) {
    const prefix = `encoder.layers.${l}`;
    const a = layerNorm(g, w, h, `${prefix}.layer_norm1`, v.hidden, v.layerNormEps);
    const heads = (x: string, perm: number[]): string =>
      g.op('Transpose', [g.op('Reshape', [x, g.int64([0, 0, v.heads, headDim])])], { perm });
    const q = heads(lin(a, `${prefix}.self_attn.q_proj`, v.hidden, v.hidden), [0, 2, 1, 3]);
    const kT = heads(lin(a, `${prefix}.self_attn.k_proj`, v.hidden, v.hidden), [0, 2, 3, 1]);
    const val = heads(lin(a, `${prefix}.self_attn.v_proj`, v.hidden, v.hidden), [0, 2, 1, 3]);
    const scores = g.op('Mul', [g.op('MatMul', [q, kT]), g.scalar(1 / Math.sqrt(headDim))]);
    const probs = g.op('Softmax', [scores], { axis: -1 });
    const context = g.op('Reshape', [
      g.op('Transpose', [g.op('MatMul', [probs, val])], { perm: [0, 2, 1, 3] }),
      g.int64([0, 0, v.hidden]),
    ]);
    h = g.op('Add', [h, lin(context, `${prefix}.self_attn.out_proj`, v.hidden, v.hidden)]);
    const m = layerNorm(g, w, h, `${prefix}.layer_norm2`, v.hidden, v.layerNormEps);
    const up = geluTanh(g, lin(m, `${prefix}.mlp.fc1`, v.hidden, v.intermediate));
    h = g.op('Add', [h, lin(up, `${prefix}.mlp.fc2`, v.intermediate, v.hidden)]);
  }
  h = layerNorm(g, w, h, 'post_layernorm', v.hidden, v.layerNormEps);

  // Idefics3 pixel shuffle: each scale×scale block of patches becomes one token of hidden·scale² values.
  const s = v.scaleFactor;
  const side = grid / s;
  let x = g.op('Reshape', [h, g.int64([0, grid, side, v.hidden * s])]);
  x = g.op('Transpose', [x], { perm: [0, 2, 1, 3] });
  x = g.op('Reshape', [x, g.int64([0, side, side, v.hidden * s * s])]);
  x = g.op('Transpose', [x], { perm: [0, 2, 1, 3] });
  x = g.op('Reshape', [x, g.int64([0, side * side, v.hidden * s * s])]);

  const shuffled = v.hidden * s * s;
  const features = linear(g, format, x, {
    name: 'connector.modality_projection.proj',
    inDim: shuffled,
    outDim: textHidden,
    weights: w.uniform('connector.modality_projection.proj.weight', shuffled * textHidden, 1 / Math.sqrt(shuffled)),
  });
  g.output('image_features', features, 'float', ['num_real_frames', imageSeqLen(p), textHidden]);
  return g;
}
