// AI commands: `ai start|pause|cancel|status|rerun [--model M] [--photos QUERY]`, `edit PATH…` for a
// person's caption/tags, and the AI stage that `index` runs unless --no-ai.
import type { CliCommand, CliIo } from '../types';
import type { AiStatus } from '../../../shared/types';
import { invoke } from '../../service/invoke';
import { aiWorker, type AiRunSummary } from '../../ai/worker';
import { normalizeModelRef, resumeQueue, runAiStage, type AiStageSummary } from '../../ai/stage';
import { setPaused, isPaused } from '../../ai/ai-settings';
import { queueRerunFor } from '../../ai/rerun';
import { photoIdsForPaths } from '../../albums/path-lookup';

const USAGE = 'ai start|pause|cancel|status|rerun [--model M] [--photos QUERY]';

function formatEta(ms: number | null): string {
  if (ms === null) return '--';
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/** A live bar on a terminal; on pipes one line per 10% so logs stay short. */
function statusPrinter(io: CliIo): { update(s: AiStatus): void; end(): void } {
  let total = 0;
  let lastDecile = -1;
  let drawn = false;
  return {
    update(s) {
      const done = s.done + s.failed;
      total = Math.max(total, done + s.queued + s.running);
      const frac = total ? done / total : 1;
      if (io.isTTY) {
        const bar = '#'.repeat(Math.round(frac * 30)).padEnd(30, '-');
        io.log(`\r${'AI captions'.padEnd(22)} [${bar}] ${done}/${total}  ETA ${formatEta(s.etaMs)}`.padEnd(80) + '\r');
        drawn = true;
      } else if (Math.floor(frac * 10) !== lastDecile) {
        lastDecile = Math.floor(frac * 10);
        io.log(`AI captions: ${done}/${total} (ETA ${formatEta(s.etaMs)})`);
      }
    },
    end() { if (drawn) io.log(`\r${' '.repeat(80)}\r`); },
  };
}

function abortOnInterrupt(io: CliIo): AbortSignal {
  const ac = new AbortController();
  void io.interrupted.then(() => { io.log('\nStopping… (captions made so far are kept; the next run resumes)'); ac.abort(); });
  return ac.signal;
}

function runText(r: AiRunSummary): string {
  const how = { drained: 'queue done', paused: 'paused', aborted: 'stopped', engine: 'engine unavailable' }[r.stoppedBy];
  return `${r.captioned} captioned, ${r.failed} failed in ${(r.ms / 1000).toFixed(1)}s (${how})`;
}

/** Runs the queue in the foreground with a progress bar until it is empty, paused or interrupted. */
async function runForeground(io: CliIo, model: string | undefined): Promise<AiRunSummary> {
  const printer = statusPrinter(io);
  try {
    return await aiWorker(io.ctx()).run({ model, signal: abortOnInterrupt(io), onStatus: (s) => printer.update(s) });
  } finally {
    printer.end();
  }
}

/** What `index` calls after its scan: XMP import always; captions unless --no-ai. */
export async function indexAiStage(io: CliIo, opts: { ai: boolean; model?: string }): Promise<AiStageSummary & { status: AiStatus }> {
  const printer = statusPrinter(io);
  let result: AiStageSummary;
  try {
    result = await runAiStage(io.ctx(), { ai: opts.ai, model: normalizeModelRef(opts.model), signal: abortOnInterrupt(io), onStatus: (s) => printer.update(s) });
  } finally {
    printer.end();
  }
  for (const e of result.xmp.errors) io.log(`  ! ${e.path}: ${e.error}`);
  if (result.run) {
    io.print(`AI: ${runText(result.run)}`);
    if (result.run.error) io.log(`AI stage stopped: ${result.run.error}`);
  } else if (result.queued) io.print(`AI: ${result.queued} photos queued for captions (run \`smolalbum ai start\`)`);
  return { ...result, status: aiWorker(io.ctx()).status() };
}

function printStatus(io: CliIo, s: AiStatus, extra: Record<string, unknown> = {}): void {
  if (io.json) { io.printJson({ ...s, ...extra }); return; }
  io.print(`AI: ${s.done} done, ${s.queued} queued, ${s.running} running, ${s.failed} failed${s.paused ? ' (paused)' : ''}`
    + `${s.etaMs !== null ? `, ETA ${formatEta(s.etaMs)}` : ''}${s.model ? ` — model ${s.model}` : ''}`);
  // Where the captions were made (with endpoints configured): per backend, as the status bar shows it.
  for (const b of s.backends ?? []) {
    io.print(`  ${b.name} (${b.kind}): ${b.done} done, ${b.failures} failed, ${b.perSecond.toFixed(2)}/s over the last minute`
      + `${b.state !== 'ok' ? `, ${b.state}` : ''}${b.lastError ? ` — last error: ${b.lastError}` : ''}`);
  }
}

export const aiCommand: CliCommand = {
  name: 'ai',
  summary: 'Background captioning: start (runs until the queue is empty), pause, cancel, status, rerun',
  usage: USAGE,
  options: { model: { type: 'string' }, photos: { type: 'string' } },
  async run({ positionals, values }, io) {
    const ctx = io.ctx();
    const model = normalizeModelRef(typeof values.model === 'string' ? values.model : undefined);
    switch (positionals[0]) {
      case 'status':
        printStatus(io, aiWorker(ctx).status());
        return 0;
      case 'pause':
        setPaused(ctx.db, true);
        printStatus(io, aiWorker(ctx).status());
        return 0;
      case 'cancel':
        await aiWorker(ctx).cancel();
        printStatus(io, aiWorker(ctx).status());
        return 0;
      case 'start':
      case 'rerun': {
        let queued: number;
        if (positionals[0] === 'rerun') {
          queued = queueRerunFor(ctx, { model, query: typeof values.photos === 'string' ? values.photos : undefined });
          io.log(`${queued} photos queued for new captions${model ? ` with ${model}` : ''}`);
          if (isPaused(ctx.db)) { io.log('The queue is paused; `smolalbum ai start` resumes it.'); printStatus(io, aiWorker(ctx).status(), { queued }); return 0; }
        } else {
          queued = resumeQueue(ctx);
        }
        const run = await runForeground(io, model);
        const status = aiWorker(ctx).status();
        if (io.json) io.printJson({ ...status, run });
        else { io.print(`AI: ${runText(run)}`); printStatus(io, status); }
        if (run.error) { io.log(`Error: ${run.error}`); return 1; }
        return 0;
      }
    }
    io.log(`Usage: smolalbum ${USAGE}`);
    return 2;
  },
};

export const editCommand: CliCommand = {
  name: 'edit',
  summary: 'Set a photo\'s caption, tags, place, rating or favourite by hand (kept over AI and the file\'s own)',
  usage: 'edit PATH... [--caption TEXT] [--tag T]... [--untag T]... [--place "CITY, CC" | --clear-place] [--rating N] [--favourite|--no-favourite]',
  options: {
    caption: { type: 'string' },
    rating: { type: 'string' },
    favourite: { type: 'boolean' },
    'no-favourite': { type: 'boolean' },
    tag: { type: 'string', multiple: true },
    untag: { type: 'string', multiple: true },
    place: { type: 'string' },
    'clear-place': { type: 'boolean' },
  },
  async run({ positionals, values }, io) {
    const tags = (values.tag as string[] | undefined) ?? [];
    const untags = (values.untag as string[] | undefined) ?? [];
    const place = typeof values.place === 'string' ? values.place : undefined;
    const clearPlace = values['clear-place'] === true;
    const usage = 'Usage: smolalbum edit PATH... [--caption TEXT] [--tag T]... [--untag T]... [--place "CITY, CC" | --clear-place] [--rating N] [--favourite|--no-favourite]';
    const rating = typeof values.rating === 'string' ? Number(values.rating) : undefined;
    if (rating !== undefined && !(Number.isInteger(rating) && rating >= 0 && rating <= 5)) {
      io.log(`--rating takes 0–5 stars, not "${String(values.rating)}"`);
      return 2;
    }
    if (values.favourite && values['no-favourite']) { io.log('--favourite and --no-favourite together: pick one'); return 2; }
    const favourite = values.favourite ? true : values['no-favourite'] ? false : undefined;
    if (!positionals.length || (values.caption === undefined && !tags.length && !untags.length && place === undefined && !clearPlace
      && rating === undefined && favourite === undefined)) {
      io.log(usage);
      return 2;
    }
    const { ids, missing } = photoIdsForPaths(io.ctx().db, positionals);
    for (const m of missing) io.log(`Not in the library: ${m}`);
    const service = io.service();
    const results: unknown[] = [];
    // One place for all the photos: a city name is looked up once (places.set takes them together).
    if (ids.length && (place !== undefined || clearPlace)) {
      await invoke(service, 'places.set', { photoIds: ids, to: clearPlace ? null : { city: place! } });
    }
    for (const id of ids) {
      if (typeof values.caption === 'string') await invoke(service, 'photos.setCaption', { id, text: values.caption });
      if (tags.length) await invoke(service, 'photos.addTags', { id, tags });
      if (untags.length) await invoke(service, 'photos.removeTags', { id, tags: untags });
      if (rating !== undefined || favourite !== undefined) await invoke(service, 'photos.rate', { ids: [id], rating, favourite });
      results.push(await invoke(service, 'photos.get', { id }));
    }
    if (io.json) io.printJson(results);
    else io.print(`Updated ${ids.length} photo${ids.length === 1 ? '' : 's'}`);
    return missing.length ? 1 : 0;
  },
};
