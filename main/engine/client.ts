// What the rest of main uses to talk to the inference process (implemented in main/engine/host.ts).
// Paths and ids cross the process boundary, never image bytes.
import type { CaptionStyle } from '../../shared/contract/chat';
import type { Device, Dtype, EngineStatus } from '../../shared/contract/models';

export interface EngineConfig {
  /** HF repo id (resolved through the model store) or a local folder in the SmolVLM layout. */
  model: string;
  device: Device;
  dtype: Dtype;
}

export interface CaptionRequest {
  path: string;
  /**
   * Several frames of one clip, in order (a video's keyframes): they go into ONE user turn and the
   * model is asked for one caption (and tags) of the whole clip. `path` is then the first frame.
   */
  frames?: string[];
  style: CaptionStyle;
  /** For style 'custom'. */
  prompt?: string;
  /** Also produce tags from the same image prefill (indexing). */
  withTags?: boolean;
  maxNewTokens?: number;
  /** Generate at least this many caption tokens (benchmarks: a fixed token count). */
  minNewTokens?: number;
  signal?: AbortSignal;
}

export interface CaptionResult {
  caption: string;
  tags: string[];
  /** The prompt text used (provenance). */
  prompt: string;
  model: string;
  ms: number;
  /** Count of <image> tokens that reached the model (proves the image was seen). */
  imageTokens?: number;
  promptTokens?: number;
}

export interface EngineChatTurn {
  role: 'system' | 'user' | 'assistant';
  text: string;
  /** Absolute image paths attached to this turn, in order. */
  images: string[];
}

export interface ChatRequest {
  messages: EngineChatTurn[];
  maxNewTokens?: number;
  temperature?: number;
  imageSplitting?: boolean;
  /** Generate at least this many tokens (end-of-utterance is suppressed until then). */
  minNewTokens?: number;
  /** Conversation key for KV-cache reuse across turns. */
  sessionKey?: string;
  onToken?: (text: string) => void;
  signal?: AbortSignal;
}

export interface GenerateResult {
  text: string;
  tokens: number[];
  /** Count of <image> tokens in the prompt (each image contributes image_seq_len per frame). */
  imageTokens: number;
  promptTokens: number;
  stopped: boolean;
  /** Oldest turns removed to fit the context window (0 when none). */
  droppedTurns: number;
  ms: number;
  firstTokenMs: number | null;
  /** Prompt tokens whose KV cache was reused from the previous turn of the same sessionKey. */
  cachedTokens?: number;
  /** What the model's sessions were fed (counted at onnxruntime's boundary, see fed-counter.ts). */
  fed?: FedStats;
}

/** Per-call inputs of one generation: vision-encoder frames, and decoder new/past tokens. */
export interface FedStats {
  /** Frames (tiles + global views) per vision-encoder call. */
  visionFrames: number[];
  /** New tokens per decoder call (the first is the prefill, then one per generated token). */
  decoderInputTokens: number[];
  /** Cached tokens the decoder attended to at each call. */
  decoderPastTokens: number[];
}

export interface AskRequest {
  path: string;
  question: string;
  maxNewTokens?: number;
  minNewTokens?: number;
  temperature?: number;
  imageSplitting?: boolean;
  onToken?: (t: string) => void;
  signal?: AbortSignal;
}

export interface EngineClient {
  configure(config: Partial<EngineConfig>): Promise<EngineStatus>;
  status(): EngineStatus;
  /** Starts the inference process and loads the model now (otherwise the first request does). */
  load(): Promise<EngineStatus>;
  caption(req: CaptionRequest): Promise<CaptionResult>;
  ask(req: AskRequest): Promise<GenerateResult>;
  chat(req: ChatRequest): Promise<GenerateResult>;
  onStatus(listener: (s: EngineStatus) => void): () => void;
  close(): Promise<void>;
}
