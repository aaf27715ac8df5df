// The dispatcher the AI queue pulls through. Backends: OpenAI-compatible endpoints (each up to its
// concurrency) and the local engine (one at a time), which is the last fallback — it takes work only
// while every enabled endpoint is cooling down, unless switched off. Pull-based: a worker lane first
// acquires a free slot, then claims a job for it, so nothing waits in memory for capacity.
// An endpoint that fails (error, timeout, 429/5xx, unreadable answer) cools down with exponential
// backoff, at least as long as its Retry-After, and is probed with GET /v1/models before it gets
// work again; the failed job moves to another slot at once. Jobs end exactly once: the lane that
// claimed a job is the only one that completes it.
import { AppError, kindOf } from '../../shared/errors';
import type { BackendStatus, EndpointState } from '../../shared/contract/engines';
import type { CaptionRequest, CaptionResult } from './client';
import type { WireImages } from './wire-images';

export interface CaptionBackend {
  readonly name: string;
  readonly kind: 'local' | 'openai';
  readonly concurrency: number;
  caption(req: CaptionRequest & { model?: string }): Promise<CaptionResult>;
  /** Has an image made ahead the way this backend sends it; absent for the local engine (it reads its own). */
  prepare?(path: string): void;
  /** Health check (GET /v1/models); absent for the local engine. */
  models?(signal?: AbortSignal): Promise<string[]>;
}

export interface DispatchedCaption extends CaptionResult {
  backend: 'local' | 'openai';
  /** Endpoint name ('local' for the local engine). */
  endpoint: string;
}

export interface DispatcherOptions {
  localFallback: boolean;
  /** First cooldown; doubles with each failure in a row (default 1 s). */
  baseCooldownMs?: number;
  /** Longest cooldown (default 60 s; a longer Retry-After is honoured up to 10 min). */
  maxCooldownMs?: number;
  /** Endpoint failures one job may meet before it counts as a failed try (default 8). */
  maxRemoteTries?: number;
  now?: () => number;
}

interface BackendState {
  backend: CaptionBackend;
  state: EndpointState;
  inflight: number;
  failuresInARow: number;
  cooldownUntil: number | null;
  timer: NodeJS.Timeout | null;
  probing: boolean;
  done: number;
  failures: number;
  /** Finish times of the last minute's captions (throughput). */
  recent: number[];
  lastError: string | null;
}

export interface Slot {
  readonly name: string;
  readonly kind: 'local' | 'openai';
  /** @internal */ state: BackendState;
  released: boolean;
}

interface Waiter {
  resolve(slot: Slot): void;
  reject(err: Error): void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

const MAX_RETRY_AFTER_MS = 10 * 60_000;

export class Dispatcher {
  private readonly states: BackendState[];
  private readonly waiters: Waiter[] = [];
  private closed = false;
  private readonly now: () => number;

  /** `images`: the endpoints' store of images made ahead (main/engine/wire-images.ts), when there are endpoints. */
  constructor(backends: CaptionBackend[], private readonly opts: DispatcherOptions, private readonly images: WireImages | null = null) {
    this.now = opts.now ?? Date.now;
    this.states = backends.map((backend) => ({
      backend, state: backend.kind === 'local' ? 'ok' : 'probing', inflight: 0, failuresInARow: 0, cooldownUntil: null,
      timer: null, probing: false, done: 0, failures: 0, recent: [], lastError: null,
    }));
    for (const s of this.remotes()) this.probe(s);
  }

  /** Lanes worth running: every slot there can be. */
  get capacity(): number {
    return this.states.reduce((n, s) => n + (s.backend.kind === 'local' && !this.localAllowedAtAll() ? 0 : s.backend.concurrency), 0);
  }

  get hasRemote(): boolean { return this.remotes().length > 0; }

  /** The endpoints' slots: how many photos ahead images are worth making. */
  get remoteCapacity(): number {
    return this.remotes().reduce((n, s) => n + (s.state === 'disabled' ? 0 : s.backend.concurrency), 0);
  }

  /**
   * Has the image made ahead for a photo about to be claimed, the way the first endpoint that can
   * take work sends it (endpoints usually share one setting); nothing while none can (all cooling
   * down or disabled). An endpoint still being checked at the start of a run is expected to.
   */
  prepare(path: string): void {
    this.remotes().find((x) => (x.state === 'ok' || x.state === 'probing') && x.backend.prepare)?.backend.prepare?.(path);
  }

  /** Images that were ready when their photo's request went out. */
  get imagesServedAhead(): number { return this.images?.served ?? 0; }

  private remotes(): BackendState[] { return this.states.filter((s) => s.backend.kind !== 'local'); }
  private local(): BackendState | undefined { return this.states.find((s) => s.backend.kind === 'local'); }
  private localAllowedAtAll(): boolean { return this.opts.localFallback || !this.hasRemote; }

  /** The local engine serves only while no endpoint can (all cooling down or disabled). */
  private localServes(): boolean {
    if (!this.hasRemote) return true;
    if (!this.opts.localFallback) return false;
    return this.remotes().every((s) => s.state === 'cooldown' || s.state === 'disabled');
  }

  private pick(): BackendState | null {
    for (const s of this.remotes()) if (s.state === 'ok' && s.inflight < s.backend.concurrency) return s;
    const l = this.local();
    if (l && l.state === 'ok' && l.inflight < l.backend.concurrency && this.localServes()) return l;
    return null;
  }

