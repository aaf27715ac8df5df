// A pull that cannot reach the hub — the test hub mirror switched off, a name that does not resolve, a
// TLS handshake with a plain-HTTP server — fails at once (no silent retries) with kind `unavailable`, the
// cause and what to do, over the store, HTTP (503) and the CLI (exit 1). Retries that do happen are
// reported as they happen, and a running pull can be cancelled.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { startHubMirror, type HubMirror } from '../support/hub-mirror';
import { ModelStore } from '../../main/models/store';
import { createContext, type AppContext } from '../../main/service/context';
import { createService } from '../../main/service/index';
import { startServer, type WebServer } from '../../main/server/server';
import { modelHandlers } from '../../main/models/handlers';
import { AppError } from '../../shared/errors';
import { registerMethodHandlers, type InvokeEventLike } from '../../main/app/ipc-handlers';
import { methodChannel } from '../../preload/channels';
import type { DownloadProgress } from '../../shared/contract/models';
import { makeModelFolder, tempDir } from './fixture';

const ROOT = path.resolve(__dirname, '../..');
const REPO = 'acme/tiny-vlm';
let mirror: HubMirror;
/** The URL of a mirror that was started and then switched off: nothing listens there now. */
let offUrl: string;

beforeAll(async () => {
  mirror = await startHubMirror({ repos: { [REPO]: { dir: makeModelFolder(tempDir(), { onnxBytes: 60_000 }) } } });
  const off = await startHubMirror({ repos: {} });
  offUrl = off.url;
  await off.close();
});
afterAll(() => mirror.close());

/** The rejection of a pull, with how long it took. */
async function failedPull(endpoint: string, opts: { retries?: number; onProgress?: (p: DownloadProgress) => void } = {}): Promise<{ err: AppError; ms: number }> {
  // Default retry settings (5 retries from 1 s): a retried failure would take 31 s.
  const store = new ModelStore({ hubDir: tempDir(), endpoint, retries: opts.retries });
  const t0 = performance.now();
  const err = await store.pull(REPO, { onProgress: opts.onProgress }).then(() => null, (e: unknown) => e);
  const ms = performance.now() - t0;
  expect(err).toBeInstanceOf(AppError);
  return { err: err as AppError, ms };
}

const ADVICE = /HF_ENDPOINT .*mirror.*import a model folder .*smolalbum models import DIR.*Settings ▸ AI model ▸ Import model folder…/;

describe('an unreachable hub', () => {
  it('switched off: says at once that nothing answers, and what to do', async () => {
    const progress: DownloadProgress[] = [];
    const { err, ms } = await failedPull(offUrl, { onProgress: (p) => progress.push(p) });
    expect(err.kind).toBe('unavailable');
    expect(err.status).toBe(503);
    expect(err.message).toMatch(new RegExp(`^Cannot reach the model hub at ${offUrl}: nothing answers at 127\\.0\\.0\\.1:\\d+ \\(ECONNREFUSED\\)\\. `));
    expect(err.message).toMatch(ADVICE);
    expect(progress.filter((p) => p.retry)).toEqual([]);
    expect(ms).toBeLessThan(1000 * 5); // no retry (the first would wait 1 s, all of them 31 s)
  });

  it('a name that does not resolve: DNS failed', async () => {
    const { err } = await failedPull('http://smolalbum-no-such-hub.invalid');
    expect(err.kind).toBe('unavailable');
    expect(err.message).toMatch(/^Cannot reach the model hub at http:\/\/smolalbum-no-such-hub\.invalid: DNS lookup of smolalbum-no-such-hub\.invalid failed \((ENOTFOUND|EAI_AGAIN|EAI_NONAME|EAI_FAIL)\)/);
    expect(err.message).toMatch(ADVICE);
  });

  it('a failed TLS handshake names TLS', async () => {
    const { err } = await failedPull(mirror.url.replace('http://', 'https://'));
    expect(err.kind).toBe('unavailable');
    expect(err.message).toMatch(/the secure \(TLS\) connection to 127\.0\.0\.1:\d+ failed \((ERR_SSL|ERR_TLS)_[A-Z_]+\)/);
  });

  it('a hub that keeps answering 503: each retry is reported with its reason, then the status is named', async () => {
    const file = 'onnx/embed_tokens.onnx';
    mirror.setFault(`${REPO}/${file}`, { status: 503 });
    try {
      const store = new ModelStore({ hubDir: tempDir(), endpoint: mirror.url, retries: 2, backoffMs: 5 });
      const retries: NonNullable<DownloadProgress['retry']>[] = [];
      const err = await store.pull(REPO, { onProgress: (p) => { if (p.retry) retries.push(p.retry); } }).then(() => null, (e: unknown) => e) as AppError;
      expect(retries.map((r) => [r.attempt, r.of])).toEqual([[2, 3], [3, 3]]);
      for (const r of retries) expect(r.reason).toMatch(new RegExp(`503 .*${file}`));
      expect(err).toBeInstanceOf(AppError);
      expect(err.kind).toBe('unavailable');
      expect(err.message).toMatch(/answered HTTP 503/);
    } finally {
      mirror.setFault(`${REPO}/${file}`, undefined);
    }
  });
});

