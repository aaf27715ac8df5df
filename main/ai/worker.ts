// Works through the caption queue through the dispatcher (main/engine/dispatcher.ts): one lane per
// slot of every backend (the local engine, OpenAI-compatible endpoints), each lane claiming a job
// only once it holds a slot. Pause / resume / cancel, progress with ETA (`ai.status` events, with
// per-backend state), retries with a cap, and a clean stop when no backend can run at all (missing
// model, no device, no endpoint) instead of failing every photo.
import { setMaxListeners } from 'node:events';
import type { AppContext } from '../service/context';
import type { AiStatus } from '../../shared/types';
import { isPaused } from './ai-settings';
import {
  cancelQueued, claimNext, completeJob, dropJob, enqueueMissing, jobCounts, jobPhotoPath, queuedPhotos, recoverInterrupted, releaseJob, retryOrFail,
  type Job,
} from './queue';
import { captionImagePath } from './image-path';
import { importXmpMetadata } from './xmp-import';
import { saveCaptionFrames, videoKeyframes } from './video-frames';
import { AppError } from '../../shared/errors';
import { configuredModel, createDispatcher, MAX_IMAGES_AHEAD } from '../engine/backends';
import type { Dispatcher, Slot } from '../engine/dispatcher';
import type { DispatcherOptions } from '../engine/dispatcher';

export interface AiRunOptions {
  /** Model for jobs that don't name one (default: the configured engine model). */
  model?: string;
  /** Stops the run; the photo in flight goes back to the queue. */
  signal?: AbortSignal;
  /** Keep waiting for new photos when the queue is empty (the app); otherwise return (CLI). */
  follow?: boolean;
  onStatus?: (s: AiStatus) => void;
  /** Dispatcher tuning (tests: short cooldowns). */
  dispatcher?: Partial<DispatcherOptions>;
}

export interface AiRunSummary {
  captioned: number;
  failed: number;
  stoppedBy: 'drained' | 'paused' | 'aborted' | 'engine';
  /** Why the engine could not run (stoppedBy 'engine'). */
  error: string | null;
  ms: number;
  /** Photos whose image for an endpoint was made while earlier ones were captioned (main/engine/wire-images.ts). */
  imagesReady: number;
}

/** Engine error kinds after which no other photo can succeed either: stop, keep the queue. */
const FATAL_ENGINE_CODES = new Set(['model', 'device']);
/** Kinds a retry cannot fix (the same image gives the same error). */
const PERMANENT_CODES = new Set(['image', 'input']);
const ETA_WINDOW = 20;
const POLL_MS = 30_000;
const PROGRESS_MS = 250;

const workers = new WeakMap<AppContext, AiWorker>();

/** One worker per library context (the queue is per library; two loops would just race). */
export function aiWorker(ctx: AppContext): AiWorker {
  let w = workers.get(ctx);
  if (!w) { w = new AiWorker(ctx); workers.set(ctx, w); }
  return w;
}

export class AiWorker {
  private active: Promise<AiRunSummary> | null = null;
  private readonly inflight = new Set<AbortController>();
  private dispatcher: Dispatcher | null = null;
  private readonly durations: number[] = [];
  private model: string | null = null;
  private readonly wakers = new Set<() => void>();
  /** Set by stop()/cancel(): the loop ends and the photo in flight is released. */
  private halt: 'stop' | 'cancel' | null = null;
  private closeHooked = false;
  private listening = false;
  private recovered = false;
  /** Why the last run ended early (engine unavailable); cleared by the next captioned photo. */
  private lastError: string | null = null;

  constructor(private readonly ctx: AppContext) {}

  get running(): boolean { return this.active !== null; }

  status(): AiStatus {
    const c = jobCounts(this.ctx.db);
    const avg = this.durations.length ? this.durations.reduce((a, b) => a + b, 0) / this.durations.length : null;
    return {
      done: c.done, queued: c.queued, running: c.running, failed: c.failed,
      paused: isPaused(this.ctx.db),
      etaMs: avg !== null && c.queued + c.running > 0 ? Math.round(avg * (c.queued + c.running)) : null,
      model: this.model ?? configuredModel(this.ctx),
      lastError: this.lastError,
      ...(this.dispatcher?.hasRemote ? { backends: this.dispatcher.status() } : {}),
    };
  }

