// The dispatcher with real servers on 127.0.0.1: SmolAlbum A captioning through SmolAlbum B's API
// (both on the forged tiny model) gives exactly A's local captions; and with two fault-injecting
// OpenAI-compatible endpoints plus the local engine as fallback, 200 queued photos each end with
// exactly one caption — also when the captioning process is killed with SIGKILL mid-run.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext, type AppContext } from '../../main/service/context';
import { createService } from '../../main/service/index';
import { nodeEngineFactory } from '../../main/engine/factory';
import { addRoot } from '../../main/library/roots';
import { scanRoots } from '../../main/library/indexer';
import { aiWorker } from '../../main/ai/worker';
import { captionImagePath } from '../../main/ai/image-path';
import { jobCounts, enqueueMissing } from '../../main/ai/queue';
import { setSetting } from '../../main/models/settings';
import { addEndpoint, LOCAL_FALLBACK_KEY } from '../../main/engine/endpoints';
import { tileDataUrl, tileSizeOf } from '../../main/engine/tile-image';
import { startServer, type WebServer } from '../../main/server/server';
import { apiKeyOf } from '../../main/server/openai-api';
import { makePhotos } from '../support/photos';
import { tinyModelDir, REPO_ROOT } from '../support/models';
import { answerFor, FaultServer, type Fault } from '../support/fault-openai';

let dir: string;
let model: string;
const open: AppContext[] = [];

interface Row { id: number; rel: string; text: string; model: string | null; backend: string | null; endpoint: string | null; tags: string | null }
function captionsOf(ctx: AppContext): Row[] {
  return ctx.db.prepare(`SELECT p.id, p.rel_path AS rel, c.text, c.model, c.backend, c.endpoint,
      (SELECT group_concat(t.name, ',' ORDER BY t.name) FROM photo_tags pt JOIN tags t ON t.id = pt.tag_id WHERE pt.photo_id = p.id AND pt.source = 'ai') AS tags
    FROM captions c JOIN photos p ON p.id = c.photo_id WHERE c.source = 'ai' ORDER BY p.rel_path`).all() as Row[];
}

async function library(name: string, photos: string): Promise<AppContext> {
  const ctx = createContext({ dataDir: path.join(dir, name), engineFactory: nodeEngineFactory });
  open.push(ctx);
  setSetting(ctx.db, 'engine.model', model);
  await addRoot(ctx.db, photos);
  await scanRoots(ctx);
  enqueueMissing(ctx.db);
  return ctx;
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'smolalbum-remote-'));
  model = await tinyModelDir();
}, 120_000);

