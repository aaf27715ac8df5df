// The low-priority preview stage (issue 10, "a fast first run"): scans make only the grid thumbnail;
// in the long-running app, once every scanned photo has it, this stage makes the 1600 px previews
// one photo at a time, so opening a photo later is instant. It never competes with a scan (it waits
// while one runs), resumes where it stopped (a cursor over photo ids, kept in settings), and skips
// photos whose preview exists or cannot be made (the detail then makes it, or shows the grid size).
// The CLI never starts it; scans hand on to it through kickPreviews().
import { existsSync } from 'node:fs';
import type { AppContext } from '../service/context';
import { getSettings, storeSetting } from '../models/settings';
import { ensurePreview, thumbFiles } from './thumbs';
import { absolutePath, HAS_THUMB_SQL } from './repo';
import { libraryState } from './state';
import { isVideoFormat, type MediaFormat } from '../../shared/media';

export const PREVIEW_CURSOR_KEY = 'previews.cursor';
const BATCH = 32;
/** Pause between two previews: the stage takes what the app leaves. */
const BREATHE_MS = 20;
const SCAN_WAIT_MS = 500;

interface Row { id: number; content_hash: string; format: MediaFormat; root_path: string; rel_path: string }
interface Stage { running: Promise<void> | null; again: boolean; stop: AbortController }
const stages = new WeakMap<AppContext, Stage>();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms).unref());

/** Starts the stage for a long-running library (the app, web mode); it stops when the library closes. */
export function startPreviewStage(ctx: AppContext): void {
  if (stages.has(ctx)) return;
  const stage: Stage = { running: null, again: false, stop: new AbortController() };
  stages.set(ctx, stage);
  ctx.onClose(async () => { stage.stop.abort(); await stage.running; });
  kickPreviews(ctx);
}

/** New photos have grid thumbnails: make their previews (a no-op where the stage was not started). */
export function kickPreviews(ctx: AppContext): void {
  const stage = stages.get(ctx);
  if (!stage || stage.stop.signal.aborted) return;
  if (stage.running) { stage.again = true; return; }
  stage.running = (async () => {
    do {
      stage.again = false;
      await drain(ctx, stage.stop.signal).catch((err: Error) => ctx.log.warn(`Preview stage: ${err.message}`));
    } while (stage.again && !stage.stop.signal.aborted);
  })().finally(() => { stage.running = null; });
}

/** Resolves once the stage has nothing left to do (tests, the benchmark). */
export async function previewsSettled(ctx: AppContext): Promise<void> {
  while (stages.get(ctx)?.running) await stages.get(ctx)!.running;
}

async function drain(ctx: AppContext, signal: AbortSignal): Promise<void> {
  // The id range is walked in order and stops after a batch: CROSS JOIN keeps photos outside, and the
  // unary + keeps SQLite off the status index (it read every ok photo and sorted them: 0.6–1.3 s a
  // batch at 1M photos, on the event loop of the app or web mode).
  const next = ctx.db.prepare(`SELECT p.id, p.content_hash, p.format, r.path AS root_path, p.rel_path
    FROM photos p CROSS JOIN roots r ON r.id = p.root_id
    WHERE p.id > ? AND +p.status IN ('ok','damaged') AND p.content_hash IS NOT NULL AND p.format IS NOT NULL AND r.enabled = 1 AND ${HAS_THUMB_SQL}
    ORDER BY p.id LIMIT ${BATCH}`);
  for (;;) {
    const cursor = Number(getSettings(ctx.db)[PREVIEW_CURSOR_KEY] ?? 0) || 0;
    const rows = next.all(cursor) as Row[];
    if (!rows.length) return;
    for (const row of rows) {
      // Scans first: wait while one runs.
      while (libraryState(ctx).progress !== null && !signal.aborted) await sleep(SCAN_WAIT_MS);
      if (signal.aborted) return;
      // A video's detail plays the clip: its preview image is its poster (the grid thumbnail).
      if (!isVideoFormat(row.format) && !existsSync(thumbFiles(ctx.paths.thumbs, row.content_hash).preview)) {
        await ensurePreview(ctx.paths.thumbs, row.content_hash, absolutePath(row.root_path, row.rel_path), { format: row.format })
          .catch(() => { /* offline, damaged beyond the grid size, changed meanwhile: the detail copes */ });
        storeSetting(ctx.db, PREVIEW_CURSOR_KEY, row.id);
        await sleep(BREATHE_MS);
      }
      if (signal.aborted) return;
    }
    storeSetting(ctx.db, PREVIEW_CURSOR_KEY, rows.at(-1)!.id);
    // Photos that all have their preview cost no await above: a pause, so that the walk over a big
    // library's existing previews takes what the app leaves rather than every turn of its event loop.
    await sleep(BREATHE_MS);
  }
}
