// EngineClient over an EnginePort: starts the inference process on demand, loads the model,
// sends one request at a time with an id and a timeout, relays streamed tokens and cancels, and
// survives crashes — the request in flight fails with a clear error, the process restarts with
// backoff, and later requests run on the new process.
import type { EngineExit, EnginePort, EnginePortFactory } from './port';
import { AppError } from '../../shared/errors';
import { APP_KIND_OF_ENGINE_KIND, type EngineErrorKind } from './protocol';
import type {
  CaptionParams, CaptionWireResult, EngineMessage, EngineRequest, GenerateParams, GenerateWireResult, LoadResult,
} from './protocol';
import type { AskRequest, CaptionRequest, CaptionResult, ChatRequest, EngineClient, EngineConfig, GenerateResult } from './client';
import type { EngineStatus } from '../../shared/contract/models';
import { DEFAULT_MODEL } from '../../shared/constants';

export interface EngineHostOptions {
  portFactory: EnginePortFactory;
  /** Model ref (HF repo id or folder) → absolute local folder; throws or returns null when absent. */
  resolveModel: (ref: string) => string | null;
  /** transformers.js cache folder inside the data folder. */
  cacheDir: string;
  config?: Partial<EngineConfig>;
  /** Longest a caption/ask/chat may run (default 10 min). */
  requestTimeoutMs?: number;
  /** Longest a model load may take (default 10 min). */
  loadTimeoutMs?: number;
  /** Delay before restart number n after a crash (default 250 ms, 1 s, 4 s, 15 s). */
  restartDelaysMs?: number[];
  /** Crashes in a row after which waiting requests fail instead of waiting for another restart. */
  maxConsecutiveCrashes?: number;
}

/** Error of a request: an AppError whose kind follows the engine's own (`code`, see APP_KIND_OF_ENGINE_KIND). */
export class EngineRequestError extends AppError {
  constructor(message: string, readonly code: EngineErrorKind) {
    super(APP_KIND_OF_ENGINE_KIND[code], message);
    this.name = code === 'cancelled' ? 'AbortError' : 'EngineRequestError';
  }
}

type Kind = 'caption' | 'generate' | 'warm';

interface Pending {
  kind: Kind;
  /** What the request does, for messages ("writing a caption"). */
  label: string;
  params?: CaptionParams | GenerateParams;
  resolve(value: unknown): void;
  reject(err: Error): void;
  onToken?: (text: string) => void;
  signal?: AbortSignal;
  detachSignal?: () => void;
}

interface Running {
  id: number;
  pending: Pending | null; // null: the internal load
  timer: NodeJS.Timeout;
}

interface Proc {
  port: EnginePort;
  loaded: boolean;
  /** Ended on purpose (stop, restart, timeout): not a crash. */
  deliberate: boolean;
}

function describeExit(e: EngineExit): string {
  if (e.signal) return `killed by ${e.signal}`;
  if (e.reason) return e.reason;
  return `exit code ${e.code}`;
}

export class EngineHost implements EngineClient {
  private config: EngineConfig;
  private proc: Proc | null = null;
  private readonly queue: Pending[] = [];
  private running: Running | null = null;
  private nextId = 1;
  private stale = false;
  private closed = false;
  private crashesInARow = 0;
  private restartTimer: NodeJS.Timeout | null = null;
  /** Folder the current process loads (resolved when it was spawned). */
  private pendingModelDir: string | null = null;
  private readonly listeners = new Set<(s: EngineStatus) => void>();
  private state: EngineStatus = { state: 'stopped', model: null, device: null, dtype: null, dtypeReason: null, fallbackReasons: [], restarts: 0, lastError: null };

  constructor(private readonly opts: EngineHostOptions) {
    this.config = { model: DEFAULT_MODEL, device: 'auto', dtype: 'auto', ...opts.config };
  }

  /** OS pid of the running inference process (diagnostics, tests). */
  get pid(): number | undefined {
    return this.proc?.port.pid;
  }

  status(): EngineStatus {
    return { ...this.state, fallbackReasons: [...this.state.fallbackReasons] };
  }

  onStatus(listener: (s: EngineStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private setStatus(patch: Partial<EngineStatus>): void {
    this.state = { ...this.state, ...patch };
    const s = this.status();
    for (const l of this.listeners) l(s);
  }

  async configure(config: Partial<EngineConfig>): Promise<EngineStatus> {
    const next = { ...this.config, ...Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined)) } as EngineConfig;
    const changed = next.model !== this.config.model || next.device !== this.config.device || next.dtype !== this.config.dtype;
    this.config = next;
    // Switching model/device/dtype means a fresh process (ORT does not release memory reliably).
    if (changed && this.proc) {
      this.stale = true;
      this.pump();
    }
    return this.status();
  }

  load(): Promise<EngineStatus> {
    return this.enqueue<EngineStatus>({ kind: 'warm', label: 'loading the model' });
  }

