// Model dimensions per preset. `smolvlm-256m` mirrors HuggingFaceTB/SmolVLM-256M-Instruct; `tiny` keeps
// the same structure at a size that forges in well under a second.

export interface VisionDims {
  hidden: number;
  layers: number;
  heads: number;
  intermediate: number;
  patch: number;
  tile: number; // max_image_size.longest_edge: the encoder's square input
  scaleFactor: number; // pixel shuffle
  layerNormEps: number;
}

export interface TextDims {
  hidden: number;
  layers: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  intermediate: number;
  ropeTheta: number;
  rmsNormEps: number;
  maxPositions: number;
}

export interface Preset {
  name: PresetName;
  vision: VisionDims;
  text: TextDims;
  /** preprocessor size.longest_edge: images are resized to this before tiling. */
  sizeLongestEdge: number;
  /** BPE vocab size below the trailing special block (0: only what the word list needs). */
  baseVocabSize: number;
  /**
   * Weight standard deviations. embed 1 lets a token's own embedding dominate the last hidden state
   * (weights.ts); linear sets how much the layers (and so the image) perturb it: enough in `tiny` to
   * move the first word, little enough that the word cycle holds. Activations stay finite throughout.
   */
  std: { embed: number; linear: number; vision: number };
}

export type PresetName = 'tiny' | 'smolvlm-256m';

export const PRESETS: Record<PresetName, Preset> = {
  tiny: {
    name: 'tiny',
    vision: { hidden: 32, layers: 2, heads: 2, intermediate: 64, patch: 8, tile: 32, scaleFactor: 2, layerNormEps: 1e-6 },
    text: {
      hidden: 64,
      layers: 2,
      heads: 4,
      kvHeads: 2,
      headDim: 16,
      intermediate: 128,
      ropeTheta: 100000,
      rmsNormEps: 1e-5,
      maxPositions: 8192,
    },
    sizeLongestEdge: 64,
    baseVocabSize: 0,
    std: { embed: 1, linear: 0.15, vision: 0.1 },
  },
  'smolvlm-256m': {
    name: 'smolvlm-256m',
    vision: { hidden: 768, layers: 12, heads: 12, intermediate: 3072, patch: 16, tile: 512, scaleFactor: 4, layerNormEps: 1e-6 },
    text: {
      hidden: 576,
      layers: 30,
      heads: 9,
      kvHeads: 3,
      headDim: 64,
      intermediate: 1536,
      ropeTheta: 100000,
      rmsNormEps: 1e-5,
      maxPositions: 8192,
    },
    sizeLongestEdge: 2048,
    baseVocabSize: 49152,
    std: { embed: 1, linear: 0.02, vision: 0.02 },
  },
};

/** `<image>` tokens per frame: (tile/patch)² patches, merged scaleFactor² at a time. */
export function imageSeqLen(p: Preset): number {
  const grid = p.vision.tile / p.vision.patch;
  return (grid * grid) / (p.vision.scaleFactor * p.vision.scaleFactor);
}