describe('over the adapters', () => {
  let ctx: AppContext;
  let server: WebServer;
  beforeAll(async () => {
    ctx = createContext({ dataDir: tempDir(), env: { HF_ENDPOINT: offUrl, HF_HOME: tempDir() } });
    server = await startServer({ ctx, service: createService(ctx), port: 0, staticDir: tempDir() });
  });
  afterAll(async () => {
    await server?.close();
    await ctx?.close();
  });

  it('HTTP: 503 with the cause and the advice', async () => {
    const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: server.port, path: '/api/models.pull', method: 'POST',
        headers: { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' } }, (r) => {
        let body = '';
        r.on('data', (d) => { body += String(d); });
        r.on('end', () => resolve({ status: r.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end(JSON.stringify({ repo: REPO }));
    });
    expect(res.status).toBe(503);
    const body = JSON.parse(res.body) as { error: string };
    expect(body.error).toMatch(/^Cannot reach the model hub at .*\(ECONNREFUSED\)/);
    expect(body.error).toMatch(ADVICE);
  });

  it('IPC: a failed result carrying the message and kind unavailable (503)', async () => {
    const handlers = new Map<string, (event: InvokeEventLike, input?: unknown) => unknown>();
    registerMethodHandlers({ handle: (c, l) => { handlers.set(c, l); }, removeHandler: (c) => { handlers.delete(c); } }, createService(ctx), () => {});
    const result = await handlers.get(methodChannel('models.pull'))!({ senderFrame: { url: 'smolalbum://app/index.html', parent: null } }, { repo: REPO });
    expect(result).toMatchObject({ ok: false, error: { status: 503 } });
    const text = JSON.stringify(result);
    expect(text).toMatch(/Cannot reach the model hub at .*\(ECONNREFUSED\)/);
    expect(text).toMatch(/HF_ENDPOINT/);
  });

  it('CLI: exit 1 with the cause and the advice on stderr, and no retries', async () => {
    const res = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, ['--import', 'tsx', 'main/cli/index.ts', 'models', 'pull', REPO, '--data-dir', tempDir(), '--json'], {
        cwd: ROOT, env: { ...process.env, HF_ENDPOINT: offUrl, HF_HOME: tempDir() },
      }, (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }));
    });
    expect(res.code).toBe(1);
    expect(res.stdout).toBe('');
    expect(res.stderr).toMatch(/Error: Cannot reach the model hub at http:\/\/127\.0\.0\.1:\d+: nothing answers .*\(ECONNREFUSED\)/);
    expect(res.stderr).toMatch(ADVICE);
    expect(res.stderr).not.toMatch(/Retrying/);
  });
});

describe('models.cancel', () => {
  it('stops a running pull with kind cancelled; the partial is kept for the next pull', async () => {
    const ctx = createContext({ dataDir: tempDir(), env: { HF_ENDPOINT: mirror.url, HF_HOME: tempDir() } });
    const file = 'onnx/decoder_model_merged_quantized.onnx';
    mirror.setFault(`${REPO}/${file}`, { delayPerChunkMs: 30, chunkSize: 4096 });
    try {
      const handlers = modelHandlers(ctx);
      const started = new Promise<void>((resolve) => ctx.events.on('models.download', (p) => { if (p.file === file && p.bytes > 0) resolve(); }));
      const pull = handlers['models.pull']({ repo: REPO, dtype: 'q8' }).then(() => null, (e: unknown) => e);
      await started;
      expect(await handlers['models.cancel']({ repo: REPO })).toEqual({ cancelled: true });
      const err = await pull as AppError;
      expect(err).toBeInstanceOf(AppError);
      expect(err.kind).toBe('cancelled');
      expect(err.message).toBe(`The download of ${REPO} was stopped. What arrived is kept; pulling again resumes it.`);
      expect(await handlers['models.cancel']({ repo: REPO })).toEqual({ cancelled: false });
      expect((await handlers['models.list']({})).map((m) => m.state)).toEqual(['partial']);
    } finally {
      mirror.setFault(`${REPO}/${file}`, undefined);
      await ctx.close();
    }
  });
});
