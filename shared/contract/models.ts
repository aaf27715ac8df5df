// Model store and inference engine settings (issue "SmolVLM engine").
import { z } from 'zod';
import { method } from '../define';

export const DEVICES = ['auto', 'cpu', 'cuda', 'dml', 'coreml', 'webgpu'] as const;
export const DTYPES = ['auto', 'fp32', 'fp16', 'q8', 'int8', 'uint8', 'q4', 'q4f16', 'bnb4'] as const;
export type Device = (typeof DEVICES)[number];
export type Dtype = (typeof DTYPES)[number];

export interface ModelInfo {
  repo: string;
  /** Commit sha of the snapshot. */
  revision: string;
  /** dtypes present: "fp16" or "fp32,q8" when all three sessions have the same, else per session
   *  ("vision_encoder=fp32,embed_tokens=fp32,decoder_model_merged=q8"). */
  dtype: string;
  /** Folder the engine loads. */
  path: string;
  /** partial: an interrupted pull (configs or a session file missing); pulling again resumes it. */
  state: 'ready' | 'partial' | 'downloading';
  bytes: number;
}

export interface EngineStatus {
  state: 'stopped' | 'starting' | 'loading' | 'ready' | 'busy' | 'crashed';
  model: string | null;
  /** Execution provider actually running (cpu, cuda, …). */
  device: string | null;
  dtype: Record<string, string> | null;
  /** Why these dtypes: on the CPU, whether its int8 kernels are right and which format ran fastest. */
  dtypeReason: string | null;
  /** Why faster providers were not used (empty when the first choice worked). */
  fallbackReasons: string[];
  restarts: number;
  lastError: string | null;
}

/** Progress of one pull or import as a whole (bytes and total cover every file it needs). */
export interface DownloadProgress {
  repo: string;
  /** The file being fetched now. */
  file: string;
  /** Bytes in place so far, including files already cached and resumed partials. */
  bytes: number;
  total: number;
  /** Network speed over the last few seconds. */
  bytesPerSec: number;
  /** Null until a speed is known. */
  etaMs: number | null;
  done: boolean;
  /** Set while waiting to try again after a failed request (cleared by the next progress). */
  retry?: { attempt: number; of: number; reason: string; delayMs: number };
}

export const modelRef = z.string().min(1, 'model is empty').max(1000);

export const modelMethods = {
  'models.list': method<ModelInfo[]>()(z.object({}).strict()),
  'models.pull': method<ModelInfo>()(z.object({
    repo: modelRef,
    revision: z.string().min(1).optional(),
    dtype: z.enum(DTYPES).default('auto'),
  }).strict()),
  /** Copies a SmolVLM model folder (config, tokenizer, onnx/) into the store as local/<name>; works offline. */
  'models.import': method<ModelInfo>()(z.object({ dir: z.string().min(1).max(4096) }).strict()),
  /** Stops a running pull of `repo` (what arrived is kept; pulling again resumes). */
  'models.cancel': method<{ cancelled: boolean }>()(z.object({ repo: modelRef }).strict()),
  'models.remove': method<{ removed: boolean }>()(z.object({ repo: modelRef }).strict()),
  'engine.status': method<EngineStatus>()(z.object({}).strict()),
  'engine.configure': method<EngineStatus>()(z.object({
    model: modelRef.optional(),
    device: z.enum(DEVICES).optional(),
    dtype: z.enum(DTYPES).optional(),
  }).strict()),
  'settings.get': method<Record<string, unknown>>()(z.object({}).strict()),
  'settings.set': method<Record<string, unknown>>()(z.object({ key: z.string().min(1).max(100), value: z.unknown() }).strict()),
};
