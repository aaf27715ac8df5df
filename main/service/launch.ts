// What a long-running front end (desktop app, web mode) starts next to the service: a startup scan
// for what changed while SmolAlbum was closed, live watching of the roots, and background captioning.
// The CLI's one-shot commands run these stages in the foreground instead.
import type { AppContext } from './context';
import { watchRoots } from '../library/watcher';
import { scanRoots } from '../library/indexer';
import { startAiInBackground } from '../ai/stage';
import { recoverInterrupted } from '../ai/queue';
import { applyLocalApi } from '../server/local-api';
import { startPreviewStage } from '../library/preview-stage';

export interface LaunchOptions {
  scan: boolean;
  ai: boolean;
  log: (message: string) => void;
}

export function startLibraryServices(ctx: AppContext, opts: LaunchOptions): { close(): Promise<void> } {
  // Jobs a killed run left `running` go back to the queue now, with or without AI, so the status never
  // reports work that nothing does (the worker would do the same when it starts).
  recoverInterrupted(ctx.db);
  const watcher = watchRoots(ctx, {
    onBatch: ({ summary }) => {
      const n = summary.added + summary.changed + summary.moved + summary.restored;
      if (n > 0) opts.log(`Indexed ${n} new or changed file${n === 1 ? '' : 's'}.`);
    },
    onError: (err) => opts.log(`Watching failed: ${err.message}`),
  });
  // The OpenAI-compatible API comes back on if it was switched on (Settings ▸ Engines).
  applyLocalApi(ctx).catch((err: Error) => opts.log(`Local API: ${err.message}`));
  // 1600 px previews, made at low priority after scans (scans hand on to it).
  startPreviewStage(ctx);
  // Background captioning follows scans and the watcher by itself once started.
  const startAi = () => { if (opts.ai) startAiInBackground(ctx); };
  if (opts.scan) {
    scanRoots(ctx).then(startAi, (err: Error) => { opts.log(`Scan failed: ${err.message}`); startAi(); });
  } else {
    startAi();
  }
  return { close: () => watcher.close() };
}
