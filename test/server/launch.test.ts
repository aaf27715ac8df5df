// What the desktop app and web mode start beside the service (main/service/launch.ts): a startup scan,
// live watching and background captioning — on the real indexer, watcher and inference process.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createContext, type AppContext } from '../../main/service/context';
import { createService } from '../../main/service/index';
import { nodeEngineFactory } from '../../main/engine/factory';
import { startLibraryServices } from '../../main/service/launch';
import type { Service } from '../../shared/api';
import type { EventEmitter } from 'node:events';
import { invoke } from '../../main/service/invoke';
import { makePhotos } from '../support/photos';
import { tinyModelDir } from '../support/models';

let dir: string;
let photos: string;

async function until(check: () => Promise<boolean> | boolean, what: string, ms = 90_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const aiCaptions = (ctx: AppContext) =>
  (ctx.db.prepare(`SELECT count(*) AS n FROM captions WHERE source = 'ai'`).get() as { n: number }).n;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'smolalbum-launch-'));
  photos = path.join(dir, 'photos');
  await makePhotos(photos, [{ rel: 'a.jpg', seed: 1 }, { rel: 'b.jpg', seed: 2 }, { rel: 'sub/c.png', format: 'png', seed: 3 }]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('library services at launch', () => {
  let ctx: AppContext;
  let service: Service;
  let services: { close(): Promise<void> };
  const logs: string[] = [];

  beforeAll(async () => {
    ctx = createContext({ dataDir: path.join(dir, 'data'), engineFactory: nodeEngineFactory });
    service = createService(ctx);
    // Folders and the model are chosen in an earlier session; nothing has been scanned yet.
    ctx.db.prepare(`INSERT INTO roots (path, added_at) VALUES (?, ?)`).run(photos, new Date().toISOString());
    await service['engine.configure']({ model: await tinyModelDir() });
    services = startLibraryServices(ctx, { scan: true, ai: true, log: (m) => logs.push(m) });
  }, 120_000);
  afterAll(async () => {
    await services?.close();
    await ctx?.close();
  });

  it('scans the roots and captions every photo in the background', async () => {
    await until(async () => (await service['library.status']({})).photos === 3, 'the startup scan');
    await until(() => aiCaptions(ctx) === 3, 'background captions');
    const status = await service['library.status']({});
    expect(status.ai).toMatchObject({ done: 3, queued: 0, failed: 0, lastError: null });
  }, 120_000);

  it('a photo added while running is indexed by the watcher and captioned without a rescan', async () => {
    await makePhotos(photos, [{ rel: 'later.jpg', seed: 9 }]);
    await until(async () => (await service['library.status']({})).photos === 4, 'the watcher');
    await until(() => aiCaptions(ctx) === 4, 'the new photo\'s caption');
    const hit = await service['photos.search']({ query: 'later', filters: {}, limit: 10 });
    expect(hit.hits.map((h) => path.basename(h.path))).toEqual(['later.jpg']);
    expect(hit.hits[0]!.caption).toBeTruthy();
  }, 120_000);
});

describe('adding a folder', () => {
  it('roots.add alone indexes the folder and the AI captions it, with no library.changed listener anywhere', async () => {
    const ctx = createContext({ dataDir: path.join(dir, 'data-add'), engineFactory: nodeEngineFactory });
    const service = createService(ctx);
    try {
      await service['engine.configure']({ model: await tinyModelDir() });
      // The app's background worker, following the pipeline's hand-offs only (no startup scan: no roots yet).
      const services = startLibraryServices(ctx, { scan: false, ai: true, log: () => {} });
      const listeners = (ctx.events as unknown as { emitter: EventEmitter }).emitter;
      expect(listeners.listenerCount('library.changed')).toBe(0);
      // As an adapter calls it (File ▸ Add Folder, the web UI, the CLI): through invoke, with the contract's defaults.
      const root = await invoke(service, 'roots.add', { path: photos }) as { id: number };
      await until(async () => (await service['library.status']({})).photos === 4, 'the scan roots.add started');
      await until(() => aiCaptions(ctx) === 4, 'captions of the added folder');
      expect(listeners.listenerCount('library.changed')).toBe(0);
      expect((await service['roots.list']({})).find((r) => r.id === root.id)).toMatchObject({ photoCount: 4 });
      await services.close();
    } finally {
      await ctx.close();
    }
  }, 120_000);
});

describe('without a usable model', () => {
  it('indexes, then reports why captioning stopped instead of failing silently', async () => {
    const ctx = createContext({ dataDir: path.join(dir, 'data-no-model'), engineFactory: nodeEngineFactory });
    const service = createService(ctx);
    const services = { close: async () => {} };
    try {
      ctx.db.prepare(`INSERT INTO roots (path, added_at) VALUES (?, ?)`).run(photos, new Date().toISOString());
      // A folder that is not a model: the engine cannot load it.
      const notAModel = mkdtempSync(path.join(dir, 'not-a-model-'));
      await service['engine.configure']({ model: notAModel }).catch(() => {});
      Object.assign(services, startLibraryServices(ctx, { scan: true, ai: true, log: () => {} }));
      await until(async () => (await service['library.status']({})).photos >= 3, 'the startup scan');
      await until(async () => (await service['library.status']({})).ai.lastError !== null, 'the AI error');
      const status = await service['library.status']({});
      expect(status.ai.done).toBe(0);
      expect(status.ai.lastError).toMatch(/\S/);
      expect(aiCaptions(ctx)).toBe(0);
    } finally {
      await services.close();
      await ctx.close();
    }
  }, 120_000);
});
