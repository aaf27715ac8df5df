// The search thread (main/db/search-reader.ts): its own read-only connection to the library —
// WAL lets it read while the main connection writes — answering photos.search queries and counting
// rows for the caller (a smart album's capped count, while the caller reads the album's page).
import { parentPort, workerData } from 'node:worker_threads';
import { kindOf } from '../../shared/errors';
import { openDb, useNativeBinding } from './connection';
import { searchPhotos, type SearchOptions } from './search';
import { runCount, type CountQuery } from './statements';

export type SearchAsk = { opts: SearchOptions } | { count: CountQuery };
export type SearchCall = SearchAsk & { id: number };
export type SearchReply = { id: number; result: unknown } | { id: number; error: { message: string; kind: string } };

export interface SearchWorkerData { dbFile: string; nativeBinding: string | undefined }

const data = workerData as SearchWorkerData;
// The desktop app's addon is the one built for Electron (main/app/main.ts sets it on the main thread).
useNativeBinding(data.nativeBinding);
const db = openDb(data.dbFile, { readonly: true });

parentPort!.on('message', (call: SearchCall) => {
  let reply: SearchReply;
  try {
    reply = { id: call.id, result: 'count' in call ? runCount(db, call.count) : searchPhotos(db, call.opts) };
  } catch (err) {
    reply = { id: call.id, error: { message: err instanceof Error ? err.message : String(err), kind: kindOf(err) } };
  }
  parentPort!.postMessage(reply);
});
