// Messages between the host (main process side) and the inference process.
// Plain JSON only: paths and ids cross the boundary, never image bytes or tensors.
import type { Device, Dtype } from '../../shared/contract/models';
import type { ErrorKind } from '../../shared/errors';
import type { CaptionRequest, EngineChatTurn, GenerateResult } from './client';

export interface LoadParams {
  /** Absolute path of a local model folder in the SmolVLM layout. */
  modelDir: string;
  device: Device;
  dtype: Dtype;
  /** transformers.js cache folder (inside the data folder, never inside the package/asar). */
  cacheDir: string;
}

export interface LoadResult {
  modelDir: string;
  /** Execution provider that runs (cpu, cuda, …). */
  device: string;
  /** dtype per session file (vision_encoder, embed_tokens, decoder_model_merged). */
  dtype: Record<string, string>;
  /** Why these dtypes (the int8 check and measured speed on the CPU, ./cpu-dtypes.ts). */
  dtypeReason: string;
  /** Why faster providers were not used, one line each ("cuda: …"). */
  fallbackReasons: string[];
  ms: number;
}

/** A caption request as it crosses the port: the client's request without its AbortSignal. */
export type CaptionParams = Omit<CaptionRequest, 'signal'>;

export interface CaptionWireResult {
  caption: string;
  tags: string[];
  prompt: string;
  ms: number;
  imageTokens: number;
  promptTokens: number;
}

export interface GenerateParams {
  messages: EngineChatTurn[];
  maxNewTokens?: number;
  minNewTokens?: number;
  temperature?: number;
  /** Undefined: the model's preprocessor default. */
  imageSplitting?: boolean;
  sessionKey?: string;
  /** Send `token` events while generating. */
  stream: boolean;
}

export type GenerateWireResult = GenerateResult;

export type EngineRequest =
  | { type: 'load'; id: number; params: LoadParams }
  | { type: 'caption'; id: number; params: CaptionParams }
  | { type: 'generate'; id: number; params: GenerateParams };

export type HostMessage =
  | EngineRequest
  /** Stop the generation of request `id` after the current token (partial text is kept). */
  | { type: 'cancel'; id: number }
  /** Finish and exit (graceful shutdown). */
  | { type: 'exit' };

/**
 * Why an engine request failed. The inference process sends model, image, device, input, cancelled
 * and internal; the host adds crashed, timeout and closed (main/engine/host.ts).
 */
export type EngineErrorKind = 'model' | 'image' | 'device' | 'input' | 'cancelled' | 'internal' | 'crashed' | 'timeout' | 'closed';

/** Each engine kind as the app's one error model (shared/errors.ts) reports it to people and clients. */
export const APP_KIND_OF_ENGINE_KIND: Readonly<Record<EngineErrorKind, ErrorKind>> = {
  model: 'unavailable', // the model is missing or broken: nothing to run on until it is fixed
  image: 'unsupported', // the picture cannot be read
  device: 'unavailable',
  input: 'input',
  cancelled: 'cancelled',
  internal: 'internal',
  crashed: 'unavailable',
  timeout: 'unavailable',
  closed: 'unavailable',
};

export interface WireError {
  message: string;
  code: EngineErrorKind;
}

export type EngineMessage =
  | { type: 'hello'; pid: number }
  | { type: 'result'; id: number; result: unknown }
  | { type: 'error'; id: number; error: WireError }
  | { type: 'token'; id: number; text: string };

/** Error raised inside the inference process with a kind the host can report. */
export class EngineError extends Error {
  constructor(message: string, readonly code: EngineErrorKind = 'internal') {
    super(message);
    this.name = 'EngineError';
  }
}