  /** Runs the queue (or joins the run in progress). */
  run(opts: AiRunOptions = {}): Promise<AiRunSummary> {
    if (this.active) { this.wakeAll(); return this.active; }
    // A job left running belongs to a process that died: queue it again (once, when this process
    // starts working the queue — merely reading the status changes nothing).
    if (!this.recovered) { recoverInterrupted(this.ctx.db); this.recovered = true; }
    this.halt = null;
    this.active = this.loop(opts).finally(() => { this.active = null; this.emit(opts); });
    return this.active;
  }

  /**
   * The app's mode: caption in the background and keep following the library. The indexer hands
   * each written batch on through `indexed()` (no event listener, no echo to filter).
   */
  startBackground(opts: Omit<AiRunOptions, 'follow' | 'signal'> = {}): void {
    if (!this.listening) {
      this.listening = true;
      this.ctx.onClose(() => { this.listening = false; return this.stop(); });
    }
    void this.run({ ...opts, follow: true }).catch(() => {});
  }

  /**
   * The indexer's hand-off after each batch of photos it wrote (scans, indexPaths, the watcher):
   * with a background worker, existing XMP text is imported (even while captioning is paused) and
   * new photos are queued and the loop woken at once. Without one (the CLI) the caller runs the
   * AI stage itself.
   */
  indexed(): void {
    if (!this.listening) return;
    const queue = () => { if (this.active) this.nudge(); };
    importXmpMetadata(this.ctx).then(queue, queue);
  }

  /**
   * The model or device changed: a background worker that stopped because the engine could not run
   * starts again at once, a waiting one is woken.
   */
  engineChanged(): void {
    if (!this.listening || isPaused(this.ctx.db)) return;
    if (this.active) this.nudge();
    else void this.run({ follow: true }).catch(() => {});
  }

  /** Queues photos that need captions and wakes a waiting loop at once (also after ai.rerun). */
  nudge(): number {
    const queued = enqueueMissing(this.ctx.db);
    this.wakeAll();
    return queued;
  }

  private wakeAll(): void {
    for (const w of [...this.wakers]) w();
  }

  /** Stops the run; the photo in flight stays queued. */
  async stop(): Promise<void> {
    await this.halt_('stop');
  }

  /** Stops the run and cancels the queue (`ai start` queues the cancelled jobs again). */
  async cancel(): Promise<void> {
    await this.halt_('cancel');
    cancelQueued(this.ctx.db);
  }

  private async halt_(how: 'stop' | 'cancel'): Promise<void> {
    if (!this.active) return;
    this.halt = how;
    for (const c of this.inflight) c.abort();
    this.lanesAbort?.abort();
    this.wakeAll();
    await this.active.catch(() => {});
  }

  private emit(opts: AiRunOptions): AiStatus {
    if (this.progressTimer) { clearTimeout(this.progressTimer); this.progressTimer = null; }
    const s = this.status();
    // Stamped after the recount, when the event leaves: the interval between events is what is throttled.
    this.lastEmit = Date.now();
    this.ctx.events.emit('ai.status', s);
    opts.onStatus?.(s);
    return s;
  }

  private lanesAbort: AbortController | null = null;
  /** Photos whose images are being made ahead (the dispatcher's store holds them until claimed). */
  private readonly ahead = new Set<number>();
  private lastEmit = 0;
  private progressTimer: NodeJS.Timeout | null = null;

  /**
   * Progress after a photo: status recounts the queue, so with many endpoints captioning dozens of
   * photos a second it goes out at most every PROGRESS_MS, the latest state last.
   */
  private progress(opts: AiRunOptions): void {
    const wait = this.lastEmit + PROGRESS_MS - Date.now();
    if (wait <= 0) { this.emit(opts); return; }
    if (this.progressTimer) return;
    this.progressTimer = setTimeout(() => { this.progressTimer = null; this.emit(opts); }, wait);
    this.progressTimer.unref();
  }