  /** Waits for a free slot (rejects with `cancelled` when the signal aborts or the dispatcher closes). */
  acquire(signal?: AbortSignal): Promise<Slot> {
    if (this.closed) return Promise.reject(new AppError('cancelled', 'The dispatcher was closed'));
    if (signal?.aborted) return Promise.reject(new AppError('cancelled', 'Cancelled'));
    return new Promise<Slot>((resolve, reject) => {
      const w: Waiter = { resolve, reject, signal };
      if (signal) {
        w.onAbort = () => {
          const i = this.waiters.indexOf(w);
          if (i >= 0) this.waiters.splice(i, 1);
          reject(new AppError('cancelled', 'Cancelled'));
        };
        signal.addEventListener('abort', w.onAbort, { once: true });
      }
      this.waiters.push(w);
      this.pump();
    });
  }

  private pump(): void {
    while (this.waiters.length) {
      const s = this.pick();
      if (!s) return;
      const w = this.waiters.shift()!;
      if (w.onAbort) w.signal?.removeEventListener('abort', w.onAbort);
      s.inflight++;
      w.resolve({ name: s.backend.name, kind: s.backend.kind, state: s, released: false });
    }
  }

  release(slot: Slot): void {
    if (slot.released) return;
    slot.released = true;
    slot.state.inflight--;
    this.pump();
  }

  /**
   * Captions on the slot's backend; when an endpoint fails, cools it down and retries on the next
   * free slot. Always releases the slot(s) it used. Local errors go to the caller unchanged.
   */
  async captionWith(slot: Slot, req: CaptionRequest & { model?: string }): Promise<DispatchedCaption> {
    let current = slot;
    let tries = 0;
    for (;;) {
      const s = current.state;
      try {
        const r = await s.backend.caption(req);
        this.succeeded(s);
        return { ...r, backend: s.backend.kind, endpoint: s.backend.name };
      } catch (err) {
        const cancelled = req.signal?.aborted || kindOf(err) === 'cancelled';
        if (s.backend.kind === 'local' || cancelled) throw err;
        this.failed(s, err);
        if (++tries >= (this.opts.maxRemoteTries ?? 8)) throw err;
      } finally {
        this.release(current);
      }
      current = await this.acquire(req.signal);
    }
  }

  private succeeded(s: BackendState): void {
    s.failuresInARow = 0;
    s.done++;
    const t = this.now();
    s.recent.push(t);
    while (s.recent.length && s.recent[0] < t - 60_000) s.recent.shift();
  }

  private failed(s: BackendState, err: unknown): void {
    s.failures++;
    s.failuresInARow++;
    s.lastError = err instanceof Error ? err.message : String(err);
    if (s.state === 'disabled') return;
    const base = this.opts.baseCooldownMs ?? 1000;
    let delay = Math.min(this.opts.maxCooldownMs ?? 60_000, base * 2 ** Math.min(s.failuresInARow - 1, 16));
    const retry = err instanceof AppError ? err.retryAfterS : undefined;
    if (retry !== undefined) delay = Math.max(delay, Math.min(retry * 1000, MAX_RETRY_AFTER_MS));
    s.state = 'cooldown';
    s.cooldownUntil = this.now() + delay;
    if (s.timer) clearTimeout(s.timer);
    // Not unref'd: while lanes wait for this endpoint, this timer may be all that keeps the process
    // (the CLI) alive; close() clears it when the run ends.
    s.timer = setTimeout(() => { s.timer = null; s.cooldownUntil = null; s.state = 'probing'; this.probe(s); }, delay);
    this.pump(); // the local engine may serve now
  }

  private probe(s: BackendState): void {
    if (s.probing || this.closed || !s.backend.models) { if (!s.backend.models) { s.state = 'ok'; this.pump(); } return; }
    s.probing = true;
    s.state = 'probing';
    s.backend.models().then(
      () => { s.probing = false; if (this.closed || s.state === 'disabled') return; s.state = 'ok'; s.lastError = null; this.pump(); },
      (err: unknown) => { s.probing = false; if (this.closed || s.state === 'disabled') return; this.failed(s, err); },
    );
  }

  /** Takes a backend out until the next run (the local engine without a model, say). */
  disable(name: string, reason: string): void {
    const s = this.states.find((x) => x.backend.name === name);
    if (!s) return;
    s.state = 'disabled';
    s.lastError = reason;
    this.pump();
  }

  /** Whether any backend can still take work (now or after a cooldown). */
  get usable(): boolean {
    return this.states.some((s) => s.state !== 'disabled' && (s.backend.kind !== 'local' || this.localAllowedAtAll()));
  }

  status(): BackendStatus[] {
    const t = this.now();
    return this.states.map((s) => ({
      name: s.backend.name, kind: s.backend.kind, state: s.state, inflight: s.inflight, concurrency: s.backend.concurrency,
      done: s.done, failures: s.failures, perSecond: s.recent.filter((x) => x >= t - 60_000).length / 60,
      cooldownUntil: s.cooldownUntil, lastError: s.lastError,
    }));
  }

  close(): void {
    this.closed = true;
    for (const s of this.states) if (s.timer) { clearTimeout(s.timer); s.timer = null; }
    for (const w of this.waiters.splice(0)) { if (w.onAbort) w.signal?.removeEventListener('abort', w.onAbort); w.reject(new AppError('cancelled', 'The dispatcher was closed')); }
  }
}
