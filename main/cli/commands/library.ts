// Library commands: index, search, status, roots, watch.
import path from 'node:path';
import type { CliCommand, CliIo } from '../types';
import { invoke } from '../../service/invoke';
import { scanRoots, scansSettled } from '../../library/indexer';
import { watchRoots } from '../../library/watcher';
import { addRoot, findRoot } from '../../library/roots';
import { listRoots, rootRows } from '../../db/roots';
import { indexAiStage } from './ai';
import type { LibraryStatus, Progress, Root, ScanSummary, SearchResult } from '../../../shared/types';

function formatDuration(ms: number | null): string {
  if (ms === null) return '--';
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

const STAGE_LABEL: Record<Progress['stage'], string> = {
  discover: 'Finding photos', metadata: 'Reading metadata', thumbnail: 'Metadata + thumbnails', places: 'Places', ai: 'AI captions',
};

/** A live bar on a terminal; on pipes only stage changes, so logs stay short. */
function progressPrinter(io: CliIo): { update(p: Progress): void; end(): void } {
  let lastStage: string | null = null;
  let drawn = false;
  return {
    update(p) {
      if (io.isTTY) {
        const width = 30;
        const frac = p.total > 0 ? Math.min(1, p.done / p.total) : 0;
        const bar = '#'.repeat(Math.round(frac * width)).padEnd(width, '-');
        const count = p.stage === 'discover' ? `${p.done}` : `${p.done}/${p.total}`;
        const eta = p.stage === 'discover' ? '' : `  ETA ${formatDuration(p.etaMs)}`;
        io.log(`\r${STAGE_LABEL[p.stage].padEnd(22)} [${bar}] ${count}${eta}`.padEnd(80) + '\r');
        drawn = true;
      } else if (p.stage !== lastStage) {
        io.log(`${STAGE_LABEL[p.stage]}…`);
      }
      lastStage = p.stage;
    },
    end() { if (drawn) io.log(`\r${' '.repeat(80)}\r`); },
  };
}

function summaryText(s: ScanSummary): string {
  const parts = [`${s.added} new`, `${s.changed} changed`, `${s.unchanged} unchanged`];
  if (s.moved) parts.push(`${s.moved} moved`);
  if (s.restored) parts.push(`${s.restored} back online`);
  if (s.offline) parts.push(`${s.offline} offline`);
  parts.push(`${s.errors} errors`, `${s.thumbnails} thumbnails made`);
  return `${parts.join(', ')} in ${(s.ms / 1000).toFixed(1)}s`;
}

/** Stops work on Ctrl-C: the scan ends at a batch boundary and the next run resumes. */
function abortOnInterrupt(io: CliIo): AbortSignal {
  const ac = new AbortController();
  void io.interrupted.then(() => { io.log('\nStopping… (what is done is kept; the next run resumes)'); ac.abort(); });
  return ac.signal;
}

const indexCommand: CliCommand = {
  name: 'index',
  summary: 'Add folders to the library (if new) and index them: metadata and thumbnails',
  usage: 'index <dir>... [--no-ai] [--model M]',
  options: { 'no-ai': { type: 'boolean', default: false }, model: { type: 'string' } },
  async run({ positionals, values }, io) {
    if (!positionals.length) { io.log('Usage: smolalbum index <dir>... [--no-ai] [--model M]'); return 2; }
    const ctx = io.ctx();
    const rootIds = new Set<number>();
    for (const dir of positionals) {
      const abs = path.resolve(dir);
      const containing = await findContainingRoot(io, abs);
      rootIds.add(containing ?? (await addRoot(ctx.db, abs)).id);
    }
    io.log(`Indexing ${rootIds.size} folder${rootIds.size === 1 ? '' : 's'}…`);
    const printer = progressPrinter(io);
    const off = ctx.events.on('library.progress', (p) => printer.update(p));
    let summary: ScanSummary;
    try {
      summary = await scanRoots(ctx, { rootIds: [...rootIds], signal: abortOnInterrupt(io) });
    } finally {
      off();
      printer.end();
    }
    if (!io.json) {
      io.print(`Indexed: ${summaryText(summary)}`);
      for (const i of summary.issues) io.print(`  ! ${i.path}: ${i.message}`);
    }
    // XMP import, then captions unless --no-ai (the AI area's stage).
    const ai = await indexAiStage(io, { ai: values['no-ai'] !== true, model: typeof values.model === 'string' ? values.model : undefined });
    if (io.json) io.printJson({ ...summary, ai });
    return 0;
  },
};

/** A folder inside an existing root is indexed as part of that root. */
async function findContainingRoot(io: CliIo, abs: string): Promise<number | null> {
  const exact = await findRoot(io.ctx().db, abs);
  if (exact !== null) return exact;
  const inside = rootRows(io.ctx().db).find((r) => abs.startsWith(r.path + path.sep));
  if (inside) io.log(`${abs} is inside the library folder ${inside.path}; indexing that folder.`);
  return inside?.id ?? null;
}

const searchCommand: CliCommand = {
  name: 'search',
  summary: 'Search captions, tags, file names, folders, cameras and places (prefix match per word)',
  usage: 'search <query> [--tag T] [--camera C] [--folder F] [--place NAME] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--gps] [--limit N]',
  options: {
    tag: { type: 'string' }, camera: { type: 'string' }, folder: { type: 'string' }, place: { type: 'string' },
    from: { type: 'string' }, to: { type: 'string' }, gps: { type: 'boolean' }, limit: { type: 'string' },
  },
  async run({ positionals, values }, io) {
    const str = (k: string) => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
    const folder = str('folder');
    const limit = str('limit');
    const filters = {
      tag: str('tag'), camera: str('camera'),
      folder: folder && (folder.startsWith('.') || folder.startsWith('~')) ? path.resolve(folder) : folder,
      from: str('from'), to: str('to'), hasGps: values.gps === true ? true : undefined, place: str('place'),
    };
    const result = await invoke(io.service(), 'photos.search', {
      query: positionals.join(' '),
      filters: Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined)),
      limit: limit === undefined ? 20 : /^\d+$/.test(limit) ? Number(limit) : limit,
    }) as SearchResult;
    if (io.json) { io.printJson(result.hits); return 0; }
    if (!result.hits.length) { io.print('No photos found.'); return 0; }
    for (const h of result.hits) {
      const date = h.takenAt ? h.takenAt.slice(0, 10) : '----------';
      io.print(`#${String(h.id).padEnd(6)} ${date}  ${h.path}${h.camera ? `  [${h.camera}]` : ''}`);
      if (h.caption) io.print(`         ${h.caption}`);
      if (h.tags.length) io.print(`         tags: ${h.tags.join(', ')}`);
    }
    io.print(`${result.hits.length} of ${result.total}${result.totalCapped ? '+' : ''} shown.`);
    return 0;
  },
};

