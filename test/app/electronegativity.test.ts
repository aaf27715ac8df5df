// An outside opinion on the shell's security: Doyensec's electronegativity scans the BUILT JavaScript of
// main and preload (it cannot parse current TypeScript, and its bundled TypeScript 4.2 clashes with
// ours, so it lives in its own folder, .cache/electronegativity, installed on first use). No HIGH (or
// CRITICAL) finding may remain unless it is a false positive explained in README.md (Security).
import { beforeAll, describe, expect, it } from 'vitest';
import { build, type BuildOptions } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SCANNER_DIR = path.join(ROOT, '.cache', 'electronegativity');
const SCANNER_VERSION = '1.10.3';
const SCANNER_PKG = path.join(SCANNER_DIR, 'node_modules', '@doyensec', 'electronegativity');
const ELECTRON_VERSION = JSON.parse(readFileSync(path.join(ROOT, 'node_modules/electron/package.json'), 'utf8')).version as string;

/**
 * HIGH findings accepted as false positives, each explained in the README security section
 * (README.md, Security). Empty today: every HIGH check passes on the real code.
 */
const ACCEPTED_HIGH: Record<string, string> = {};

/** The README, whose Security section explains any accepted finding. */
function securityDocs(): string {
  return readFileSync(path.join(ROOT, 'README.md'), 'utf8');
}

interface Finding { id: string; severity: string; confidence: string; file: string; line: number; sample: string }
interface ScanResult { checks: number; issues: Finding[]; errors: { file: string; message: string; tolerable: boolean }[] }

function ensureScanner(): void {
  if (existsSync(path.join(SCANNER_PKG, 'package.json'))) return;
  mkdirSync(SCANNER_DIR, { recursive: true });
  if (!existsSync(path.join(SCANNER_DIR, 'package.json'))) writeFileSync(path.join(SCANNER_DIR, 'package.json'), '{"name":"electronegativity-runner","private":true}\n');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(npm, ['install', '--no-audit', '--no-fund', '--ignore-scripts', `@doyensec/electronegativity@${SCANNER_VERSION}`],
    { cwd: SCANNER_DIR, encoding: 'utf8', timeout: 300_000, shell: process.platform === 'win32' });
  if (r.status !== 0) throw new Error(`could not install electronegativity into ${SCANNER_DIR}: ${r.stderr}`);
}

/** Runs the scanner's own API in a child whose module resolution starts in its folder. */
function scan(input: string): ScanResult {
  const runner = `
    const run = require(${JSON.stringify(SCANNER_PKG)});
    run({ input: ${JSON.stringify(input)}, electronVersionOverride: ${JSON.stringify(ELECTRON_VERSION)},
          // Its only job is asking the internet about newer Electron releases.
          excludeFromScan: ['AvailableSecurityFixesGlobalCheck'] })
      .then((r) => process.stdout.write('\\n@@RESULT@@' + JSON.stringify({
        checks: r.globalChecks + r.atomicChecks, errors: r.errors,
        issues: r.issues.map((i) => ({ id: i.id, severity: i.severity.name, confidence: i.confidence.name, file: i.file, line: i.location.line, sample: String(i.sample ?? '').slice(0, 200) })),
      })))
      .catch((e) => { console.error(e); process.exit(1); });`;
  const r = spawnSync(process.execPath, ['-e', runner], { cwd: SCANNER_DIR, encoding: 'utf8', timeout: 180_000, maxBuffer: 64 * 1024 * 1024 });
  const out = r.stdout.split('@@RESULT@@')[1];
  if (r.status !== 0 || !out) throw new Error(`electronegativity failed (${r.status}): ${r.stderr.slice(-2000)}`);
  return JSON.parse(out) as ScanResult;
}

let ours: ScanResult;
let control: ScanResult;
let outDir: string;

beforeAll(async () => {
  ensureScanner();
  // The same esbuild settings as scripts/build.mjs for these two entries.
  outDir = mkdtempSync(path.join(os.tmpdir(), 'smolalbum-scan-'));
  const common: BuildOptions = { bundle: true, platform: 'node', target: 'node20', packages: 'external', logLevel: 'silent', external: ['electron'] };
  await build({ ...common, entryPoints: [path.join(ROOT, 'main/app/main.ts')], outfile: path.join(outDir, 'app/main/app.js'), format: 'esm' });
  await build({ ...common, packages: undefined, minify: true, entryPoints: [path.join(ROOT, 'preload/index.ts')], outfile: path.join(outDir, 'app/preload/index.cjs'), format: 'cjs' });
  ours = scan(path.join(outDir, 'app'));

  // A deliberately insecure window, to prove the scanner really checks in this setup.
  mkdirSync(path.join(outDir, 'control'));
  writeFileSync(path.join(outDir, 'control', 'main.js'), `
    const { app, BrowserWindow } = require('electron');
    app.whenReady().then(() => {
      const win = new BrowserWindow({ webPreferences: { nodeIntegration: true, contextIsolation: false, sandbox: false, webSecurity: false } });
      win.loadURL('http://example.com/');
    });`);
  control = scan(path.join(outDir, 'control'));
}, 600_000);

describe('electronegativity on the built main and preload', () => {
  it('parses both files (a scan that read nothing would find nothing)', () => {
    expect(ours.checks).toBeGreaterThan(30);
    expect(ours.errors.filter((e) => !e.tolerable)).toEqual([]);
  });

  it('reports no HIGH or CRITICAL finding that is not a documented false positive', () => {
    const serious = ours.issues.filter((i) => i.severity === 'HIGH' || i.severity === 'CRITICAL');
    const unexplained = serious.filter((i) => !(i.id in ACCEPTED_HIGH));
    expect(unexplained, JSON.stringify(unexplained, null, 2)).toEqual([]);
  });

  it('every accepted finding is explained in the README security section', () => {
    const readme = securityDocs();
    for (const id of Object.keys(ACCEPTED_HIGH)) expect(readme).toContain(id);
  });

  it('every lower finding is explained in the README security section too', () => {
    const readme = securityDocs();
    for (const id of new Set(ours.issues.map((i) => i.id))) expect(readme, id).toContain(id);
  });

  it('does flag an insecure window (the scanner works here)', () => {
    const ids = control.issues.filter((i) => i.severity === 'HIGH').map((i) => i.id);
    expect(ids).toEqual(expect.arrayContaining(['CONTEXT_ISOLATION_JS_CHECK', 'LIMIT_NAVIGATION_GLOBAL_CHECK']));
    expect(control.issues.map((i) => i.id)).toEqual(expect.arrayContaining(['SANDBOX_JS_CHECK', 'WEB_SECURITY_JS_CHECK']));
  });
});
