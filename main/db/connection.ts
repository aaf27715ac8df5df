// Opens the library database: WAL, foreign keys, migrations in one transaction each.
import Database from 'better-sqlite3';
import { migrations } from './schema';
import { AppError } from '../../shared/errors';

export type Db = Database.Database;

const fromTheFuture = (found: number, supported: number) => new AppError('unsupported',
  `This library was written by a newer SmolAlbum (schema ${found}; this version understands up to ${supported}). Update SmolAlbum to open it.`);

/**
 * The better-sqlite3 addon to load instead of its default build/Release one. The Electron app sets it
 * to the copy built for Electron's ABI (scripts/electron-abi.mjs), so Node (tests, CLI) and Electron
 * each keep a working build side by side.
 */
let nativeBinding: string | undefined;
export function useNativeBinding(file: string | undefined): void { nativeBinding = file; }
/** The addon set by useNativeBinding: threads that open their own connection load the same one. */
export const nativeBindingFile = (): string | undefined => nativeBinding;

export function openDb(file: string, opts: { readonly?: boolean } = {}): Db {
  const db = new Database(file, { readonly: opts.readonly ?? false, ...(nativeBinding ? { nativeBinding } : {}) });
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  // NORMAL is durable across process crashes in WAL mode (only an OS crash can lose the last commits).
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  // 64 MB page cache (default 2 MB): FTS and tag lookups over a 100k-photo library stay in memory.
  db.pragma('cache_size = -65536');
  // Reads through a memory map of the file (up to SQLite's default ceiling, 2 GB): a row lookup that
  // misses the page cache is a memory read instead of a read() call. At a million photos a smart
  // album's count visits ~14,000 rows in random order: 75 ms without the map, 37 ms with it
  // (`npm run bench -- library --photos 1000000`). Writes still go through the WAL.
  db.pragma('mmap_size = 2147418112');
  if (!opts.readonly) {
    migrate(db);
    // Planner statistics, as SQLite recommends for long-lived apps: analyses only the tables that
    // need it, on a bounded sample (milliseconds even at a million photos).
    db.pragma('analysis_limit = 400');
    db.pragma('optimize = 0x10002');
  }
  return db;
}

export function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > migrations.length) throw fromTheFuture(current, migrations.length);
  for (let v = current; v < migrations.length; v++) {
    db.transaction(() => {
      migrations[v]!(db);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}

export const nowIso = (): string => new Date().toISOString();