afterAll(async () => {
  for (const c of open) await c.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('SmolAlbum A through SmolAlbum B', () => {
  // fp32 decoder on both sides: A's local tags reuse the caption's KV cache while B recomputes the
  // prefix, and only in fp32 are the two bit-identical (dynamic int8 quantisation scales per call).
  it('gives the same captions and tags as A\'s local engine, with provenance', async () => {
    const photos = path.join(dir, 'ab-photos');
    await makePhotos(photos, [1, 2, 3, 4, 5].map((seed) => ({ rel: `p${seed}.${seed % 2 ? 'jpg' : 'png'}`, format: seed % 2 ? 'jpeg' as const : 'png' as const, seed, width: 640, height: 427 })));
    const b = createContext({ dataDir: path.join(dir, 'B'), engineFactory: nodeEngineFactory });
    open.push(b);
    setSetting(b.db, 'engine.model', model);
    setSetting(b.db, 'engine.dtype', 'fp32');
    const server: WebServer = await startServer({ ctx: b, service: createService(b), port: 0, api: { key: apiKeyOf(b) } });
    try {
      const local = await library('A-local', photos);
      setSetting(local.db, 'engine.dtype', 'fp32');
      // The local engine reads its own images: none is made ahead for it.
      expect(await aiWorker(local).run()).toMatchObject({ captioned: 5, failed: 0, imagesReady: 0 });

      const a = await library('A', photos);
      // Only B may answer (no local fallback), however slowly a loaded machine lets it load its model.
      setSetting(a.db, LOCAL_FALLBACK_KEY, false);
      await b.engine().load();
      addEndpoint(a.db, a.secrets, { url: `${server.url}v1`, name: 'B', apiKey: apiKeyOf(b), concurrency: 2, timeoutMs: 600_000 });
      const run = await aiWorker(a).run();
      expect(run).toMatchObject({ captioned: 5, failed: 0 });
      // Each claim has the next queued photos' images made while B works: only the first photos
      // claimed (one per slot at most) can have had to wait for theirs.
      expect(run.imagesReady).toBeGreaterThanOrEqual(3);

      const viaB = captionsOf(a);
      const mine = captionsOf(local);
      expect(viaB.map((r) => [r.rel, r.text, r.tags])).toEqual(mine.map((r) => [r.rel, r.text, r.tags]));
      expect(viaB.every((r) => r.backend === 'openai' && r.endpoint === 'B' && r.model === path.basename(model))).toBe(true);
      expect(mine.every((r) => r.backend === 'local' && r.endpoint === 'local')).toBe(true);
    } finally {
      await server.close();
    }
  }, 300_000);
});

describe('two faulty endpoints and the local fallback', () => {
  const N = 200;
  let photos: string;
  let tile: number;
  let one: FaultServer;
  let two: FaultServer;

  beforeAll(async () => {
    photos = path.join(dir, 'many');
    await makePhotos(photos, Array.from({ length: N }, (_, i) => ({ rel: `d${i % 4}/img${String(i).padStart(3, '0')}.jpg`, seed: 100 + i, width: 48, height: 32 })));
    tile = tileSizeOf(model);
    const cycle = (faults: Fault[]) => (n: number) => faults[n % faults.length];
    one = new FaultServer({ key: 'key-one-SECRET', schedule: cycle(['ok', '500', 'ok', 'ok', '429', 'ok', 'ok', 'ok', 'slow', 'ok', 'ok', 'ok', 'drop', 'ok', 'ok', 'ok', 'malformed', 'ok', 'ok', 'ok']), slowMs: 1500, retryAfterS: 1 });
    two = new FaultServer({ key: 'key-two-SECRET', schedule: cycle(['ok', 'ok', 'wrong-model', 'ok', 'ok', 'ok', 'ok', '500', 'ok', 'ok']), delayMs: 5 });
    await one.start();
    await two.start();
  }, 300_000);

  afterAll(async () => {
    await one?.stop();
    await two?.stop();
  });

  async function check(ctx: AppContext): Promise<void> {
    expect(jobCounts(ctx.db)).toMatchObject({ done: N, queued: 0, running: 0, failed: 0 });
    const rows = captionsOf(ctx);
    expect(rows.length).toBe(N);
    expect(new Set(rows.map((r) => r.rel)).size).toBe(N);
    const perPhoto = ctx.db.prepare("SELECT count(*) AS n FROM captions WHERE source = 'ai' GROUP BY photo_id HAVING n > 1").all();
    expect(perPhoto).toEqual([]);
    for (const r of rows) {
      if (r.backend === 'openai') {
        // The answer about this very photo: nothing was mixed up between concurrent requests.
        const file = await captionImagePath(ctx, r.id, path.join(photos, r.rel));
        expect(r.text).toBe(answerFor(await tileDataUrl(file, tile), false));
        expect(['one', 'two']).toContain(r.endpoint);
        expect(r.model).toBe('smolvlm-remote');
      } else {
        expect(r).toMatchObject({ backend: 'local', endpoint: 'local' });
        expect(r.text.length).toBeGreaterThan(0);
      }
    }
  }

  function configure(ctx: AppContext): void {
    addEndpoint(ctx.db, ctx.secrets, { url: one.baseUrl, name: 'one', apiKey: 'key-one-SECRET', concurrency: 4, timeoutMs: 800 });
    addEndpoint(ctx.db, ctx.secrets, { url: two.baseUrl, name: 'two', apiKey: 'key-two-SECRET', concurrency: 3, timeoutMs: 800 });
  }

  it('captions every photo exactly once through 500s, 429s, timeouts, drops, bad JSON, a wrong model and an outage', async () => {
    const ctx = await library('faults', photos);
    configure(ctx);
    await two.stop(); // down at the start …
    setTimeout(() => { void two.start(); }, 1500); // … and up again later
    const logs: string[] = [];
    const times: number[] = [];
    ctx.events.on('ai.status', (s) => { logs.push(JSON.stringify(s)); times.push(Date.now()); });
    const r = await aiWorker(ctx).run({ dispatcher: { baseCooldownMs: 100, maxCooldownMs: 1000 } });
    expect(r).toMatchObject({ captioned: N, failed: 0, stoppedBy: 'drained' });
    // Progress (which recounts the queue) goes out at most every 250 ms; the final state always does.
    expect(times.length).toBeLessThan(N);
    // (Stamped by a listener that may run after others: a few ms of slack; unthrottled they come ms apart.)
    expect(Math.min(...times.slice(1, -1).map((t, i) => t - times[i]!))).toBeGreaterThanOrEqual(200);
    expect(JSON.parse(logs.at(-1)!)).toMatchObject({ done: N, queued: 0, running: 0 });
    await check(ctx);
    const by = captionsOf(ctx).reduce<Record<string, number>>((m, x) => ({ ...m, [x.endpoint!]: (m[x.endpoint!] ?? 0) + 1 }), {});
    expect(by.one).toBeGreaterThan(0);
    expect(by.two).toBeGreaterThan(0);
    for (const f of ['500', '429', 'slow', 'drop', 'malformed'] as const) expect(one.faults[f]).toBeGreaterThan(0);
    expect(two.faults['wrong-model']).toBeGreaterThan(0);
    // Keys travel only in their own Authorization header, and never into events or settings.
    expect([...one.authHeaders]).toEqual(['Bearer key-one-SECRET']);
    expect([...two.authHeaders]).toEqual(['Bearer key-two-SECRET']);
    expect(logs.join('\n')).not.toMatch(/SECRET/);
    expect(JSON.stringify(await createService(ctx)['settings.get']({}))).not.toMatch(/SECRET/);
    expect(JSON.stringify(await createService(ctx)['engines.list']({}))).not.toMatch(/SECRET/);
  }, 600_000);

  it('`ai start` says per backend how many captions it made, how fast, and in which state', async () => {
    const few = path.join(dir, 'few');
    await makePhotos(few, Array.from({ length: 12 }, (_, i) => ({ rel: `f${i}.jpg`, seed: 900 + i, width: 48, height: 32 })));
    const ctx = await library('cli-status', few);
    configure(ctx);
    const cli = path.join(REPO_ROOT, 'main/cli/index.ts');
    const r = spawnSync(process.execPath, ['--import', 'tsx', cli, 'ai', 'start', '--data-dir', path.join(dir, 'cli-status')], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 240_000 });
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.split('\n').filter((l) => /^ {2}\S+ \((local|openai)\): \d+ done/.test(l));
    expect(lines.map((l) => l.trim().split(' ')[0]).sort()).toEqual(['local', 'one', 'two']);
    const made = lines.reduce((n, l) => n + Number(/: (\d+) done/.exec(l)![1]), 0);
    expect(made).toBe(12);
    expect(r.stdout + r.stderr).not.toMatch(/SECRET/);
  }, 300_000);

  it('`ai start` waits out an endpoint\'s cooldown instead of exiting with nothing said', async () => {
    // The only endpoint fails once and cools down; with no local fallback nothing else keeps the
    // process alive meanwhile but the cooldown's own timer.
    const flaky = new FaultServer({ schedule: (n) => (n === 0 ? '500' : 'ok') });
    await flaky.start();
    try {
      const two = path.join(dir, 'cooldown-photos');
      await makePhotos(two, [1, 2].map((seed) => ({ rel: `c${seed}.jpg`, seed: 950 + seed, width: 48, height: 32 })));
      const ctx = await library('cooldown', two);
      setSetting(ctx.db, LOCAL_FALLBACK_KEY, false);
      addEndpoint(ctx.db, ctx.secrets, { url: flaky.baseUrl, name: 'flaky', concurrency: 1 });
      const cli = path.join(REPO_ROOT, 'main/cli/index.ts');
      // Asynchronously: the endpoint answers from this process.
      const r = await new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
        const c = spawn(process.execPath, ['--import', 'tsx', cli, 'ai', 'start', '--json', '--data-dir', path.join(dir, 'cooldown')], { cwd: REPO_ROOT });
        let out = '';
        let err = '';
        c.stdout.on('data', (d: Buffer) => { out += d; });
        c.stderr.on('data', (d: Buffer) => { err += d; });
        c.on('close', (code) => resolve({ code, out, err }));
      });
      expect(r.code, r.err).toBe(0);
      expect(JSON.parse(r.out).run).toMatchObject({ captioned: 2, failed: 0, stoppedBy: 'drained' });
    } finally {
      await flaky.stop();
    }
  }, 300_000);

  it('resumes after the captioning process is killed with SIGKILL mid-run', async () => {
    const ctx = await library('killed', photos);
    configure(ctx);
    const cli = path.join(REPO_ROOT, 'main/cli/index.ts');
    // node itself (tsx as a loader), so SIGKILL reaches the process that captions, not a launcher.
    const child = spawn(process.execPath, ['--import', 'tsx', cli, 'ai', 'start', '--data-dir', path.join(dir, 'killed')], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const end = Date.now() + 240_000;
    while (jobCounts(ctx.db).done < 40) {
      if (Date.now() > end || child.exitCode !== null) throw new Error(`the run did not get going: ${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(stderr).not.toMatch(/SECRET/);
    const before = jobCounts(ctx.db);
    expect(before.done).toBeLessThan(N);
    const r = await aiWorker(ctx).run({ dispatcher: { baseCooldownMs: 100, maxCooldownMs: 1000 } });
    expect(r.failed).toBe(0);
    await check(ctx);
  }, 600_000);
});
