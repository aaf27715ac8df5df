// The indexing pipeline's last stages, after metadata and thumbnails: import existing XMP/IPTC text,
// queue photos that need captions, and (unless disabled) caption them through the engine.
import { statSync } from 'node:fs';
import path from 'node:path';
import type { AppContext } from '../service/context';
import type { AiStatus } from '../../shared/types';
import { importXmpMetadata, type XmpImportSummary } from './xmp-import';
import { enqueueMissing, resumeCancelled } from './queue';
import { isPaused, setPaused } from './ai-settings';
import { aiWorker, type AiRunSummary } from './worker';

export interface AiStageOptions {
  /** Run the captioning (false: only import XMP and queue, as `index --no-ai`). */
  ai: boolean;
  model?: string;
  signal?: AbortSignal;
  onStatus?: (s: AiStatus) => void;
}

export interface AiStageSummary {
  xmp: XmpImportSummary;
  queued: number;
  run: AiRunSummary | null;
}

export async function runAiStage(ctx: AppContext, opts: AiStageOptions): Promise<AiStageSummary> {
  const xmp = await importXmpMetadata(ctx);
  const queued = enqueueMissing(ctx.db);
  if (!opts.ai) return { xmp, queued, run: null };
  const run = await aiWorker(ctx).run({ model: opts.model, signal: opts.signal, onStatus: opts.onStatus });
  return { xmp, queued, run };
}

/** `ai start`: clear a pause, bring cancelled jobs back, queue what is missing. */
export function resumeQueue(ctx: AppContext): number {
  setPaused(ctx.db, false);
  resumeCancelled(ctx.db);
  return enqueueMissing(ctx.db);
}

/** A model folder is recorded by its absolute path (captions keep it as their model id); repo ids as given. */
export function normalizeModelRef(ref: string | undefined): string | undefined {
  if (!ref) return undefined;
  try { return statSync(ref).isDirectory() ? path.resolve(ref) : ref; } catch { return ref; }
}

/**
 * For the desktop app and web mode at launch: caption in the background (and follow scans and the
 * watcher) unless the person paused the queue. The CLI runs the queue in the foreground instead.
 */
export function startAiInBackground(ctx: AppContext): void {
  if (isPaused(ctx.db)) return;
  enqueueMissing(ctx.db);
  aiWorker(ctx).startBackground();
}
