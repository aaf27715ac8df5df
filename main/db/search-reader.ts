// photos.search off the event loop: a worker thread (main/db/search-worker.ts) with its own read-only
// connection runs the query, so a broad search over a million photos (50–150 ms of SQLite) never
// stalls web mode's one event loop or the desktop app's main process while they index, stream events
// and serve thumbnails. Started with the reader (idle, it does not hold up an exit), restarted after a
// crash; requests are answered in order. It also runs counts for the caller: smart albums' capped
// counts, which overlap the album page read on the caller's thread (main/albums/album-repo.ts).
// From .ts sources the worker runs under tsx; the build ships out/db/search-worker.js.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { AppError, isErrorKind } from '../../shared/errors';
import type { SearchResult } from '../../shared/types';
import { searchPhotos, type SearchOptions } from './search';
import { nativeBindingFile, type Db } from './connection';
import { runCount, type CountQuery } from './statements';
import type { SearchAsk, SearchCall, SearchReply, SearchWorkerData } from './search-worker';

export interface SearchReader {
  search(opts: SearchOptions): Promise<SearchResult>;
  /** A count (./statements.ts CountQuery) on the reader's connection. */
  count(q: CountQuery): Promise<number>;
  close(): Promise<void>;
}

/** On the caller's thread: for the CLI and tests, where nothing else waits on the event loop. */
export function inlineSearchReader(db: Db): SearchReader {
  return { search: async (opts) => searchPhotos(db, opts), count: async (q) => runCount(db, q), close: async () => {} };
}

function workerFor(dbFile: string): Worker {
  const here = import.meta.url;
  const workerData: SearchWorkerData = { dbFile, nativeBinding: nativeBindingFile() };
  if (here.endsWith('.ts')) {
    const tsx = path.join(path.dirname(createRequire(here).resolve('tsx/package.json')), 'dist/esm/api/index.mjs');
    const entry = new URL('./search-worker.ts', here).href;
    const boot = `const { tsImport } = await import(${JSON.stringify(pathToFileURL(tsx).href)}); await tsImport(${JSON.stringify(entry)}, ${JSON.stringify(entry)});`;
    return new Worker(boot, { eval: true, workerData });
  }
  const file = fileURLToPath(new URL('../db/search-worker.js', here));
  if (!existsSync(file)) throw new AppError('internal', `The search worker is missing: ${file} (run npm run build).`);
  return new Worker(file, { workerData });
}

export function threadSearchReader(dbFile: string): SearchReader {
  let worker: Worker | null = null;
  let next = 1;
  const pending = new Map<number, { resolve: (r: unknown) => void; reject: (e: Error) => void }>();
  const fail = (err: Error) => { for (const p of pending.values()) p.reject(err); pending.clear(); };
  const start = (): Worker => {
    const w = workerFor(dbFile);
    w.on('message', (reply: SearchReply) => {
      const p = pending.get(reply.id);
      if (!p) return;
      pending.delete(reply.id);
      if (!pending.size) w.unref();
      if ('error' in reply) p.reject(new AppError(isErrorKind(reply.error.kind) ? reply.error.kind : 'internal', reply.error.message));
      else p.resolve(reply.result);
    });
    w.on('error', (err) => fail(new AppError('internal', `The search thread failed: ${err.message}`)));
    w.on('exit', () => { if (worker === w) worker = null; fail(new AppError('unavailable', 'The search thread stopped; search again')); });
    return w;
  };
  // Booted now rather than by the first search, which waited ~0.5 s for it (module loading, the
  // connection). A worker that cannot start is reported by the first search, not by opening the library.
  try {
    worker = start();
    worker.unref();
  } catch { /* worker stays null: the first call starts it and rejects with the reason */ }
  const ask = <T>(call: SearchAsk): Promise<T> => {
    try { worker ??= start(); } catch (err) { return Promise.reject(err); }
    const id = next++;
    const w = worker;
    // Only a call in flight keeps the process alive: an idle thread does not hold up an exit.
    w.ref();
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (r: unknown) => void, reject });
      w.postMessage({ id, ...call } satisfies SearchCall);
    });
  };
  return {
    search: (opts) => ask<SearchResult>({ opts }),
    count: (count) => ask<number>({ count }),
    async close() {
      const w = worker;
      worker = null;
      if (w) await w.terminate();
    },
  };
}
