// The engines.* methods of the contract: the endpoint list (keys write-only), local fallback, and a
// test that lists an endpoint's models and captions a sample image, timing it.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import type { Service } from '../../shared/api';
import type { AppContext } from '../service/context';
import { storeSetting } from '../models/settings';
import { addEndpoint, endpointInfo, findEndpoint, listEndpoints, localFallback, LOCAL_FALLBACK_KEY, removeEndpoint, updateEndpoint } from './endpoints';
import { endpointBackend } from './backends';
import type { EndpointTest } from '../../shared/contract/engines';

type EngineHandlers = Pick<Service, 'engines.list' | 'engines.add' | 'engines.update' | 'engines.remove' | 'engines.setLocalFallback' | 'engines.test'>;

/** A small picture with some structure (sky over a field), made on the fly. */
async function sampleImage(dir: string): Promise<string> {
  const w = 256, h = 256;
  const px = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const i = (y * w + x) * 3;
    if (y < h / 2) { px[i] = 90 + (y >> 2); px[i + 1] = 150 + (y >> 2); px[i + 2] = 230; } else { px[i] = 60; px[i + 1] = 140 + ((x * y) & 31); px[i + 2] = 50; }
  }
  const file = path.join(dir, 'sample.png');
  await sharp(px, { raw: { width: w, height: h, channels: 3 } }).png().toFile(file);
  return file;
}

export async function testEndpoint(ctx: AppContext, name: string): Promise<EndpointTest> {
  const backend = endpointBackend(ctx, findEndpoint(ctx.db, name));
  const out: EndpointTest = { name, ok: false, models: [], model: null, caption: null, latencyMs: null, error: null };
  const dir = mkdtempSync(path.join(os.tmpdir(), 'smolalbum-test-'));
  try {
    out.models = await backend.models();
    const t0 = performance.now();
    const r = await backend.caption({ path: await sampleImage(dir), style: 'short' });
    out.latencyMs = Math.round(performance.now() - t0);
    out.caption = r.caption;
    out.model = r.model;
    out.ok = true;
  } catch (err) {
    out.error = (err as Error).message;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

export function engineHandlers(ctx: AppContext): EngineHandlers {
  const info = (e: Parameters<typeof endpointInfo>[0]) => endpointInfo(e, ctx.secrets);
  return {
    async 'engines.list'() {
      return { endpoints: listEndpoints(ctx.db).map(info), localFallback: localFallback(ctx.db) };
    },
    async 'engines.add'(input) {
      return info(addEndpoint(ctx.db, ctx.secrets, input));
    },
    async 'engines.update'({ name, ...patch }) {
      return info(updateEndpoint(ctx.db, ctx.secrets, name, patch));
    },
    async 'engines.remove'({ name }) {
      removeEndpoint(ctx.db, ctx.secrets, name);
      return { removed: true };
    },
    async 'engines.setLocalFallback'({ enabled }) {
      storeSetting(ctx.db, LOCAL_FALLBACK_KEY, enabled);
      return { localFallback: enabled };
    },
    async 'engines.test'({ name }) {
      return testEndpoint(ctx, name);
    },
  };
}
