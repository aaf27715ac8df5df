#!/usr/bin/env node
// Two builds of better-sqlite3 side by side, so `npm test` (Node) and `npm start` / `npm run dist`
// (Electron) never break each other (better-sqlite3 is not Node-API: its addon is tied to one ABI).
//
//   node scripts/electron-abi.mjs node      → node_modules/better-sqlite3/build/Release/better_sqlite3.node
//                                            loads in this Node (checked in a child; rebuilt if not)
//   node scripts/electron-abi.mjs electron  → node_modules/better-sqlite3/build-electron/better_sqlite3.node
//                                            built for the installed Electron's ABI in a scratch copy of
//                                            the package (the Node build is never touched), stamped with
//                                            the versions; main/app picks it with better-sqlite3's
//                                            `nativeBinding` option when process.versions.electron is set.
//   node scripts/electron-abi.mjs status    → prints both builds' state as JSON
//
// Building for Electron needs Electron's headers (downloaded by node-gyp from --dist-url, or a local
// tarball via ELECTRON_HEADERS_TARBALL). Without them the script stops with a clear message and
// leaves everything as it was.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_DIST_URL = 'https://electronjs.org/headers';

export function layout(root = ROOT, env = process.env) {
  const pkgDir = path.join(root, 'node_modules', 'better-sqlite3');
  const electronDir = path.join(pkgDir, 'build-electron');
  return {
    root,
    pkgDir,
    nodeBinary: path.join(pkgDir, 'build', 'Release', 'better_sqlite3.node'),
    electronDir,
    electronBinary: path.join(electronDir, 'better_sqlite3.node'),
    stampFile: path.join(electronDir, 'stamp.json'),
    scratchDir: path.join(root, '.cache', 'electron-abi'),
    // node-gyp's header cache for Electron (shareable between checkouts via SMOLALBUM_ELECTRON_GYP_DIR).
    headersDir: env.SMOLALBUM_ELECTRON_GYP_DIR ? path.resolve(env.SMOLALBUM_ELECTRON_GYP_DIR) : path.join(root, '.cache', 'electron-gyp'),
  };
}

const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));

/** What the Electron build must match: Electron's version and ABI, better-sqlite3's version, platform. */
export function wantedStamp(root = ROOT, platform = process.platform, arch = process.arch) {
  const electronPkg = path.join(root, 'node_modules', 'electron');
  if (!existsSync(path.join(electronPkg, 'package.json'))) throw new AbiError('The electron package is not installed (npm install).');
  const electron = readJson(path.join(electronPkg, 'package.json')).version;
  const abiFile = path.join(electronPkg, 'abi_version');
  let abi = existsSync(abiFile) ? readFileSync(abiFile, 'utf8').trim() : '';
  if (!abi) {
    const nodeAbi = createRequire(path.join(root, 'package.json'))('node-abi');
    abi = nodeAbi.getAbi(electron, 'electron');
  }
  const betterSqlite3 = readJson(path.join(root, 'node_modules', 'better-sqlite3', 'package.json')).version;
  return { electron, abi: String(abi), betterSqlite3, platform, arch };
}

export function stampMatches(stamp, wanted) {
  return !!stamp && ['electron', 'abi', 'betterSqlite3', 'platform', 'arch'].every((k) => String(stamp[k]) === String(wanted[k]));
}

/**
 * The Node ABI an addon registers for (the `node_register_module_v<ABI>` symbol NODE_MODULE exports),
 * read from the file: lets us verify an Electron build without running Electron (electron-rebuild once
 * shipped a Node-ABI prebuilt for Electron, daintree#4419).
 */
export function addonAbi(file) {
  const m = /node_register_module_v(\d+)/.exec(readFileSync(file).toString('latin1'));
  return m ? m[1] : null;
}

export class AbiError extends Error {
  constructor(message) { super(message); this.name = 'AbiError'; }
}

/** Loads better-sqlite3 in a fresh Node child (a stale addon can't be unloaded from this process). */
export function nodeBuildWorks(root = ROOT) {
  const probe = "const D=require('better-sqlite3');const db=new D(':memory:');db.prepare('select 1 as x').get();" +
    "db.exec(\"create virtual table t using fts5(a)\");db.close();";
  const r = spawnSync(process.execPath, ['-e', probe], { cwd: root, encoding: 'utf8' });
  return { ok: r.status === 0, detail: (r.stderr || r.stdout || '').trim().split('\n').slice(0, 3).join(' ') };
}

function run(cmd, args, opts) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  return r.status === 0;
}

