// The Settings switch for SmolAlbum's own OpenAI-compatible API (issue 13), through the service as
// the desktop app and web mode call it: on → a loopback /v1 server that the official `openai` client
// uses with the shown key; off → gone; a taken port → a clear error, no crash; the switch survives
// a restart (startLibraryServices brings it back); the library's close stops it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import { createContext, type AppContext } from '../../main/service/context';
import { createService } from '../../main/service/index';
import { invoke } from '../../main/service/invoke';
import { nodeEngineFactory } from '../../main/engine/factory';
import { startLibraryServices } from '../../main/service/launch';
import type { LocalApiStatus } from '../../shared/contract/engines';
import { tinyModelDir } from '../support/models';

let dir: string;
let model: string;
beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'smolalbum-local-api-'));
  model = await tinyModelDir();
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const reachable = (url: string) => fetch(url).then(() => true, () => false);

describe('the local API switch', () => {
  it('serves /v1 with its key while on, stops when off, and comes back after a restart', async () => {
    const data = path.join(dir, 'data');
    let ctx: AppContext = createContext({ dataDir: data, engineFactory: nodeEngineFactory });
    let service = createService(ctx);
    await service['engine.configure']({ model, device: 'cpu', dtype: 'fp32' });
    expect(await service['localApi.status']({})).toMatchObject({ enabled: false, running: false, baseUrl: null, key: null });

    const on = await invoke(service, 'localApi.set', { enabled: true, port: 0 }) as LocalApiStatus;
    expect(on).toMatchObject({ enabled: true, running: true, error: null, model: path.basename(model) });
    expect(on.baseUrl).toBe(`http://127.0.0.1:${on.port}/v1`);
    const client = new OpenAI({ baseURL: on.baseUrl!, apiKey: on.key!, maxRetries: 0 });
    expect((await client.models.list()).data.map((m) => m.id)).toEqual([path.basename(model)]);
    const answer = await client.chat.completions.create({ model: path.basename(model), messages: [{ role: 'user', content: 'Hello' }], max_tokens: 3 });
    expect(answer.choices[0]!.message.content!.length).toBeGreaterThan(0);
    await expect(new OpenAI({ baseURL: on.baseUrl!, apiKey: 'wrong', maxRetries: 0 }).models.list()).rejects.toMatchObject({ status: 401 });
    // Only the API lives on this port: not the library's web app or its methods.
    expect((await fetch(`http://127.0.0.1:${on.port}/api/roots.list`, { method: 'POST' })).status).toBe(404);

    const off = await service['localApi.set']({ enabled: false });
    expect(off).toMatchObject({ enabled: false, running: false, baseUrl: null });
    expect(await reachable(`${on.baseUrl}/models`)).toBe(false);

    // A port another program holds: a clear reason, and the app goes on.
    const squatter = http.createServer(() => {});
    await new Promise<void>((r) => squatter.listen(0, '127.0.0.1', r));
    const taken = (squatter.address() as AddressInfo).port;
    const busy = await service['localApi.set']({ enabled: true, port: taken });
    expect(busy).toMatchObject({ enabled: true, running: false, port: taken });
    expect(busy.error).toMatch(new RegExp(`Port ${taken} is in use`));
    await new Promise<void>((r) => squatter.close(() => r()));

    // Switched on, then the app restarts: it comes back on its own, with the same key.
    const again = await service['localApi.set']({ enabled: true, port: 0 });
    expect(again.running).toBe(true);
    await ctx.close();
    expect(await reachable(`${again.baseUrl}/models`)).toBe(false); // closing the library stops it
    ctx = createContext({ dataDir: data, engineFactory: nodeEngineFactory });
    service = createService(ctx);
    const services = startLibraryServices(ctx, { scan: false, ai: false, log: () => {} });
    try {
      await expect.poll(async () => (await service['localApi.status']({})).running, { timeout: 10_000 }).toBe(true);
      const back = await service['localApi.status']({});
      expect(back.key).toBe(on.key);
      expect((await new OpenAI({ baseURL: back.baseUrl!, apiKey: back.key!, maxRetries: 0 }).models.list()).data).toHaveLength(1);
    } finally {
      await services.close();
      await ctx.close();
    }
  }, 180_000);
});
