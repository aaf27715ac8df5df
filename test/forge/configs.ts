// The JSON files of a SmolVLM model folder, with SmolVLM-256M-Instruct's field names and values
// (dimensions and token ids follow the preset).
import { imageSeqLen, type Preset } from './presets';
import type { BuiltTokenizer } from './tokenizer';

export interface ConfigOptions {
  /** text_config.num_hidden_layers to write (defaults to the real layer count). */
  claimedLayers?: number;
}

export function configJson(p: Preset, tok: BuiltTokenizer, options: ConfigOptions = {}): string {
  const t = p.text;
  const v = p.vision;
  return JSON.stringify(
    {
      architectures: ['Idefics3ForConditionalGeneration'],
      image_token_id: tok.ids.image,
      model_type: 'idefics3',
      scale_factor: v.scaleFactor,
      text_config: {
        _flash_attn_2_enabled: true,
        architectures: ['VLlama3ForCausalLM'],
        bos_token_id: tok.ids.imStart,
        eos_token_id: tok.ids.imEnd,
        head_dim: t.headDim,
        hidden_act: 'silu',
        hidden_size: t.hidden,
        initializer_range: 0.041666666666666664,
        intermediate_size: t.intermediate,
        max_position_embeddings: t.maxPositions,
        model_type: 'llama',
        num_attention_heads: t.heads,
        num_hidden_layers: options.claimedLayers ?? t.layers,
        num_key_value_heads: t.kvHeads,
        pad_token_id: tok.ids.imEnd,
        rms_norm_eps: t.rmsNormEps,
        rope_scaling: null,
        rope_theta: t.ropeTheta,
        tie_word_embeddings: false,
        torch_dtype: 'float32',
        use_cache: true,
        vocab_size: tok.vocabSize,
        max_length: 20,
        do_sample: false,
      },
      tie_word_embeddings: false,
      torch_dtype: 'float32',
      'transformers.js_config': { kv_cache_dtype: { q4f16: 'float16', fp16: 'float16' } },
      transformers_version: '4.46.0',
      use_cache: true,
      vision_config: {
        hidden_size: v.hidden,
        image_size: v.tile,
        intermediate_size: v.intermediate,
        layer_norm_eps: v.layerNormEps,
        max_image_size: { longest_edge: v.tile },
        model_type: 'idefics3',
        num_attention_heads: v.heads,
        num_hidden_layers: v.layers,
        patch_size: v.patch,
        size: { longest_edge: p.sizeLongestEdge },
        tie_word_embeddings: false,
        use_base_siglip: true,
      },
      vocab_size: tok.vocabSize,
    },
    null,
    2,
  );
}

export function generationConfigJson(tok: BuiltTokenizer): string {
  return JSON.stringify(
    { _from_model_config: true, bos_token_id: tok.ids.endOfText, eos_token_id: tok.ids.endOfUtterance, pad_token_id: tok.ids.imEnd, transformers_version: '4.46.0' },
    null,
    2,
  );
}

export function preprocessorConfigJson(p: Preset): string {
  return JSON.stringify(
    {
      do_convert_rgb: true,
      do_image_splitting: true,
      do_normalize: true,
      do_pad: true,
      do_rescale: true,
      do_resize: true,
      image_mean: [0.5, 0.5, 0.5],
      image_processor_type: 'Idefics3ImageProcessor',
      image_std: [0.5, 0.5, 0.5],
      max_image_size: { longest_edge: p.vision.tile },
      processor_class: 'Idefics3Processor',
      resample: 1,
      rescale_factor: 0.00392156862745098,
      size: { longest_edge: p.sizeLongestEdge },
    },
    null,
    2,
  );
}

export function processorConfigJson(p: Preset): string {
  return JSON.stringify({ image_seq_len: imageSeqLen(p), processor_class: 'Idefics3Processor' }, null, 2);
}
