// Messages between the host (main process side) and the inference process.
// Plain JSON only: paths and ids cross the boundary, never image bytes or tensors.
import { AppError, type ErrorKind } from '../../shared/errors';
import type { Device, Dtype } from '../../shared/contract/models';
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

export interface WireError {
  message: string;
  /** Machine-readable kind, e.g. 'model', 'image', 'device', 'input', 'internal'. */
  code: string;
}

export type EngineMessage =
  | { type: 'hello'; pid: number }
  | { type: 'result'; id: number; result: unknown }
  | { type: 'error'; id: number; error: WireError }
  | { type: 'token'; id: number; text: string };

/**
 * The kind (shared/errors.ts) of each engine code: a missing or broken model, an unusable device or a
 * crashed/timed-out/closed process is `unavailable` to the caller; a bad image `unsupported`.
 */
const KIND_OF_ENGINE_CODE: Readonly<Record<string, ErrorKind>> = {
  model: 'unavailable', device: 'unavailable', crashed: 'unavailable', timeout: 'unavailable', closed: 'unavailable',
  image: 'unsupported', input: 'input', cancelled: 'cancelled', internal: 'internal',
};

/** An engine failure: an AppError whose details.code is the engine's own code (WireError.code). */
export function engineError(message: string, code = 'internal'): AppError {
  return new AppError(KIND_OF_ENGINE_CODE[code] ?? 'internal', message, { details: { code } });
}

/** The engine code of an error from engineError(), if it is one (a Node errno `code` is not). */
export function engineCodeOf(err: unknown): string | undefined {
  const code = err instanceof AppError ? err.details?.code : undefined;
  return typeof code === 'string' ? code : undefined;
}