  async caption(req: CaptionRequest): Promise<CaptionResult> {
    const params: CaptionParams = { path: req.path, frames: req.frames, style: req.style, prompt: req.prompt, withTags: req.withTags, maxNewTokens: req.maxNewTokens, minNewTokens: req.minNewTokens };
    const r = await this.enqueue<CaptionWireResult>({ kind: 'caption', label: 'writing a caption', params, signal: req.signal });
    return { ...r, model: this.config.model };
  }

  ask(req: AskRequest): Promise<GenerateResult> {
    return this.chat({
      messages: [{ role: 'user', text: req.question, images: [req.path] }],
      maxNewTokens: req.maxNewTokens, minNewTokens: req.minNewTokens, temperature: req.temperature,
      imageSplitting: req.imageSplitting, onToken: req.onToken, signal: req.signal,
    });
  }

  chat(req: ChatRequest): Promise<GenerateResult> {
    const params: GenerateParams = {
      messages: req.messages, maxNewTokens: req.maxNewTokens, minNewTokens: req.minNewTokens, temperature: req.temperature,
      imageSplitting: req.imageSplitting, sessionKey: req.sessionKey, stream: Boolean(req.onToken),
    };
    return this.enqueue<GenerateWireResult>({ kind: 'generate', label: 'writing an answer', params, onToken: req.onToken, signal: req.signal });
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    const err = new EngineRequestError('The engine was closed', 'closed');
    for (const p of this.queue.splice(0)) this.settle(p, err);
    if (this.running) {
      clearTimeout(this.running.timer);
      if (this.running.pending) this.settle(this.running.pending, err);
      this.running = null;
    }
    await this.stopProcess();
    this.setStatus({ state: 'stopped' });
  }

  // ---- queue ----

  private enqueue<T>(p: Omit<Pending, 'resolve' | 'reject'>): Promise<T> {
    if (this.closed) return Promise.reject(new EngineRequestError('The engine was closed', 'closed'));
    return new Promise<T>((resolve, reject) => {
      const pending: Pending = { ...p, resolve: resolve as (v: unknown) => void, reject };
      if (p.signal) {
        if (p.signal.aborted) return reject(new EngineRequestError('Cancelled', 'cancelled'));
        const onAbort = () => this.cancel(pending);
        p.signal.addEventListener('abort', onAbort, { once: true });
        pending.detachSignal = () => p.signal?.removeEventListener('abort', onAbort);
      }
      this.queue.push(pending);
      this.pump();
    });
  }

  private settle(p: Pending, err: Error | null, value?: unknown): void {
    p.detachSignal?.();
    if (err) p.reject(err);
    else p.resolve(value);
  }

  private cancel(p: Pending): void {
    const i = this.queue.indexOf(p);
    if (i >= 0) {
      this.queue.splice(i, 1);
      this.settle(p, new EngineRequestError('Cancelled', 'cancelled'));
    } else if (this.running?.pending === p && this.proc) {
      // Generation stops after the current token; the partial result comes back as usual.
      this.proc.port.postMessage({ type: 'cancel', id: this.running.id });
    }
  }

  /** Moves the queue forward: (re)start the process, load the model, send the next request. */
  private pump(): void {
    if (this.closed || this.running || this.restartTimer) return;
    if (this.stale && this.proc) {
      this.stale = false;
      void this.stopProcess().then(() => this.pump());
      return;
    }
    this.stale = false;
    if (!this.queue.length) return;
    if (!this.proc) {
      if (!this.spawn()) return;
    }
    const proc = this.proc!;
    if (!proc.loaded) {
      this.sendLoad(proc);
      return;
    }
    const pending = this.queue.shift()!;
    if (pending.kind === 'warm') {
      this.settle(pending, null, this.status());
      this.pump();
      return;
    }
    const id = this.nextId++;
    const req = { type: pending.kind, id, params: pending.params } as EngineRequest;
    const timeoutMs = this.opts.requestTimeoutMs ?? 10 * 60_000;
    this.running = { id, pending, timer: setTimeout(() => this.onTimeout(id, timeoutMs), timeoutMs) };
    this.setStatus({ state: 'busy' });
    proc.port.postMessage(req);
  }

  private spawn(): boolean {
    let modelDir: string | null;
    try {
      modelDir = this.opts.resolveModel(this.config.model);
      if (!modelDir) throw new Error(`Model ${this.config.model} is not available locally. Download it with \`smolalbum models pull ${this.config.model}\` or pass a model folder.`);
    } catch (err) {
      this.failAll(new EngineRequestError((err as Error).message, 'model'));
      this.setStatus({ state: 'stopped', lastError: (err as Error).message });
      return false;
    }
    let port: EnginePort;
    try {
      port = this.opts.portFactory();
    } catch (err) {
      this.failAll(new EngineRequestError(`Cannot start the inference process: ${(err as Error).message}`, 'crashed'));
      return false;
    }
    const proc: Proc = { port, loaded: false, deliberate: false };
    this.proc = proc;
    this.pendingModelDir = modelDir;
    port.onMessage((m) => { if (this.proc === proc) this.onMessage(m); });
    port.onExit((e) => this.onExit(proc, e));
    this.setStatus({ state: 'starting', model: this.config.model, device: null, dtype: null, dtypeReason: null, fallbackReasons: [] });
    return true;
  }

