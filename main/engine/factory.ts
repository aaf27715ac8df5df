// Builds the EngineClient of a library context: the host over an inference-process port, the model
// resolved through the model store (a local folder is used as is), the user's engine settings, and
// status changes forwarded as `engine.status` events.
import { statSync } from 'node:fs';
import path from 'node:path';
import type { AppContext } from '../service/context';
import type { EngineClient, EngineConfig } from './client';
import type { EnginePortFactory } from './port';
import { storeForContext } from '../models/context-store';
import { engineSettings } from '../models/settings';
import { EngineHost, type EngineHostOptions } from './host';
import { createNodePort } from './node-port';

/** A folder given as the model is loaded as is, so its own problems are reported (not "not downloaded"). */
function asFolder(ref: string): string | null {
  try {
    return statSync(ref).isDirectory() ? path.resolve(ref) : null;
  } catch {
    return null;
  }
}

function savedConfig(ctx: AppContext): Partial<EngineConfig> {
  try {
    return engineSettings(ctx.db);
  } catch {
    return {}; // settings table not there yet: defaults
  }
}

export function createEngineHost(ctx: AppContext, portFactory: EnginePortFactory, extra: Partial<EngineHostOptions> = {}): EngineHost {
  const store = storeForContext(ctx);
  const host = new EngineHost({
    portFactory,
    resolveModel: (ref) => asFolder(ref) ?? store.resolveLocal(ref),
    cacheDir: path.join(ctx.paths.root, 'cache', 'transformers'),
    config: savedConfig(ctx),
    ...extra,
  });
  host.onStatus((s) => ctx.events.emit('engine.status', s));
  return host;
}

/** Engine factory for plain Node (CLI, web mode, tests): the inference process is a child_process.fork. */
export function nodeEngineFactory(ctx: AppContext): EngineClient {
  return createEngineHost(ctx, () => createNodePort());
}
