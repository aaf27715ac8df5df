#!/usr/bin/env node
// Installed `smolalbum` command: runs the built CLI (npm run build), or the TypeScript source via tsx.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const built = path.join(root, 'out', 'cli', 'index.js');
let mod;
if (existsSync(built)) {
  mod = await import(pathToFileURL(built).href);
} else {
  const { tsImport } = await import('tsx/esm/api');
  mod = await tsImport(pathToFileURL(path.join(root, 'main', 'cli', 'index.ts')).href, import.meta.url);
}
process.exitCode = await mod.main(process.argv.slice(2));
