// Caption batches: a queue of files captioned one after another through the engine, each item
// reported with `caption.item` as it changes. A bad file fails alone; cancel stops the running item
// and marks the rest. Batches live in memory (they are a working list, not library data).
import { endpointBackend } from '../engine/backends';
import { findEndpoint } from '../engine/endpoints';
import { randomUUID } from 'node:crypto';
import type { AppContext } from '../service/context';
import type { CaptionBatch, CaptionItem, CaptionStyle } from '../../shared/contract/chat';
import { decodeCheck, inspectImage } from '../media/check';
import { removeUpload } from '../uploads/store';
import type { CaptionInput } from './inputs';
import { fillPrompt, wrapCaption } from './prompt';
import { AppError } from '../../shared/errors';
import { fileKeyframes } from '../ai/video-frames';

export interface BatchOptions {
  style: CaptionStyle;
  prompt?: string;
  prefix: string;
  suffix: string;
  /** Endpoint name; undefined: the local engine. */
  engine?: string;
}

/** Provenance of a caption, for adding it to the library. */
export interface CaptionOrigin { model: string | null; prompt: string | null; edited: boolean }

export interface BatchEntry { item: CaptionItem; input: CaptionInput; origin: CaptionOrigin }

interface BatchState {
  batch: CaptionBatch;
  inputs: Map<string, CaptionInput>;
  origins: Map<string, CaptionOrigin>;
  opts: BatchOptions;
  controller: AbortController;
  finished: Promise<void>;
}

/** Finished batches kept for editing/export; older ones are forgotten. */
const KEEP_BATCHES = 50;

const batchNotFound = (id: string) => new AppError('not_found', `Caption batch ${id} does not exist (batches are kept until the app closes).`);

export class CaptionBatches {
  private readonly batches = new Map<string, BatchState>();

  constructor(private readonly ctx: AppContext) {}

  start(inputs: CaptionInput[], rejected: CaptionBatch['rejected'], opts: BatchOptions): CaptionBatch {
    if (opts.style === 'custom' && !opts.prompt?.trim()) throw new AppError('input', 'A custom style needs a prompt.');
    const id = randomUUID();
    const items: CaptionItem[] = inputs.map((input, i) => ({
      id: String(i + 1),
      name: input.name,
      // Uploads have no meaningful path on this machine: show the name only.
      path: input.source === 'upload' ? input.name : input.file,
      status: 'queued',
      source: input.source,
      caption: null,
      tags: [],
      error: null,
      ms: null,
    }));
    const state: BatchState = {
      batch: { id, style: opts.style, state: 'running', items, rejected },
      inputs: new Map(items.map((item, i) => [item.id, inputs[i]!])),
      origins: new Map(),
      opts,
      controller: new AbortController(),
      finished: Promise.resolve(),
    };
    this.batches.set(id, state);
    this.forgetOld();
    state.finished = this.run(state);
    return snapshot(state.batch);
  }

  get(id: string): CaptionBatch {
    return snapshot(this.state(id).batch);
  }

  /** Resolves when the batch has no running item any more. */
  async settled(id: string): Promise<CaptionBatch> {
    const s = this.state(id);
    await s.finished;
    return snapshot(s.batch);
  }

  async cancel(id: string): Promise<CaptionBatch> {
    const s = this.state(id);
    s.controller.abort();
    await s.finished;
    return snapshot(s.batch);
  }

  edit(id: string, itemId: string, caption: string): CaptionItem {
    const s = this.state(id);
    const item = s.batch.items.find((i) => i.id === itemId);
    if (!item) throw new AppError('not_found', `Batch ${id} has no item ${itemId}.`);
    if (item.status !== 'done') throw new AppError('conflict', `${item.name} has no caption to edit yet (${item.status}).`);
    item.caption = caption;
    const origin = s.origins.get(itemId);
    if (origin) origin.edited = true;
    this.emit(s, item);
    return { ...item };
  }

  /** Items with their source file, for saving and indexing. */
  entries(id: string): BatchEntry[] {
    const s = this.state(id);
    return s.batch.items.map((item) => ({
      item: { ...item }, input: s.inputs.get(item.id)!,
      origin: { ...(s.origins.get(item.id) ?? { model: null, prompt: null, edited: false }) },
    }));
  }

  async closeAll(): Promise<void> {
    const all = [...this.batches.values()];
    for (const s of all) s.controller.abort();
    await Promise.allSettled(all.map((s) => s.finished));
  }

  private state(id: string): BatchState {
    const s = this.batches.get(id);
    if (!s) throw batchNotFound(id);
    return s;
  }

  private async run(s: BatchState): Promise<void> {
    const signal = s.controller.signal;
    for (const item of s.batch.items) {
      if (signal.aborted) break;
      const input = s.inputs.get(item.id)!;
      item.status = 'running';
      this.emit(s, item);
      const t0 = Date.now();
      try {
        // A video is captioned from its keyframes in one prompt, as in the library (issue 12).
        const frames = (await fileKeyframes(this.ctx, input.file, signal))?.map((f) => f.path);
        if (!frames) {
          // Check the file ourselves first: a damaged image gets a plain message, not an engine stack.
          await inspectImage(input.file, input.name);
          await decodeCheck(input.file, input.name);
        }
        const prompt = s.opts.style === 'custom' ? fillPrompt(s.opts.prompt ?? '', { filename: input.name, folder: input.folder }) : undefined;
        const engine = s.opts.engine ? endpointBackend(this.ctx, findEndpoint(this.ctx.db, s.opts.engine)) : this.ctx.engine();
        const result = await engine.caption({ path: frames?.[0] ?? input.file, frames, style: s.opts.style, prompt, signal });
        const text = s.opts.style === 'tags' && result.tags.length ? result.tags.join(', ') : result.caption;
        item.caption = wrapCaption(text, s.opts.prefix, s.opts.suffix);
        item.tags = result.tags;
        item.status = 'done';
        s.origins.set(item.id, { model: result.model, prompt: result.prompt, edited: false });
      } catch (err) {
        if (signal.aborted) item.status = 'cancelled';
        else {
          item.status = 'error';
          item.error = (err as Error).message;
        }
      }
      item.ms = Date.now() - t0;
      this.emit(s, item);
    }
    for (const item of s.batch.items) {
      if (item.status === 'queued') {
        item.status = 'cancelled';
        this.emit(s, item);
      }
    }
    // The browser's uploads were only needed to caption them.
    for (const input of s.inputs.values()) {
      if (input.uploadId) await removeUpload(this.ctx.paths.uploads, input.uploadId).catch(() => {});
    }
    s.batch.state = signal.aborted ? 'cancelled' : 'done';
  }

  private emit(s: BatchState, item: CaptionItem): void {
    this.ctx.events.emit('caption.item', { batchId: s.batch.id, item: { ...item, tags: [...item.tags] } });
  }

  private forgetOld(): void {
    for (const [id, s] of this.batches) {
      if (this.batches.size <= KEEP_BATCHES) break;
      if (s.batch.state !== 'running') this.batches.delete(id);
    }
  }
}

function snapshot(b: CaptionBatch): CaptionBatch {
  return { ...b, items: b.items.map((i) => ({ ...i, tags: [...i.tags] })), rejected: [...b.rejected] };
}