  private sendLoad(proc: Proc): void {
    const id = this.nextId++;
    const timeoutMs = this.opts.loadTimeoutMs ?? 10 * 60_000;
    this.running = { id, pending: null, timer: setTimeout(() => this.onTimeout(id, timeoutMs), timeoutMs) };
    this.setStatus({ state: 'loading' });
    proc.port.postMessage({
      type: 'load', id,
      params: { modelDir: this.pendingModelDir!, device: this.config.device, dtype: this.config.dtype, cacheDir: this.opts.cacheDir },
    });
  }

  private onMessage(m: EngineMessage): void {
    const run = this.running;
    if (m.type === 'hello') return;
    if (!run || m.id !== run.id) return; // late message of a timed-out request
    if (m.type === 'token') {
      run.pending?.onToken?.(m.text);
      return;
    }
    clearTimeout(run.timer);
    this.running = null;
    if (run.pending === null) {
      this.onLoaded(m);
    } else if (m.type === 'result') {
      this.crashesInARow = 0;
      this.setStatus({ state: 'ready' });
      this.settle(run.pending, null, m.result);
    } else if (m.type === 'error') {
      this.setStatus({ state: 'ready', lastError: m.error.message });
      this.settle(run.pending, new EngineRequestError(m.error.message, m.error.code));
    }
    this.pump();
  }

  private onLoaded(m: EngineMessage): void {
    if (m.type === 'result') {
      const info = m.result as LoadResult;
      this.crashesInARow = 0;
      if (this.proc) this.proc.loaded = true;
      this.setStatus({ state: 'ready', device: info.device, dtype: info.dtype, dtypeReason: info.dtypeReason, fallbackReasons: info.fallbackReasons, lastError: null });
    } else if (m.type === 'error') {
      // Nothing can run without the model: fail what waits, and start clean next time.
      this.failAll(new EngineRequestError(m.error.message, m.error.code));
      this.setStatus({ lastError: m.error.message });
      void this.stopProcess().then(() => this.setStatus({ state: 'stopped' }));
    }
  }

  private onTimeout(id: number, ms: number): void {
    const run = this.running;
    if (!run || run.id !== id) return;
    this.running = null;
    const what = run.pending ? run.pending.label : 'loading the model';
    const msg = `The inference process did not finish ${what} within ${Math.round(ms / 1000)} s; it was restarted`;
    if (run.pending) this.settle(run.pending, new EngineRequestError(msg, 'timeout'));
    else this.failAll(new EngineRequestError(msg, 'timeout'));
    this.setStatus({ lastError: msg });
    // A stuck process cannot be trusted with the next request.
    void this.stopProcess().then(() => this.pump());
  }

  private onExit(proc: Proc, e: EngineExit): void {
    if (this.proc === proc) this.proc = null;
    if (proc.deliberate || this.closed) return;
    const how = describeExit(e);
    const run = this.running;
    if (run) {
      clearTimeout(run.timer);
      this.running = null;
    }
    this.crashesInARow++;
    const during = run ? ` while ${run.pending ? run.pending.label : 'loading the model'}` : '';
    const msg = `The inference process crashed (${how})${during}; it is being restarted`;
    this.setStatus({ state: 'crashed', lastError: msg, restarts: this.state.restarts + 1 });
    if (run?.pending) this.settle(run.pending, new EngineRequestError(msg, 'crashed'));
    const max = this.opts.maxConsecutiveCrashes ?? 3;
    if (this.crashesInARow >= max) {
      this.failAll(new EngineRequestError(`The inference process crashed ${this.crashesInARow} times in a row (last: ${how}); giving up until the next request`, 'crashed'));
      this.crashesInARow = 0;
      return;
    }
    const delays = this.opts.restartDelaysMs ?? [250, 1000, 4000, 15000];
    const delay = delays[Math.min(this.crashesInARow - 1, delays.length - 1)];
    // Restart even when idle so the next request finds a warm model.
    if (!this.queue.some((p) => p.kind === 'warm')) this.queue.unshift({ kind: 'warm', label: 'restarting', resolve: () => {}, reject: () => {} });
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      this.pump();
    }, delay);
  }

  private failAll(err: Error): void {
    for (const p of this.queue.splice(0)) this.settle(p, err);
  }

  private async stopProcess(): Promise<void> {
    const proc = this.proc;
    if (!proc) return;
    proc.deliberate = true;
    this.proc = null;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => { proc.port.kill(); }, 2000);
      proc.port.onExit(() => { clearTimeout(timer); resolve(); });
      proc.port.postMessage({ type: 'exit' });
    });
    if (!this.closed && this.state.state !== 'crashed') this.setStatus({ state: 'stopped', device: null, dtype: null, dtypeReason: null });
  }
}
