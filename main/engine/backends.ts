// The backends of a library context: the local engine and every enabled endpoint of the settings,
// ready for the dispatcher. Images for endpoints are cut at the tile size of the configured model
// (from its local folder when present, else SmolVLM's 512).
import type { AppContext } from '../service/context';
import { storeForContext } from '../models/context-store';
import { engineSettings } from '../models/settings';
import { Dispatcher, type CaptionBackend, type DispatcherOptions } from './dispatcher';
import { keyName, listEndpoints, localFallback, type EndpointConfig } from './endpoints';
import { OpenAiBackend } from './openai-backend';
import { tileSizeOf } from './tile-image';
import { WireImages } from './wire-images';
import { statSync } from 'node:fs';

export function localBackend(ctx: AppContext): CaptionBackend {
  return {
    name: 'local', kind: 'local', concurrency: 1,
    async caption(req) {
      const engine = ctx.engine();
      const model = req.model ?? configuredModel(ctx);
      if (model) await engine.configure({ model });
      return engine.caption(req);
    },
  };
}

/** The model the library is set to; null when its settings cannot be read. */
export function configuredModel(ctx: AppContext): string | null {
  try { return engineSettings(ctx.db).model; } catch { return null; }
}

/** Tile size of the model the library is set to, when its files are here. */
export function configuredTileSize(ctx: AppContext): number {
  try {
    const model = engineSettings(ctx.db).model;
    const isDir = (() => { try { return statSync(model).isDirectory(); } catch { return false; } })();
    return tileSizeOf(isDir ? model : storeForContext(ctx).resolveLocal(model));
  } catch {
    return tileSizeOf(null);
  }
}

export function endpointBackend(ctx: AppContext, e: EndpointConfig, tileSize = configuredTileSize(ctx), images: WireImages | null = null): OpenAiBackend {
  return new OpenAiBackend(e, ctx.secrets.get(keyName(e.name)), tileSize, images);
}

/** At most this many photos ahead get their images made (each a data URL: up to ~0.5 MB for a 512 px PNG tile). */
export const MAX_IMAGES_AHEAD = 32;

export function createDispatcher(ctx: AppContext, opts: Partial<DispatcherOptions> = {}): Dispatcher {
  const endpoints = listEndpoints(ctx.db).filter((e) => e.enabled);
  const tile = endpoints.length ? configuredTileSize(ctx) : 0;
  // One store of images made ahead for all endpoints: room for the photos ahead and those being taken.
  const images = endpoints.length ? new WireImages(2 * MAX_IMAGES_AHEAD) : null;
  const backends: CaptionBackend[] = endpoints.map((e) => endpointBackend(ctx, e, tile, images));
  backends.push(localBackend(ctx));
  return new Dispatcher(backends, { localFallback: localFallback(ctx.db), ...opts }, images);
}
