// Everything a handler needs, created once per data folder. Adapters build one and pass it around.
import { openDb, type Db } from '../db/connection';
import { EventBus } from './events';
import { dataPaths, type DataPaths } from './paths';
import { createLogger, type Logger } from './log';
import { AppError } from '../../shared/errors';
import type { EngineClient } from '../engine/client';
import { createSecretStore, secretsFile, type SecretCodec, type SecretStore } from '../engine/secrets';
import { closeExifTool } from '../media/exiftool';
import { closeHeifWorkers } from '../media/heic';
import { inlineSearchReader, threadSearchReader, type SearchReader } from '../db/search-reader';

export interface ContextOptions {
  dataDir: string;
  /** Creates the engine client lazily (child_process fork for Node, utilityProcess in Electron). */
  engineFactory?: (ctx: AppContext) => EngineClient;
  env?: NodeJS.ProcessEnv;
  /** Where this library logs (default: the rotated file logs/main.log in the data folder; the CLI passes stderr). */
  log?: Logger;
  /** How secrets are sealed in DATA/secrets.json (Electron safeStorage in the desktop app; plain in a 0600 file otherwise). */
  secretCodec?: SecretCodec;
  /** Searches on a worker thread (web mode, the desktop app), not on the event loop. */
  searchThread?: boolean;
}

export interface AppContext {
  readonly paths: DataPaths;
  readonly db: Db;
  readonly events: EventBus;
  readonly env: NodeJS.ProcessEnv;
  readonly log: Logger;
  /** API keys (endpoints, the own API): never in settings, never sent to the renderer. */
  readonly secrets: SecretStore;
  /** The inference process client, started on first use. */
  engine(): EngineClient;
  /** Where photos.search runs: a worker thread when the context was made with searchThread. */
  readonly searchReader: SearchReader;
  /** Registered by areas that hold resources (watchers, engine, timers). */
  onClose(fn: () => Promise<void> | void): void;
  close(): Promise<void>;
}

export function createContext(opts: ContextOptions): AppContext {
  const env = opts.env ?? process.env;
  const paths = dataPaths(opts.dataDir, env);
  const db = openDb(paths.db);
  const events = new EventBus();
  const log = opts.log ?? createLogger({ dir: paths.logs });
  const closers: (() => Promise<void> | void)[] = [];
  let engine: EngineClient | null = null;
  const searchReader = opts.searchThread ? threadSearchReader(paths.db) : inlineSearchReader(db);
  const ctx: AppContext = {
    paths, db, events, env, log, searchReader,
    secrets: createSecretStore(secretsFile(paths.root), opts.secretCodec),
    engine() {
      if (!engine) {
        if (!opts.engineFactory) throw new AppError('unavailable', 'No inference engine is available in this process.');
        engine = opts.engineFactory(ctx);
        closers.push(() => engine?.close());
      }
      return engine;
    },
    onClose(fn) { closers.push(fn); },
    async close() {
      for (const fn of closers.splice(0).reverse()) await fn();
      // Process-wide media helpers (the one ExifTool process, the HEIC decoder workers) end with
      // the app's context; a later use starts them again.
      await closeExifTool();
      await closeHeifWorkers();
      await searchReader.close();
      db.close();
    },
  };
  return ctx;
}
