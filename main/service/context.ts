// Everything a handler needs, created once per data folder. Adapters build one and pass it around.
import { openDb, type Db } from '../db/connection';
import { EventBus } from './events';
import { dataPaths, type DataPaths } from './paths';
import type { EngineClient } from '../engine/client';
import { createSecretStore, secretsFile, type SecretCodec, type SecretStore } from '../engine/secrets';

export interface ContextOptions {
  dataDir: string;
  /** Creates the engine client lazily (child_process fork for Node, utilityProcess in Electron). */
  engineFactory?: (ctx: AppContext) => EngineClient;
  env?: NodeJS.ProcessEnv;
  /** How secrets are sealed in DATA/secrets.json (Electron safeStorage in the desktop app; plain in a 0600 file otherwise). */
  secretCodec?: SecretCodec;
}

export interface AppContext {
  readonly paths: DataPaths;
  readonly db: Db;
  readonly events: EventBus;
  readonly env: NodeJS.ProcessEnv;
  /** API keys (endpoints, the own API): never in settings, never sent to the renderer. */
  readonly secrets: SecretStore;
  /** The inference process client, started on first use. */
  engine(): EngineClient;
  /** Registered by areas that hold resources (watchers, engine, timers). */
  onClose(fn: () => Promise<void> | void): void;
  close(): Promise<void>;
}

export function createContext(opts: ContextOptions): AppContext {
  const env = opts.env ?? process.env;
  const paths = dataPaths(opts.dataDir, env);
  const db = openDb(paths.db);
  const events = new EventBus();
  const closers: (() => Promise<void> | void)[] = [];
  let engine: EngineClient | null = null;
  const ctx: AppContext = {
    paths, db, events, env,
    secrets: createSecretStore(secretsFile(paths.root), opts.secretCodec),
    engine() {
      if (!engine) {
        if (!opts.engineFactory) throw new Error('No inference engine is available in this process.');
        engine = opts.engineFactory(ctx);
        closers.push(() => engine?.close());
      }
      return engine;
    },
    onClose(fn) { closers.push(fn); },
    async close() {
      for (const fn of closers.splice(0).reverse()) await fn();
      db.close();
    },
  };
  return ctx;
}