export function ensureNodeBuild(root = ROOT, log = console.log) {
  const first = nodeBuildWorks(root);
  if (first.ok) { log(`better-sqlite3: Node build OK (ABI ${process.versions.modules})`); return; }
  log(`better-sqlite3: the Node build does not load (${first.detail}); rebuilding for Node ${process.version}…`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  run(npm, ['rebuild', 'better-sqlite3'], { cwd: root, shell: process.platform === 'win32' });
  const second = nodeBuildWorks(root);
  if (!second.ok) throw new AbiError(`better-sqlite3 still does not load in Node after a rebuild: ${second.detail}`);
  log(`better-sqlite3: Node build rebuilt (ABI ${process.versions.modules})`);
}

/** Where node-gyp can get Electron's headers, or why it can't (checked before any compiling). */
export async function headersSource(wanted, env = process.env, l = layout(ROOT, env)) {
  const tarball = env.ELECTRON_HEADERS_TARBALL;
  if (tarball) {
    if (!existsSync(tarball)) throw new AbiError(`ELECTRON_HEADERS_TARBALL=${tarball} does not exist.`);
    return { args: [`--tarball=${tarball}`], how: `tarball ${tarball}` };
  }
  const versionDir = path.join(l.headersDir, wanted.electron);
  const distUrl = env.ELECTRON_HEADERS_URL || DEFAULT_DIST_URL;
  if (existsSync(path.join(versionDir, 'include', 'node', 'node.h'))) return { args: [`--dist-url=${distUrl}`], how: `cached headers in ${versionDir}` };
  const probe = `${distUrl.replace(/\/$/, '')}/v${wanted.electron}/SHASUMS256.txt`;
  try {
    const res = await fetch(probe, { method: 'HEAD', signal: AbortSignal.timeout(8000) });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
  } catch (err) {
    throw new AbiError(
      `Cannot build better-sqlite3 for Electron ${wanted.electron} (ABI ${wanted.abi}): Electron's headers are not ` +
      `available — ${probe} could not be reached (${err.cause?.code ?? err.message}).\n` +
      `  • Connect to the internet and run the command again, or\n` +
      `  • download node-v${wanted.electron}-headers.tar.gz from ${distUrl}/v${wanted.electron}/ and set ELECTRON_HEADERS_TARBALL to it, or\n` +
      `  • point ELECTRON_HEADERS_URL at a mirror.\n` +
      `The Node build used by npm test is unchanged.`);
  }
  return { args: [`--dist-url=${distUrl}`], how: distUrl };
}

export async function ensureElectronBuild({ root = ROOT, env = process.env, log = console.log, force = false } = {}) {
  const l = layout(root, env);
  const wanted = wantedStamp(root);
  const stamp = existsSync(l.stampFile) ? readJson(l.stampFile) : null;
  if (!force && existsSync(l.electronBinary) && stampMatches(stamp, wanted) && addonAbi(l.electronBinary) === wanted.abi) {
    log(`better-sqlite3: Electron ${wanted.electron} build up to date (ABI ${wanted.abi})`);
    return l.electronBinary;
  }
  const source = await headersSource(wanted, env, l);
  log(`better-sqlite3: building ${wanted.betterSqlite3} for Electron ${wanted.electron} (ABI ${wanted.abi}) using ${source.how}…`);

  // A scratch copy of the package: node-gyp always writes ./build, and ./build is the Node build.
  const work = path.join(l.scratchDir, `better-sqlite3-${wanted.betterSqlite3}-electron-${wanted.electron}-${wanted.platform}-${wanted.arch}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  for (const item of ['package.json', 'binding.gyp', 'src', 'deps']) cpSync(path.join(l.pkgDir, item), path.join(work, item), { recursive: true });

  const gyp = createRequire(path.join(root, 'package.json')).resolve('node-gyp/bin/node-gyp.js');
  const childEnv = { ...env };
  // A global `nodedir` (npm config) would silently compile against Node's headers instead of Electron's.
  for (const k of Object.keys(childEnv)) if (/^npm_config_(nodedir|target|runtime|dist_url|disturl)$/i.test(k)) delete childEnv[k];
  const ok = run(process.execPath, [gyp, 'rebuild', '--release', `--target=${wanted.electron}`, `--arch=${wanted.arch}`,
    `--devdir=${l.headersDir}`, ...source.args], { cwd: work, env: childEnv });
  const built = path.join(work, 'build', 'Release', 'better_sqlite3.node');
  if (!ok || !existsSync(built)) throw new AbiError(`node-gyp could not build better-sqlite3 for Electron ${wanted.electron} (see the output above). The Node build is unchanged.`);
  const abi = addonAbi(built);
  if (abi !== wanted.abi) throw new AbiError(`The build registers ABI ${abi}, Electron ${wanted.electron} needs ${wanted.abi}; not installed.`);

  mkdirSync(l.electronDir, { recursive: true });
  copyFileSync(built, l.electronBinary);
  writeFileSync(l.stampFile, JSON.stringify({ ...wanted, builtAt: new Date().toISOString() }, null, 2));
  rmSync(work, { recursive: true, force: true });
  log(`better-sqlite3: Electron build ready at ${path.relative(root, l.electronBinary)}`);
  return l.electronBinary;
}

export function status(root = ROOT) {
  const l = layout(root);
  let wanted = null;
  try { wanted = wantedStamp(root); } catch { /* no electron package */ }
  const stamp = existsSync(l.stampFile) ? readJson(l.stampFile) : null;
  return {
    node: { file: l.nodeBinary, exists: existsSync(l.nodeBinary), abi: existsSync(l.nodeBinary) ? addonAbi(l.nodeBinary) : null, wantedAbi: process.versions.modules },
    electron: {
      file: l.electronBinary, exists: existsSync(l.electronBinary),
      abi: existsSync(l.electronBinary) ? addonAbi(l.electronBinary) : null,
      wanted, upToDate: !!wanted && existsSync(l.electronBinary) && stampMatches(stamp, wanted),
    },
  };
}

async function main(argv) {
  const mode = argv[0];
  try {
    if (mode === 'node') ensureNodeBuild();
    else if (mode === 'electron') await ensureElectronBuild({ force: argv.includes('--force') });
    else if (mode === 'status') console.log(JSON.stringify(status(), null, 2));
    else { console.error('usage: node scripts/electron-abi.mjs node|electron [--force]|status'); return 2; }
    return 0;
  } catch (err) {
    if (err instanceof AbiError) { console.error(`\nelectron-abi: ${err.message}\n`); return 1; }
    throw err;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.exitCode = await main(process.argv.slice(2));
}
