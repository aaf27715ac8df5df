// Inference endpoints (issue "Beyond one machine"): OpenAI-compatible servers SmolAlbum captions and
// chats through, beside the local engine. Keys go in, never come out: EndpointInfo says hasKey only.
import { z } from 'zod';
import { method } from '../define';

export const IMAGE_FORMATS = ['png', 'jpeg'] as const;
export type ImageFormat = (typeof IMAGE_FORMATS)[number];

export interface EndpointInfo {
  name: string;
  /** Base URL of the API, ending in /v1 (e.g. http://gpu-box:8000/v1). */
  baseUrl: string;
  /** Model to ask for; null: the first of GET /v1/models. */
  model: string | null;
  concurrency: number;
  enabled: boolean;
  /** How images travel: lossless PNG (default) or JPEG at jpegQuality. */
  imageFormat: ImageFormat;
  jpegQuality: number;
  /** Longest one request may take before the endpoint counts as failing. */
  timeoutMs: number;
  /** Whether a key is stored (the key itself never leaves main). */
  hasKey: boolean;
}

export type EndpointState = 'ok' | 'probing' | 'cooldown' | 'disabled';

/** Live state of one backend in the dispatcher (the status bar and `ai status`). */
export interface BackendStatus {
  name: string;
  kind: 'local' | 'openai';
  state: EndpointState;
  inflight: number;
  concurrency: number;
  done: number;
  failures: number;
  /** Captions per second over the last minute. */
  perSecond: number;
  cooldownUntil: number | null;
  lastError: string | null;
}

export interface EndpointTest {
  name: string;
  ok: boolean;
  models: string[];
  model: string | null;
  caption: string | null;
  latencyMs: number | null;
  error: string | null;
}

const name = z.string().min(1).max(64);
const patch = {
  model: z.string().max(300).nullable().optional(),
  concurrency: z.number().int().min(1).max(64).optional(),
  enabled: z.boolean().optional(),
  imageFormat: z.enum(IMAGE_FORMATS).optional(),
  jpegQuality: z.number().int().min(1).max(100).optional(),
  timeoutMs: z.number().int().min(100).max(3_600_000).optional(),
  /** Write-only. null removes the key. */
  apiKey: z.string().min(1).max(4096).nullable().optional(),
};

/** SmolAlbum's own OpenAI-compatible API (main/server/local-api.ts): the switch in Settings. */
export interface LocalApiStatus {
  enabled: boolean;
  running: boolean;
  /** Loopback port it listens on (the setting; the actual one while running). */
  port: number;
  /** `http://127.0.0.1:PORT/v1` while running. */
  baseUrl: string | null;
  /** The Bearer key other apps send (the user's own server: shown so they can copy it). */
  key: string | null;
  /** The model id clients ask for. */
  model: string | null;
  /** Why it is not running although enabled (e.g. the port is taken). */
  error: string | null;
}

export const engineMethods = {
  'localApi.status': method<LocalApiStatus>()(z.object({}).strict()),
  /** Turns the API on or off (kept across restarts; loopback only). Port 0 picks a free one. */
  'localApi.set': method<LocalApiStatus>()(z.object({ enabled: z.boolean(), port: z.number().int().min(0).max(65535).optional() }).strict()),
  'engines.list': method<{ endpoints: EndpointInfo[]; localFallback: boolean }>()(z.object({}).strict()),
  'engines.add': method<EndpointInfo>()(z.object({ url: z.string().min(1).max(2000), name: name.optional(), ...patch }).strict()),
  'engines.update': method<EndpointInfo>()(z.object({ name, url: z.string().min(1).max(2000).optional(), ...patch }).strict()),
  'engines.remove': method<{ removed: true }>()(z.object({ name }).strict()),
  'engines.setLocalFallback': method<{ localFallback: boolean }>()(z.object({ enabled: z.boolean() }).strict()),
  /** Lists the endpoint's models and runs one caption on a sample image; reports latency. */
  'engines.test': method<EndpointTest>()(z.object({ name }).strict()),
};