  private async loop(opts: AiRunOptions): Promise<AiRunSummary> {
    const started = Date.now();
    const summary: AiRunSummary = { captioned: 0, failed: 0, stoppedBy: 'drained', error: null, ms: 0, imagesReady: 0 };
    this.emit(opts);
    const dispatcher = createDispatcher(this.ctx, opts.dispatcher);
    this.dispatcher = dispatcher;
    this.ahead.clear();
    // The first photos' images are made while the endpoints' health checks run.
    if (dispatcher.hasRemote) this.prepareAhead(dispatcher);
    // Ends every lane's wait for a slot when the run stops (a stop, the caller's signal, an engine stop).
    const lanesAbort = new AbortController();
    // Every lane waits on it (for a slot, for new photos): more listeners than Node's default 10.
    setMaxListeners(0, lanesAbort.signal);
    this.lanesAbort = lanesAbort;
    const onAbort = () => lanesAbort.abort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const lanes = Math.max(1, dispatcher.capacity);
      await Promise.all(Array.from({ length: lanes }, () => this.lane(dispatcher, opts, summary, lanesAbort)));
    } finally {
      opts.signal?.removeEventListener('abort', onAbort);
      summary.imagesReady = dispatcher.imagesServedAhead;
      dispatcher.close();
      this.lanesAbort = null;
    }
    summary.ms = Date.now() - started;
    return summary;
  }

  /** One lane: hold a slot, claim a job for it, caption, repeat. */
  private async lane(dispatcher: Dispatcher, opts: AiRunOptions, summary: AiRunSummary, lanesAbort: AbortController): Promise<void> {
    const { db } = this.ctx;
    const end = (why: AiRunSummary['stoppedBy'], error: string | null = null) => {
      if (summary.stoppedBy === 'drained' || why === 'engine') { summary.stoppedBy = why; if (error) summary.error = error; }
      lanesAbort.abort();
    };
    for (;;) {
      if (opts.signal?.aborted || this.halt) { end('aborted'); return; }
      if (lanesAbort.signal.aborted) return;
      if (isPaused(db)) { end('paused'); return; }
      let slot: Slot;
      try { slot = await dispatcher.acquire(lanesAbort.signal); } catch { return; }
      const job = claimNext(db);
      if (job) this.ahead.delete(job.photo_id);
      if (job && slot.kind === 'openai') this.prepareAhead(dispatcher);
      if (!job) {
        dispatcher.release(slot);
        if (!opts.follow || !(await this.idle(lanesAbort.signal))) return;
        continue;
      }
      const outcome = await this.process(job, slot, dispatcher, opts);
      if (outcome === 'done') { summary.captioned++; this.lastError = null; }
      else if (outcome === 'failed') summary.failed++;
      else if (outcome === 'stopped') { end(opts.signal?.aborted || this.halt ? 'aborted' : 'paused'); return; }
      else if (outcome !== 'retry') {
        // The local engine cannot run: with endpoints left, they carry on without it.
        if (dispatcher.hasRemote && slot.kind === 'local') {
          dispatcher.disable('local', outcome.error);
          if (dispatcher.usable) { this.lastError = outcome.error; continue; }
        }
        this.lastError = outcome.error;
        end('engine', outcome.error);
        return;
      }
      this.progress(opts);
    }
  }

  /**
   * While endpoints caption the photos in flight, the next queued photos' images are made (see
   * main/engine/wire-images.ts). The local engine reads its own images: nothing is made for it.
   */
  private prepareAhead(dispatcher: Dispatcher): void {
    const window = Math.min(MAX_IMAGES_AHEAD, dispatcher.remoteCapacity);
    // One look at the queue per several claims: topped up once half the photos ahead are taken.
    if (this.ahead.size > window / 2) return;
    const next = queuedPhotos(this.ctx.db, window);
    // Photos that left the queue otherwise (a job cancelled or dropped) are forgotten.
    const queued = new Set(next.map((n) => n.photoId));
    for (const id of this.ahead) if (!queued.has(id)) this.ahead.delete(id);
    for (const { photoId, path } of next) {
      if (this.ahead.has(photoId)) continue;
      this.ahead.add(photoId);
      captionImagePath(this.ctx, photoId, path).then((file) => dispatcher.prepare(file), () => undefined);
    }
  }

  /** Waits for new work (a nudge, a poll tick or a stop); false when the run should end. */
  private idle(signal?: AbortSignal): Promise<boolean> {
    return new Promise((resolve) => {
      const done = (more: boolean) => { clearTimeout(timer); signal?.removeEventListener('abort', onAbort); this.wakers.delete(wake); resolve(more); };
      const onAbort = () => done(false);
      const timer = setTimeout(() => {
        try { enqueueMissing(this.ctx.db); done(true); } catch { done(false); }
      }, POLL_MS);
      timer.unref();
      signal?.addEventListener('abort', onAbort, { once: true });
      const wake = () => done(!signal?.aborted && !this.halt && !isPaused(this.ctx.db));
      this.wakers.add(wake);
    });
  }

  private async process(job: Job, slot: Slot, dispatcher: Dispatcher, opts: AiRunOptions): Promise<'done' | 'failed' | 'retry' | 'stopped' | { error: string }> {
    const { db } = this.ctx;
    const original = jobPhotoPath(db, job.photo_id);
    if (!original) { dispatcher.release(slot); dropJob(db, job); return 'retry'; }
    // Without one, the local backend uses the configured model (endpoints serve their own).
    const model = job.model ?? opts.model ?? null;
    const controller = new AbortController();
    const onAbort = () => controller.abort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    this.inflight.add(controller);
    const started = Date.now();
    try {
      // Registered after the engine's own closer so that closing the library stops this loop first.
      if (!this.closeHooked) { this.closeHooked = true; this.ctx.engine(); this.ctx.onClose(() => this.stop()); }
      // A video is captioned from its keyframes, all in one prompt (issue 12).
      const frames = await videoKeyframes(this.ctx, job.photo_id, original, controller.signal);
      const r = await dispatcher.captionWith(slot, {
        path: frames ? frames[0]!.path : await captionImagePath(this.ctx, job.photo_id, original),
        frames: frames?.map((f) => f.path), style: 'short', withTags: true, signal: controller.signal, model: model ?? undefined,
      });
      if (controller.signal.aborted) throw Object.assign(new Error('stopped'), { code: 'cancelled' });
      const caption = r.caption.trim();
      if (!caption && !r.tags.length) throw Object.assign(new Error('the model returned an empty caption'), { code: 'empty' });
      const saved = db.transaction(() => {
        if (!completeJob(db, job, { caption, tags: r.tags, model: r.model, prompt: r.prompt, backend: r.backend, endpoint: r.endpoint })) return false;
        if (frames) saveCaptionFrames(db, job.photo_id, frames);
        return true;
      })();
      if (!saved) return 'retry';
      this.model = r.model;
      this.durations.push(Date.now() - started);
      if (this.durations.length > ETA_WINDOW) this.durations.shift();
      // For views only: nothing in the pipeline listens to it.
      this.ctx.events.emit('library.changed', { photoIds: [job.photo_id] });
      return 'done';
    } catch (err) {
      // Engine errors carry the engine's kind in `code`; endpoint errors only an AppError kind.
      const code = (err as { code?: unknown }).code ?? (slot.kind === 'openai' ? (err as { kind?: unknown }).kind : undefined);
      const message = (err as Error).message || String(err);
      if (controller.signal.aborted || code === 'cancelled' || this.halt || isPaused(db)) {
        releaseJob(db, job, this.halt === 'cancel' ? 'cancelled' : 'queued');
        return 'stopped';
      }
      if (typeof code === 'string' && FATAL_ENGINE_CODES.has(code)) { releaseJob(db, job); return { error: message }; }
      if (code === undefined && /No inference engine/.test(message)) { releaseJob(db, job); return { error: message }; }
      // A clip with no decodable frame stays so: no retry.
      const unreadableClip = err instanceof AppError && err.kind === 'unsupported';
      const retryable = !unreadableClip && !(typeof code === 'string' && (PERMANENT_CODES.has(code) || code === 'empty'));
      return retryOrFail(db, job, message, retryable) === 'failed' ? 'failed' : 'retry';
    } finally {
      opts.signal?.removeEventListener('abort', onAbort);
      this.inflight.delete(controller);
      dispatcher.release(slot); // no-op when captionWith released it
    }
  }
}
