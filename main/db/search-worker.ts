// The search thread (main/db/search-reader.ts): its own read-only connection to the library —
// WAL lets it read while the main connection writes — answering photos.search queries.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { kindOf } from '../../shared/errors';
import type { Db } from './connection';
import { searchPhotos, type SearchOptions } from './search';

export interface SearchCall { id: number; opts: SearchOptions }
export type SearchReply = { id: number; result: unknown } | { id: number; error: { message: string; kind: string } };

const db: Db = new Database((workerData as { dbFile: string }).dbFile, { readonly: true, fileMustExist: true });
db.pragma('busy_timeout = 5000');
db.pragma('cache_size = -65536');

parentPort!.on('message', ({ id, opts }: SearchCall) => {
  let reply: SearchReply;
  try {
    reply = { id, result: searchPhotos(db, opts) };
  } catch (err) {
    reply = { id, error: { message: err instanceof Error ? err.message : String(err), kind: kindOf(err) } };
  }
  parentPort!.postMessage(reply);
});
