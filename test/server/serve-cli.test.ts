// `smolalbum serve` as users run it: the exact announcement line, the warning for other hosts,
// a clean stop on Ctrl-C.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, callApi, startServe, tempDir } from '../e2e/support';

const dirs: string[] = [];
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

describe('smolalbum serve', () => {
  it('prints exactly one line with the URL and token, serves, and stops on SIGINT', async () => {
    const dir = tempDir('serve');
    dirs.push(dir);
    const served = await startServe(dir);
    try {
      expect(served.stdout()).toMatch(/^SmolAlbum is running at http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{32,}\n$/);
      expect(served.stderr()).not.toMatch(/Warning/);
      expect(await callApi(served, 'roots.list')).toEqual([]);
      const noToken = await fetch(`${served.origin}/api/roots.list`, { method: 'POST', body: '{}' });
      expect(noToken.status).toBe(401);
    } finally {
      expect(await served.stop()).toBe(0);
    }
  });

  it('--api also prints the API base URL and its key, which the API accepts (and only it)', async () => {
    const dir = tempDir('serve-api');
    dirs.push(dir);
    const served = await startServe(dir, ['--no-scan', '--api']);
    try {
      const line = /OpenAI-compatible API at (http:\/\/127\.0\.0\.1:\d+\/v1) \(model [^)]+\), key: (sk-smolalbum-[A-Za-z0-9_-]{20,})\n/;
      for (let i = 0; i < 100 && !line.test(served.stdout()); i++) await new Promise((r) => setTimeout(r, 50));
      const [, base, key] = line.exec(served.stdout()) ?? [];
      expect(base).toBe(`${served.origin}/v1`);
      const ok = await fetch(`${base}/models`, { headers: { Authorization: `Bearer ${key}` } });
      expect(ok.status).toBe(200);
      expect((await fetch(`${base}/models`, { headers: { Authorization: `Bearer ${served.token}` } })).status).toBe(401);
      expect((await fetch(`${served.origin}/api/roots.list`, { method: 'POST', body: '{}', headers: { Authorization: `Bearer ${key}` } })).status).toBe(401);
    } finally {
      expect(await served.stop()).toBe(0);
    }
  });

  it('warns when bound to another host', async () => {
    const dir = tempDir('serve-host');
    dirs.push(dir);
    const served = await startServe(dir, ['--host', '0.0.0.0', '--no-scan']);
    try {
      expect(served.stderr()).toMatch(/Warning: SmolAlbum is listening on 0\.0\.0\.0/);
    } finally {
      await served.stop();
    }
  });

  it('says so when the port is taken', async () => {
    const dir = tempDir('serve-busy');
    dirs.push(dir);
    const other = tempDir('serve-busy2');
    dirs.push(other);
    const first = await startServe(dir, ['--no-scan']);
    try {
      const r = spawnSync(process.execPath, ['--import', 'tsx', 'main/cli/index.ts', 'serve', '--port', String(first.port), '--no-scan', '--data-dir', other],
        { cwd: REPO_ROOT, encoding: 'utf8', timeout: 30_000 });
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`Port ${first.port} on 127\\.0\\.0\\.1 is in use`));
    } finally {
      await first.stop();
    }
  });

  it('rejects a bad port with a clear message', () => {
    const dir = tempDir('serve-port');
    dirs.push(dir);
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'main/cli/index.ts', 'serve', '--port', 'abc', '--data-dir', dir], { cwd: REPO_ROOT, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/Invalid --port "abc"/);
  });
});
