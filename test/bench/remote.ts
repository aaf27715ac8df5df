// `npm run bench -- remote [--json]`:
//  1. Dispatcher scaling: endpoints that answer after a fixed delay (BENCH_REMOTE_DELAY_MS, default
//     200 ms; concurrency 4 each; OpenAI-compatible test servers on 127.0.0.1, in a child process as
//     remote servers would be on other machines) caption small photos (64×48: below the 512 tile,
//     they travel at their own size) through the real AI queue (claim, PNG data URL, two requests
//     per photo for caption + tags, transactional save), BENCH_REMOTE_PER_LANE (20) photos per
//     endpoint slot. Captions/s with 1, 2, 4, 8 endpoints against the ideal
//     (endpoints × 4 / (2 × delay)); target ≥ 0.9 of ideal at 8.
//  2. Own-API overhead: the same captions on the forged tiny model through SmolAlbum's own
//     OpenAI-compatible API (HTTP, PNG data URL, the API's image file) vs the local engine directly, measured
//     alternately in one run (fp32 decoder, so both give the same captions); target ≤ 1.10.
//     Beside them, in the same loop, the floor of any API on this machine: the same backend (the
//     official `openai` client, the tile image made on demand, two requests) against a stand-in
//     server in this process that answers at once. No server can take less; (local + floor) / local
//     is the best ratio any API could reach here.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createContext, type AppContext } from '../../main/service/context';
import { createService } from '../../main/service/index';
import { nodeEngineFactory } from '../../main/engine/factory';
import { addRoot } from '../../main/library/roots';
import { scanRoots } from '../../main/library/indexer';
import { aiWorker } from '../../main/ai/worker';
import { cancelQueued, enqueueMissing, queueRerun } from '../../main/ai/queue';
import { setSetting } from '../../main/models/settings';
import { addEndpoint, removeEndpoint, listEndpoints, LOCAL_FALLBACK_KEY } from '../../main/engine/endpoints';
import { endpointBackend } from '../../main/engine/backends';
import { startServer } from '../../main/server/server';
import { apiKeyOf } from '../../main/server/openai-api';
import { makePhotos } from '../support/photos';
import { tinyModelDir } from '../support/models';
import { FaultServersProcess } from '../support/fault-openai-process';
import { FaultServer } from '../support/fault-openai';

const DELAY = Number(process.env.BENCH_REMOTE_DELAY_MS ?? 200);
const CONCURRENCY = 4;
const SCALES = [1, 2, 4, 8];
// Photos per lane (endpoint slot) in every run: the start (health checks, connections) and the last,
// partly filled round weigh the same at every scale, and throughput is measured in the steady state.
const PER_LANE = Number(process.env.BENCH_REMOTE_PER_LANE ?? 20);
const PHOTOS = Math.max(...SCALES) * CONCURRENCY * PER_LANE;

interface ScalingRow { endpoints: number; photos: number; perSecond: number; ideal: number; ratio: number; cpuMsPerCaption: number; cpuCeiling: number; ofCeiling: number }

async function scaling(ctx: AppContext): Promise<ScalingRow[]> {
  const out = [];
  const ids = (ctx.db.prepare('SELECT id FROM photos ORDER BY id').all() as { id: number }[]).map((r) => r.id);
  for (const n of SCALES) {
    const photos = n * CONCURRENCY * PER_LANE;
    const servers = new FaultServersProcess();
    await servers.start(n, DELAY);
    try {
      for (const e of listEndpoints(ctx.db)) removeEndpoint(ctx.db, ctx.secrets, e.name);
      for (const [i, url] of servers.baseUrls.entries()) addEndpoint(ctx.db, ctx.secrets, { url, name: `e${i}`, concurrency: CONCURRENCY });
      cancelQueued(ctx.db);
      queueRerun(ctx.db, ids.slice(0, photos), null);
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      const r = await aiWorker(ctx).run();
      const s = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(c0);
      if (r.captioned !== photos) throw new Error(`captioned ${r.captioned} of ${photos}`);
      const perSecond = photos / s;
      const ideal = (n * CONCURRENCY) / (2 * DELAY / 1000);
      // This process's CPU per caption (main thread and sharp's threads: tile decode + resize, PNG,
      // requests, SQLite): with every core busy no dispatcher can go beyond cores / that.
      const cpuMsPerCaption = (cpu.user + cpu.system) / 1000 / photos;
      const cpuCeiling = (os.availableParallelism() * 1000) / cpuMsPerCaption;
      out.push({
        endpoints: n, photos, perSecond: +perSecond.toFixed(1), ideal, ratio: +(perSecond / ideal).toFixed(3),
        cpuMsPerCaption: +cpuMsPerCaption.toFixed(1), cpuCeiling: +cpuCeiling.toFixed(1), ofCeiling: +(perSecond / Math.min(ideal, cpuCeiling)).toFixed(3),
      });
    } finally {
      await servers.stop();
    }
  }
  return out;
}

