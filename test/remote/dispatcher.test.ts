// The dispatcher's policy on its own (backends are in-memory stand-ins honouring CaptionBackend;
// the real servers are exercised in dispatch.test.ts): slots per concurrency, the local engine only
// while every endpoint cools down, Retry-After honoured, a GET /v1/models probe before new work.
import { describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors';
import { Dispatcher, type CaptionBackend } from '../../main/engine/dispatcher';
import type { CaptionResult } from '../../main/engine/client';

const result = (who: string): CaptionResult => ({ caption: who, tags: [], prompt: 'p', model: who, ms: 1 });

function backend(name: string, kind: 'local' | 'openai', concurrency: number, answer: () => Promise<CaptionResult>, models?: () => Promise<string[]>): CaptionBackend & { calls: number; probes: number } {
  const b = {
    name, kind, concurrency, calls: 0, probes: 0,
    caption: async () => { b.calls++; return answer(); },
    ...(kind === 'openai' ? { models: async () => { b.probes++; return models ? models() : ['m']; } } : {}),
  };
  return b;
}

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

describe('dispatcher', () => {
  it('gives each endpoint up to its concurrency and keeps the local engine back while endpoints serve', async () => {
    const gates: (() => void)[] = [];
    const remote = backend('r', 'openai', 2, () => new Promise((resolve) => gates.push(() => resolve(result('r')))));
    const local = backend('local', 'local', 1, async () => result('local'));
    const d = new Dispatcher([remote, local], { localFallback: true });
    await tick();
    const a = await d.acquire();
    const b = await d.acquire();
    expect([a.name, b.name]).toEqual(['r', 'r']);
    let third: string | null = null;
    void d.acquire().then((s) => { third = s.name; });
    await tick(20);
    expect(third).toBeNull(); // the endpoint is full and healthy: nobody falls back to local
    const done = d.captionWith(a, { path: 'x', style: 'short' });
    gates.shift()!();
    expect((await done).endpoint).toBe('r');
    await tick();
    expect(third).toBe('r');
    d.close();
  });

  it('moves a failed job to another backend, cools the endpoint down for at least Retry-After, then probes it', async () => {
    let fail = true;
    const remote = backend('r', 'openai', 1, async () => {
      if (fail) throw new AppError('busy', 'endpoint r answered 429', { retryAfterS: 0.3 });
      return result('r');
    });
    const local = backend('local', 'local', 1, async () => result('local'));
    const d = new Dispatcher([remote, local], { localFallback: true, baseCooldownMs: 10, maxCooldownMs: 50 });
    await tick();
    const t0 = Date.now();
    const r = await d.captionWith(await d.acquire(), { path: 'x', style: 'short' });
    expect(r).toMatchObject({ backend: 'local', endpoint: 'local' });
    expect(d.status().find((s) => s.name === 'r')).toMatchObject({ state: 'cooldown', failures: 1 });
    const probesBefore = remote.probes;
    fail = false;
    while (d.status().find((s) => s.name === 'r')!.state !== 'ok') await tick(10);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290); // Retry-After (300 ms) beat the 10 ms backoff
    expect(remote.probes).toBe(probesBefore + 1);
    expect((await d.captionWith(await d.acquire(), { path: 'x', style: 'short' })).endpoint).toBe('r');
    d.close();
  });

  it('never uses the local engine when fallback is off, and an endpoint that is down waits for its probe', async () => {
    let up = false;
    const remote = backend('r', 'openai', 1, async () => result('r'), async () => { if (!up) throw new AppError('unavailable', 'endpoint r is unreachable'); return ['m']; });
    const local = backend('local', 'local', 1, async () => result('local'));
    const d = new Dispatcher([remote, local], { localFallback: false, baseCooldownMs: 20, maxCooldownMs: 40 });
    let got: string | null = null;
    void d.acquire().then((s) => { got = s.name; });
    await tick(60);
    expect(got).toBeNull();
    up = true;
    while (got === null) await tick(10);
    expect(got).toBe('r');
    expect(local.calls).toBe(0);
    d.close();
  });
});
