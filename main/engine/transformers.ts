// The one typed adapter over @huggingface/transformers. Its typings are loose where SmolAlbum needs
// them (processors are generic classes whose tokenizer / image processor / config are untyped,
// generate() takes and returns unions, DynamicCache is a bag of tensors), so every cast the engine
// needs lives here, named by what it means; the rest of main/engine imports only this file.
import {
  AutoModelForVision2Seq, AutoProcessor, cat, DynamicCache, env, full, InterruptableStoppingCriteria, LogLevel, RawImage, Tensor,
  type PreTrainedModel, type Processor,
} from '@huggingface/transformers';
import type { TemplateMessage } from './prompt';

export { cat, DynamicCache, full, InterruptableStoppingCriteria, RawImage, Tensor };

/** preprocessor_config.json values the tile reader needs. */
export interface ImageProcessorConfig {
  max_image_size: { longest_edge: number };
  rescale_factor?: number;
  do_rescale?: boolean;
  image_mean?: number[];
  image_std?: number[];
  do_normalize?: boolean;
}

export interface Encoded {
  input_ids: Tensor;
  attention_mask: Tensor;
}

export interface Tokenizer {
  (text: string): Encoded;
  decode(ids: number[], opts: { skip_special_tokens: boolean }): string;
}

export interface ProcessedImage {
  pixel_values: Tensor;
  rows: number[][];
  cols: number[][];
}

/** An Idefics3/SmolVLM processor, typed as the engine uses it. */
export interface VlmProcessor {
  readonly tokenizer: Tokenizer;
  /** tokenizer_config.json model_max_length, when a finite number. */
  readonly modelMaxLength: number | undefined;
  /** processor_config.json image_seq_len (image tokens per frame). */
  readonly imageSeqLen: number | undefined;
  readonly imageConfig: ImageProcessorConfig;
  /** The image processor (splitting, resizing, normalising) on one decoded image. */
  processImage(image: RawImage, options: { do_image_splitting?: boolean; return_row_col_info: true }): Promise<ProcessedImage>;
  /** The model's chat template as text, with the generation prompt appended. */
  chatPrompt(messages: TemplateMessage[]): string;
}

/** What generate() reads from a streamer (main/engine/streamer.ts implements it). */
export interface TokenStreamer {
  put(ids: bigint[][]): void;
  end(): void;
}

export interface GenerateArgs {
  input_ids: Tensor;
  attention_mask: Tensor;
  pixel_values?: Tensor;
  pixel_attention_mask?: Tensor;
  past_key_values?: DynamicCache;
  max_new_tokens: number;
  min_new_tokens?: number;
  do_sample: boolean;
  temperature?: number;
  streamer: TokenStreamer;
  stopping_criteria: InterruptableStoppingCriteria;
}

export interface GenerateOutput {
  sequences: Tensor;
  past_key_values: DynamicCache;
}

/** A loaded AutoModelForVision2Seq, typed as the engine uses it. */
export interface VlmModel {
  /** Input names of each ONNX session (decoder_model_merged, vision_encoder, embed_tokens). */
  sessionInputNames(session: string): string[] | undefined;
  generate(args: GenerateArgs): Promise<GenerateOutput>;
  /** The ONNX sessions by name, whose run() main/engine/fed-counter.ts wraps to count what they are fed. */
  readonly sessions: Record<string, OrtSessionLike>;
}

/** The part of an onnxruntime InferenceSession that transformers.js calls. */
export interface OrtSessionLike {
  inputNames: string[];
  run: (feed: Record<string, { dims?: readonly number[] } | undefined>, ...rest: unknown[]) => Promise<unknown>;
}

export interface LoadModelOptions {
  device: string;
  /** dtype per session file. */
  dtype: Record<string, string>;
  sessionOptions?: Record<string, unknown>;
}

/** A cache lookup transformers.js consults before reading files (answers with local paths). */
export interface LocalFileCache {
  match(key: string): Promise<string | undefined>;
  put(): Promise<void>;
}

/** Local files only: the model store downloads, transformers.js never touches the network. */
export function configureLocalOnly(opts: { cacheDir: string; customCache: LocalFileCache }): void {
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.cacheDir = opts.cacheDir;
  env.useFSCache = false;
  env.useCustomCache = true;
  env.customCache = opts.customCache;
  // ORT prints native errors while probing absent accelerators; failures reach us as exceptions.
  env.logLevel = LogLevel.ERROR;
  (env.backends.onnx as { setLogLevel?: (level: number) => void }).setLogLevel?.(LogLevel.NONE);
}

function wrapProcessor(p: Processor): VlmProcessor {
  const loose = p as unknown as {
    tokenizer: Tokenizer & { model_max_length?: number };
    config: { image_seq_len?: number };
    image_processor: ImageProcessorConfig & ((image: RawImage, options: Record<string, unknown>) => Promise<ProcessedImage>);
  };
  const max = loose.tokenizer?.model_max_length;
  return {
    tokenizer: loose.tokenizer,
    modelMaxLength: typeof max === 'number' && Number.isFinite(max) && max > 0 ? max : undefined,
    imageSeqLen: loose.config?.image_seq_len,
    imageConfig: loose.image_processor,
    processImage: (image, options) => loose.image_processor(image, options),
    chatPrompt: (messages) => p.apply_chat_template(messages as never, { add_generation_prompt: true, tokenize: false }) as string,
  };
}

export async function loadProcessor(dir: string): Promise<VlmProcessor> {
  return wrapProcessor(await AutoProcessor.from_pretrained(dir, { local_files_only: true }));
}

function wrapModel(m: PreTrainedModel): VlmModel {
  const sessions = (m as unknown as { sessions: Record<string, OrtSessionLike> }).sessions;
  return {
    sessions,
    sessionInputNames: (session) => sessions[session]?.inputNames,
    generate: async (args) => (await m.generate({ ...args, return_dict_in_generate: true } as never)) as unknown as GenerateOutput,
  };
}

export async function loadVision2Seq(dir: string, opts: LoadModelOptions): Promise<VlmModel> {
  const model = await AutoModelForVision2Seq.from_pretrained(dir, {
    device: opts.device as never,
    dtype: opts.dtype as never,
    local_files_only: true,
    ...(opts.sessionOptions ? { session_options: opts.sessionOptions } : {}),
  });
  return wrapModel(model);
}

/** The key/value tensors a DynamicCache holds, by name (past_key_values.N.key / .value). */
export function cacheTensors(cache: DynamicCache): Record<string, Tensor> {
  return Object.fromEntries(Object.entries(cache as unknown as Record<string, Tensor>));
}

/** Token ids of an int64 tensor (input_ids, sequences) as numbers. */
export function tokenIds(t: Tensor): number[] {
  return Array.from(t.data as BigInt64Array, Number);
}
