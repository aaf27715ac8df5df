// One build command for all three targets (see README "Development"):
//  - main (Electron entry, inference-process entry, CLI) and preload: esbuild, node platform,
//    every npm package external so native modules load from node_modules (unpacked from the asar);
//  - renderer: Vite (React), output served by Electron's custom protocol and by web mode.
import { build } from 'esbuild';
import { existsSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const only = process.argv[2]; // optional: main | renderer
if (!only) rmSync("out", { recursive: true, force: true });

const common = { bundle: true, platform: 'node', target: 'node20', packages: 'external', sourcemap: true, logLevel: 'warning' };
const nodeEntries = [
  ['main/app/main.ts', 'out/main/app.js', 'esm'],
  ['main/engine/entry.ts', 'out/engine/entry.js', 'esm'],
  ['main/db/search-worker.ts', 'out/db/search-worker.js', 'esm'],
  ['main/media/video/tool-runner-entry.ts', 'out/media/tool-runner.cjs', 'cjs'],
  ['main/cli/index.ts', 'out/cli/index.js', 'esm'],
  ['preload/index.ts', 'out/preload/index.cjs', 'cjs'],
];

if (only !== 'renderer') {
  for (const [entry, outfile, format] of nodeEntries) {
    if (!existsSync(entry)) { console.warn(`build: skipping missing ${entry}`); continue; }
    // A sandboxed preload can require only `electron`: bundle its imports (the contract, zod) into it.
    const self = entry.startsWith('preload/') ? { packages: undefined, minify: true } : {};
    await build({ ...common, ...self, entryPoints: [entry], outfile, format, external: ['electron'] });
  }
}
if (only !== 'main') {
  const r = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn'], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