const statusCommand: CliCommand = {
  name: 'status',
  summary: 'Counts: photos, offline, errors, thumbnails, AI queue',
  usage: 'status',
  async run(_args, io) {
    const s = await invoke(io.service(), 'library.status', {}) as LibraryStatus;
    const out = {
      photos: s.photos, videos: s.videos, livePhotos: s.livePhotos, offline: s.offline, errors: s.errors, thumbnails: s.thumbnails,
      ai: { done: s.ai.done, queued: s.ai.queued, running: s.ai.running, failed: s.ai.failed },
    };
    if (io.json) { io.printJson(out); return 0; }
    io.print(`Photos:     ${out.photos} (${out.offline} offline, ${out.errors} with errors)`);
    io.print(`Videos:     ${out.videos} (${out.livePhotos} Live Photos)`);
    io.print(`Thumbnails: ${out.thumbnails}`);
    io.print(`AI:         ${out.ai.done} done, ${out.ai.queued} queued, ${out.ai.running} running, ${out.ai.failed} failed`);
    return 0;
  },
};

const ROOTS_USAGE = 'roots list | roots add <dir> | roots remove <dir|id>';

const rootsCommand: CliCommand = {
  name: 'roots',
  summary: 'List, add or remove library folders (remove forgets their photos; files are never touched)',
  usage: ROOTS_USAGE,
  async run({ positionals }, io) {
    const [sub, arg, ...extra] = positionals;
    const service = io.service();
    if (sub === 'list' && !arg) {
      const roots = await invoke(service, 'roots.list', {}) as Root[];
      if (io.json) io.printJson(roots);
      else if (!roots.length) io.print('No library folders yet. Try: smolalbum index ~/Pictures');
      else for (const r of roots) io.print(`#${String(r.id).padEnd(4)} ${r.path}  (${r.photoCount} photos${r.enabled ? '' : ', disabled'})`);
      return 0;
    }
    if (sub === 'add' && arg && !extra.length) {
      const root = await invoke(service, 'roots.add', { path: path.resolve(arg) }) as Root;
      // roots.add started the scan; this one-shot command waits for it before the library closes.
      if (!io.json) io.log(`Added #${root.id} ${root.path}; indexing…`);
      await scansSettled(io.ctx());
      const indexed = listRoots(io.ctx().db).find((r) => r.id === root.id) ?? root;
      if (io.json) io.printJson(indexed);
      else io.print(`Added #${root.id} ${root.path}: ${indexed.photoCount} photos indexed.`);
      return 0;
    }
    if (sub === 'remove' && arg && !extra.length) {
      const id = await findRoot(io.ctx().db, arg);
      const result = id === null ? { removed: false } : await invoke(service, 'roots.remove', { id }) as { removed: boolean };
      if (io.json) io.printJson(result);
      else io.print(result.removed ? `Removed ${arg} from the library (the files are untouched).` : `${arg} is not a library folder.`);
      return result.removed ? 0 : 1;
    }
    io.log(`Usage: smolalbum ${ROOTS_USAGE}`);
    return 2;
  },
};

const watchCommand: CliCommand = {
  name: 'watch',
  summary: 'Index every library folder, then keep indexing as files change (until Ctrl-C)',
  usage: 'watch',
  async run(_args, io) {
    const ctx = io.ctx();
    if (!rootRows(ctx.db, { enabledOnly: true }).length) { io.log('No library folders yet. Add one with: smolalbum index <dir>'); return 1; }
    const signal = abortOnInterrupt(io);
    const first = await scanRoots(ctx, { signal });
    if (io.json) io.printJson({ event: 'scan', ...first });
    else io.print(`Caught up: ${summaryText(first)}`);
    if (signal.aborted) return 0;
    const watcher = watchRoots(ctx, {
      onBatch: ({ summary, files }) => {
        if (io.json) { io.printJson({ event: 'batch', ...summary, files }); return; }
        for (const f of files) io.print(`${f.status.padEnd(8)} ${f.path}${f.message ? `  (${f.message})` : ''}`);
      },
      onError: (err) => io.log(`Watch error: ${err.message}`),
    });
    await watcher.ready;
    io.log('Watching for changes. Press Ctrl-C to stop.');
    await io.interrupted;
    await watcher.close();
    return 0;
  },
};

export const libraryCommands: CliCommand[] = [indexCommand, searchCommand, statusCommand, rootsCommand, watchCommand];
