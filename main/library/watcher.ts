// Live watching of roots (chokidar): file events are collected, debounced, and fed to indexPaths —
// the same per-file path as a scan. Removed folders take their photos offline.
import type { Stats } from 'node:fs';
import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import type { AppContext } from '../service/context';
import { rootRows } from '../db/roots';
import { absolutePath } from './repo';
import { holdsNoMediaMarker, isIgnoredRel, toRel } from '../media/walk';
import { indexPaths, type IndexPathsResult } from './indexer';

export interface WatchOptions {
  /** Quiet time after the last event before indexing (ms). */
  debounceMs?: number;
  onBatch?(result: IndexPathsResult): void;
  onError?(err: Error): void;
}

export interface LibraryWatcher {
  /** Resolves once the initial crawl of the watched folders is done. */
  ready: Promise<void>;
  add(rootPath: string): void;
  remove(rootPath: string): void;
  /** Resolves when every batch collected so far has been indexed. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

const watchers = new WeakMap<AppContext, LibraryWatcher>();

/** The watcher of this library, if one runs (roots.add/remove keep it in step). */
export const activeWatcher = (ctx: AppContext): LibraryWatcher | undefined => watchers.get(ctx);

export function watchRoots(ctx: AppContext, opts: WatchOptions = {}): LibraryWatcher {
  const existing = watchers.get(ctx);
  if (existing) return existing;
  const debounceMs = opts.debounceMs ?? 300;
  // Kept in step by add/remove, so the ignore test (called for every path) needs no query.
  const watched = new Set(rootRows(ctx.db, { enabledOnly: true }).map((r) => r.path));
  // Hidden and system entries are ignored relative to their root (a root may itself sit in a dot
  // folder), and so are folders marked .nomedia (one marked later is left to indexPaths); a path
  // known to be a file is not looked into.
  const ignored = (p: string, stats?: Stats) => {
    for (const root of watched) {
      if (p.startsWith(root + path.sep)) return isIgnoredRel(toRel(root, p)) || ((!stats || stats.isDirectory()) && holdsNoMediaMarker(p));
    }
    return false;
  };
  const fsw: FSWatcher = watch([...watched], {
    ignoreInitial: true,
    followSymlinks: false,
    ignored,
    awaitWriteFinish: { stabilityThreshold: 200, pollInterval: 50 },
  });
  const pending = new Set<string>();
  let timer: NodeJS.Timeout | null = null;
  let work: Promise<void> = Promise.resolve();
  let closed = false;

  const flush = () => {
    timer = null;
    const paths = [...pending];
    pending.clear();
    if (!paths.length || closed) return;
    work = work.then(async () => {
      try {
        const result = await indexPaths(ctx, paths);
        opts.onBatch?.(result);
      } catch (err) {
        opts.onError?.(err as Error);
      }
    });
  };
  const schedule = (p: string) => {
    pending.add(p);
    if (timer) clearTimeout(timer);
    timer = setTimeout(flush, debounceMs);
  };
  // Every photo known below a removed folder is re-checked (and so goes offline).
  const folderGone = (dir: string) => {
    for (const root of rootRows(ctx.db)) {
      if (dir !== root.path && !dir.startsWith(root.path + path.sep)) continue;
      const rel = toRel(root.path, dir);
      const rows = ctx.db.prepare(`SELECT rel_path FROM photos WHERE root_id = ? AND status <> 'offline' AND (? = '' OR rel_path LIKE ? ESCAPE '\\')`)
        .all(root.id, rel, `${rel.replace(/[\\%_]/g, (c) => `\\${c}`)}/%`) as { rel_path: string }[];
      for (const r of rows) schedule(absolutePath(root.path, r.rel_path));
    }
  };
  fsw.on('add', schedule).on('change', schedule).on('unlink', schedule).on('unlinkDir', folderGone);
  fsw.on('error', (err) => opts.onError?.(err as Error));
  const ready = new Promise<void>((resolve) => fsw.once('ready', () => resolve()));

  const watcher: LibraryWatcher = {
    ready,
    add: (p) => { watched.add(p); fsw.add(p); },
    remove: (p) => { watched.delete(p); fsw.unwatch(p); },
    async idle() {
      while (timer || pending.size) {
        if (timer) { clearTimeout(timer); flush(); }
        await work;
      }
      await work;
    },
    async close() {
      if (closed) return;
      closed = true;
      if (timer) clearTimeout(timer);
      watchers.delete(ctx);
      await fsw.close();
      await work;
    },
  };
  watchers.set(ctx, watcher);
  ctx.onClose(() => watcher.close());
  return watcher;
}