interface Overhead { localMs: number; apiMs: number; ratio: number; same: boolean; floorMs: number; floorRatio: number }

async function overhead(ctx: AppContext, files: string[]): Promise<Overhead> {
  const model = await tinyModelDir();
  setSetting(ctx.db, 'engine.model', model);
  const server = await startServer({ ctx, service: createService(ctx), port: 0, api: { key: apiKeyOf(ctx) } });
  const instant = new FaultServer();
  await instant.start();
  try {
    for (const e of listEndpoints(ctx.db)) removeEndpoint(ctx.db, ctx.secrets, e.name);
    const own = endpointBackend(ctx, addEndpoint(ctx.db, ctx.secrets, { url: `${server.url}v1`, name: 'self', apiKey: apiKeyOf(ctx), concurrency: 1 }));
    const floor = endpointBackend(ctx, addEndpoint(ctx.db, ctx.secrets, { url: instant.baseUrl, name: 'instant', concurrency: 1 }));
    const engine = ctx.engine();
    // fp32: the local caption's tags reuse its KV cache, the API recomputes them; only fp32 makes both identical.
    await engine.configure({ model, dtype: 'fp32' });
    await engine.load();
    const sample = files.slice(0, 12);
    await engine.caption({ path: sample[0], style: 'short', withTags: true });
    await own.caption({ path: sample[0], style: 'short', withTags: true });
    await floor.caption({ path: sample[0], style: 'short', withTags: true });
    let localMs = 0;
    let apiMs = 0;
    let floorMs = 0;
    let same = true;
    for (let rep = 0; rep < 2; rep++) {
      for (const f of sample) {
        let t = performance.now();
        const a = await engine.caption({ path: f, style: 'short', withTags: true });
        localMs += performance.now() - t;
        t = performance.now();
        const b = await own.caption({ path: f, style: 'short', withTags: true });
        apiMs += performance.now() - t;
        same &&= a.caption === b.caption && a.tags.join() === b.tags.join();
        t = performance.now();
        await floor.caption({ path: f, style: 'short', withTags: true });
        floorMs += performance.now() - t;
      }
    }
    const per = (ms: number) => +(ms / (2 * sample.length)).toFixed(1);
    return {
      localMs: per(localMs), apiMs: per(apiMs), ratio: +(apiMs / localMs).toFixed(3), same,
      floorMs: per(floorMs), floorRatio: +((localMs + floorMs) / localMs).toFixed(3),
    };
  } finally {
    await instant.stop();
    await server.close();
  }
}

export async function run({ json }: { json: boolean }): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'smolalbum-bench-remote-'));
  const ctx = createContext({ dataDir: path.join(dir, 'data'), engineFactory: nodeEngineFactory });
  try {
    const photos = path.join(dir, 'photos');
    // The tile size is SmolVLM's 512 when no local model is configured (as for a pure remote setup).
    const files = await makePhotos(photos, Array.from({ length: PHOTOS }, (_, i) => ({ rel: `p${i}.jpg`, seed: i, width: 64, height: 48 })));
    await addRoot(ctx.db, photos);
    await scanRoots(ctx);
    enqueueMissing(ctx.db);
    setSetting(ctx.db, LOCAL_FALLBACK_KEY, false);
    const scale = await scaling(ctx);
    const own = await overhead(ctx, files);
    const result = { delayMs: DELAY, concurrency: CONCURRENCY, photosPerSlot: PER_LANE, scaling: scale, ownApi: own, cpus: os.cpus().length };
    if (json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else {
      process.stdout.write(`Dispatcher: ${PER_LANE} photos per slot, endpoints answering after ${DELAY} ms, concurrency ${CONCURRENCY} each (2 requests per photo)\n`);
      for (const s of scale) {
        process.stdout.write(`  ${String(s.endpoints).padStart(2)} endpoint(s), ${s.photos} photos: ${s.perSecond} captions/s, ideal ${s.ideal} → ${s.ratio} of ideal`
          + ` (${s.cpuMsPerCaption} ms CPU per caption here: at most ${s.cpuCeiling}/s on ${os.availableParallelism()} cores → ${s.ofCeiling} of min(ideal, that))\n`);
      }
      process.stdout.write(`Own API vs local engine (tiny model, caption + tags): ${own.apiMs} ms vs ${own.localMs} ms per photo → ${own.ratio}× (same captions: ${own.same})\n`);
      process.stdout.write(`  floor: the same client and image against a server that answers at once: ${own.floorMs} ms per photo → no API can do better than ${own.floorRatio}× here\n`);
    }
  } finally {
    await ctx.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
