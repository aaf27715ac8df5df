// Forged test models, cached under .cache/models/<preset>-<hash>/ where the hash covers the forge's
// source, the seed and the dtypes, so a changed forge never reuses a stale folder. Safe to call from
// parallel vitest workers: one process forges under a lock file, the folder appears by atomic rename.
import { createHash } from 'node:crypto';
import { mkdir, open, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_SEED, forgeModel, modelFacts, type ForgeDtype, type ModelFacts, type PresetName } from '../forge/index';

const here = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(here, '../..');
export const MODEL_CACHE = path.join(REPO_ROOT, '.cache', 'models');
const FORGE_SRC = path.join(REPO_ROOT, 'test', 'forge');

/** The tiny model carries every dtype the forge makes, so dtype selection can be exercised. */
export const TINY_DTYPES: ForgeDtype[] = ['fp32', 'q8', 'q4'];

/** Facts about the tiny model that tinyModelDir() returns. */
export const TINY: ModelFacts = modelFacts('tiny', DEFAULT_SEED, TINY_DTYPES);

const LOCK_STALE_MS = 15 * 60_000;
/** Forge sources that don't change what is forged (so editing them doesn't re-forge). */
const NOT_FORGE_OUTPUT = new Set(['cli.ts', 'measure.ts']);

async function forgeSourceHash(preset: PresetName, seed: number, dtypes: ForgeDtype[]): Promise<string> {
  const hash = createHash('sha256').update(JSON.stringify({ preset, seed, dtypes }));
  const names = (await readdir(FORGE_SRC)).filter((n) => n.endsWith('.ts') && !n.endsWith('.test.ts') && !NOT_FORGE_OUTPUT.has(n)).sort();
  for (const name of names) hash.update(name).update(await readFile(path.join(FORGE_SRC, name)));
  return hash.digest('hex').slice(0, 12);
}

async function isComplete(dir: string): Promise<boolean> {
  return stat(path.join(dir, 'forge.json')).then(() => true, () => false);
}

/** A lock is stale when its process is gone (crashed forge) or it is implausibly old. */
async function isStaleLock(lockFile: string): Promise<boolean> {
  const age = await stat(lockFile).then((s) => Date.now() - s.mtimeMs, () => 0);
  if (age > LOCK_STALE_MS) return true;
  const pid = Number(await readFile(lockFile, 'utf8').catch(() => ''));
  if (!Number.isInteger(pid) || pid <= 0) return age > 5_000; // being written, or garbage
  try {
    process.kill(pid, 0); // signal 0: existence check only
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

async function acquireLock(lockFile: string): Promise<() => Promise<void>> {
  for (;;) {
    try {
      const handle = await open(lockFile, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => rm(lockFile, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (await isStaleLock(lockFile)) await rm(lockFile, { force: true });
      else await new Promise((r) => setTimeout(r, 200));
    }
  }
}

const PRUNE_AFTER_MS = 60 * 60_000;

/**
 * Removes forges of `preset` made by older forge sources (the 256m one is ~1.5 GB per version) and
 * debris of interrupted forges — only when untouched for an hour, since a test run that started
 * before the forge changed may still be reading its version.
 */
async function pruneOtherVersions(cacheDir: string, preset: PresetName, keep: string): Promise<void> {
  for (const name of await readdir(cacheDir)) {
    const full = path.join(cacheDir, name);
    if (!name.startsWith(`${preset}-`) || name.endsWith('.lock') || full === keep) continue;
    const idleMs = await stat(full).then((s) => Date.now() - s.mtimeMs, () => 0);
    const forging = await stat(`${full}.lock`).then(() => true, () => false);
    if (idleMs > PRUNE_AFTER_MS && !forging) await rm(full, { recursive: true, force: true });
  }
}

export interface ForgedModelOptions {
  /** Defaults to .cache/models in the repository. */
  cacheDir?: string;
  seed?: number;
  dtypes?: ForgeDtype[];
  onProgress?: (message: string) => void;
}

/** Returns the cached forged model folder for `preset`, forging it first if needed. */
export async function forgedModelDir(preset: PresetName, options: ForgedModelOptions = {}): Promise<string> {
  const seed = options.seed ?? DEFAULT_SEED;
  const dtypes = options.dtypes ?? ['fp32'];
  const cacheDir = options.cacheDir ?? MODEL_CACHE;
  const dir = path.join(cacheDir, `${preset}-${await forgeSourceHash(preset, seed, dtypes)}`);
  if (await isComplete(dir)) return dir;
  await mkdir(cacheDir, { recursive: true });
  const release = await acquireLock(`${dir}.lock`);
  try {
    if (!(await isComplete(dir))) {
      // A folder without forge.json is debris from an interrupted forge (the rename is the last step).
      await forgeModel({ preset, out: dir, seed, dtypes, overwrite: true, onProgress: options.onProgress });
      await pruneOtherVersions(cacheDir, preset, dir);
    }
  } finally {
    await release();
  }
  return dir;
}

let tinyDir: Promise<string> | undefined;

/** The forged `tiny` model (all dtypes), forged once per source version and shared by every test. */
export function tinyModelDir(): Promise<string> {
  tinyDir ??= forgedModelDir('tiny', { dtypes: TINY_DTYPES }).catch((err: unknown) => {
    tinyDir = undefined;
    throw err;
  });
  return tinyDir;
}

/** dtypes forged for the smolvlm-256m benchmark model. */
export const SMOLVLM_256M_DTYPES: ForgeDtype[] = ['fp32', 'q8', 'q4'];

/** Facts about the smolvlm-256m model that smolvlm256mDir() returns. */
export const SMOLVLM_256M: ModelFacts = modelFacts('smolvlm-256m', DEFAULT_SEED, SMOLVLM_256M_DTYPES);

/** The forged `smolvlm-256m` model (~1.5 GB, about a minute to forge; for benchmarks, not unit tests). */
export function smolvlm256mDir(onProgress?: (message: string) => void): Promise<string> {
  return forgedModelDir('smolvlm-256m', { dtypes: SMOLVLM_256M_DTYPES, onProgress });
}

export const TINY_READY_FILE = path.join(REPO_ROOT, '.cache', 'FORGE_TINY_READY');

/** Forges the tiny model and records its folder in .cache/FORGE_TINY_READY. */
export async function prepareTinyModel(): Promise<string> {
  const dir = await tinyModelDir();
  await writeFile(TINY_READY_FILE, `${dir}\n`);
  return dir;
}
