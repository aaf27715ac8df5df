// scripts/electron-abi.mjs: the two better-sqlite3 builds. The Node build must always load after the
// script ran in either mode; without Electron's headers (this sandbox has no internet) the Electron
// mode stops with a clear message and changes nothing.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AbiError, addonAbi, headersSource, layout, nodeBuildWorks, stampMatches, wantedStamp } from '../../scripts/electron-abi.mjs';

const ROOT = path.resolve(import.meta.dirname, '../..');
const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const runScript = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  spawnSync(process.execPath, ['scripts/electron-abi.mjs', ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 120_000 });

/** An address nothing listens on: the header download fails fast and deterministically. */
const UNREACHABLE = { ELECTRON_HEADERS_URL: 'http://127.0.0.1:9/headers', SMOLALBUM_ELECTRON_GYP_DIR: mkdtempSync(path.join(os.tmpdir(), 'smolalbum-gyp-')) };

describe('Node build (npm test)', () => {
  it('`node` mode leaves a build that loads in this Node, with FTS5', () => {
    const r = runScript(['node']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/better-sqlite3: Node build OK \(ABI \d+\)/);
    expect(nodeBuildWorks(ROOT)).toMatchObject({ ok: true });
  });

  it('the Node addon registers this Node\'s ABI', () => {
    expect(addonAbi(layout(ROOT).nodeBinary)).toBe(process.versions.modules);
  });
});

describe('Electron build (npm start / npm run dist)', () => {
  it('targets the installed Electron and its ABI', () => {
    const wanted = wantedStamp(ROOT);
    const electronPkg = JSON.parse(readFileSync(path.join(ROOT, 'node_modules/electron/package.json'), 'utf8'));
    expect(wanted.electron).toBe(electronPkg.version);
    expect(Number(wanted.abi)).toBeGreaterThan(Number(process.versions.modules));
    expect(wanted.platform).toBe(process.platform);
  });

  it('rebuilds when any of Electron, its ABI, better-sqlite3 or the platform changed', () => {
    const wanted = { electron: '41.7.1', abi: '145', betterSqlite3: '12.11.1', platform: 'linux', arch: 'x64' };
    expect(stampMatches({ ...wanted }, wanted)).toBe(true);
    for (const k of Object.keys(wanted) as (keyof typeof wanted)[]) expect(stampMatches({ ...wanted, [k]: 'other' }, wanted), k).toBe(false);
    expect(stampMatches(null, wanted)).toBe(false);
  });

  it('without reachable headers: a clear message, exit 1, and the Node build untouched', () => {
    const before = sha(layout(ROOT).nodeBinary);
    const r = runScript(['electron', '--force'], UNREACHABLE);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/Cannot build better-sqlite3 for Electron \d+\.\d+\.\d+ \(ABI \d+\): Electron's headers are not available/);
    expect(r.stderr).toMatch(/ELECTRON_HEADERS_TARBALL/);
    expect(r.stderr).toMatch(/The Node build used by npm test is unchanged/);
    expect(sha(layout(ROOT).nodeBinary)).toBe(before);
    expect(nodeBuildWorks(ROOT).ok).toBe(true);
  });

  it('a headers tarball that does not exist is reported as such', async () => {
    const err = await headersSource(wantedStamp(ROOT), { ELECTRON_HEADERS_TARBALL: '/nonexistent/headers.tar.gz' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbiError);
    expect((err as Error).message).toMatch(/ELECTRON_HEADERS_TARBALL=\/nonexistent\/headers.tar.gz does not exist/);
  });

  it('uses headers already in the cache without going online', async () => {
    const wanted = wantedStamp(ROOT);
    const gypDir = mkdtempSync(path.join(os.tmpdir(), 'smolalbum-gyp-cached-'));
    const l = layout(ROOT, { SMOLALBUM_ELECTRON_GYP_DIR: gypDir });
    const include = path.join(l.headersDir, wanted.electron, 'include', 'node');
    mkdirSync(include, { recursive: true });
    writeFileSync(path.join(include, 'node.h'), '// placeholder');
    try {
      const src = await headersSource(wanted, { ELECTRON_HEADERS_URL: 'http://127.0.0.1:9/headers' }, l);
      expect(src.how).toBe(`cached headers in ${path.join(gypDir, wanted.electron)}`);
    } finally {
      rmSync(gypDir, { recursive: true, force: true });
    }
  });

  it('prints both builds\' state', () => {
    const r = runScript(['status']);
    expect(r.status).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.node).toMatchObject({ exists: true, abi: process.versions.modules });
    expect(s.electron.wanted.abi).toBe(wantedStamp(ROOT).abi);
  });

  it('rejects unknown modes', () => {
    const r = runScript(['browser']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/usage:/);
  });
});
