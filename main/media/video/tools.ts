// ffmpeg and ffprobe: found at run time in @ffmpeg-installer/ffmpeg and @ffprobe-installer/ffprobe
// (binaries shipped inside the npm packages, asar-unpacked in the desktop build), else on PATH.
// They always run as child processes with an argument vector (never a shell), a timeout and a
// process-wide bound on how many run at once, started from the small tool runner process
// (./tool-runner.ts) rather than from this big one.
import { accessSync, constants, copyFileSync, chmodSync, mkdirSync, statSync } from 'node:fs';
import { writeFileAtomicSync } from '../atomic-write';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { AppError } from '../../../shared/errors';
import { semaphore } from '../../library/pool';
import { execTool, type ToolExecOptions } from './tool-exec';
import { toolRunner } from './tool-runner';
import { unpackedPath } from '../asar';

export type ToolName = 'ffmpeg' | 'ffprobe';

const PACKAGES: Record<ToolName, string> = { ffmpeg: '@ffmpeg-installer/ffmpeg', ffprobe: '@ffprobe-installer/ffprobe' };

export interface ResolvedTool {
  path: string;
  /** Where it came from, for `engine`-style status lines and error messages. */
  source: 'package' | 'package-copy' | 'path' | 'env';
}

const isExecutable = (p: string): boolean => {
  try { accessSync(p, constants.X_OK); return statSync(p).isFile(); } catch { return false; }
};

/** The binary inside its npm package, or null when the package (or its platform part) is missing. */
function packagedBinary(name: ToolName): string | null {
  try {
    const req = createRequire(import.meta.url);
    const mod = req(PACKAGES[name]) as { path?: unknown };
    if (typeof mod.path !== 'string') return null;
    // Inside an Electron build the package lies in app.asar; its binary is unpacked beside it.
    return unpackedPath(mod.path);
  } catch {
    // The installer packages throw (a string, for ffmpeg) when their platform package is absent.
    return null;
  }
}

/**
 * @ffprobe-installer publishes its Linux binary as rwxr--r--: only the file's owner may run it, so a
 * shared or root-installed node_modules is not executable for anyone else. A private copy with the
 * execute bit (made once, in the user's temp folder) fixes that without touching node_modules.
 */
function executableCopy(src: string, name: ToolName): string | null {
  try {
    const st = statSync(src);
    const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
    const dir = path.join(os.tmpdir(), `smolalbum-${uid}-bin`);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const dest = path.join(dir, `${name}-${st.size}-${Math.round(st.mtimeMs)}`);
    if (!isExecutable(dest)) {
      // A concurrent process sees either no copy or a whole one.
      writeFileAtomicSync(dest, (tmp) => { copyFileSync(src, tmp); chmodSync(tmp, 0o700); });
    }
    return isExecutable(dest) ? dest : null;
  } catch {
    return null;
  }
}

function onPath(name: ToolName, env: NodeJS.ProcessEnv): string | null {
  const exe = process.platform === 'win32' ? `${name}.exe` : name;
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const p = path.join(dir, exe);
    if (isExecutable(p)) return p;
  }
  return null;
}

export interface ResolveOptions {
  env?: NodeJS.ProcessEnv;
  /** Test seam: where the npm package's binary is (null = package missing). */
  packaged?: (name: ToolName) => string | null;
}

/** Finds a tool or throws AppError('unavailable') saying what was tried and how to fix it. */
export function resolveTool(name: ToolName, opts: ResolveOptions = {}): ResolvedTool {
  const env = opts.env ?? process.env;
  const override = env[`SMOLALBUM_${name.toUpperCase()}`];
  if (override) {
    if (isExecutable(override)) return { path: override, source: 'env' };
    throw new AppError('unavailable', `${name}: SMOLALBUM_${name.toUpperCase()}=${override} is not an executable file`);
  }
  const packaged = (opts.packaged ?? packagedBinary)(name);
  if (packaged && isExecutable(packaged)) return { path: packaged, source: 'package' };
  if (packaged) {
    const copy = executableCopy(packaged, name);
    if (copy) return { path: copy, source: 'package-copy' };
  }
  const fromPath = onPath(name, env);
  if (fromPath) return { path: fromPath, source: 'path' };
  throw new AppError('unavailable',
    `${name} was not found: the ${PACKAGES[name]} package has no binary for ${process.platform}-${process.arch}`
    + `${packaged ? ` (${packaged} cannot be run)` : ''} and there is no ${name} on PATH. `
    + `Reinstall SmolAlbum's dependencies or install ${name} (e.g. apt install ffmpeg); videos are skipped until then.`);
}

const cache = new Map<ToolName, ResolvedTool>();

/** The resolved tool, looked up once per process. */
export function tool(name: ToolName): ResolvedTool {
  let t = cache.get(name);
  if (!t) { t = resolveTool(name); cache.set(name, t); }
  return t;
}

/** Whether both tools can be found (the indexer skips video work with one clear message otherwise). */
export function videoToolsError(): string | null {
  try { tool('ffprobe'); tool('ffmpeg'); return null; } catch (err) { return (err as Error).message; }
}

/**
 * Processes run at once, process-wide: each ffmpeg is multi-threaded by itself, so more than a
 * couple only trade memory for nothing. SMOLALBUM_VIDEO_CONCURRENCY overrides.
 */
export function toolConcurrency(): number {
  const n = Number(process.env.SMOLALBUM_VIDEO_CONCURRENCY);
  if (Number.isInteger(n) && n > 0) return n;
  return Math.max(2, Math.min(4, os.availableParallelism()));
}
const gate = semaphore(toolConcurrency());

export interface RunOptions extends ToolExecOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface RunResult {
  stdout: Buffer;
  stderr: string;
}

const DEFAULT_TIMEOUT_MS = 60_000;

/** Runs a tool with an argument vector (no shell). Rejects with AppError on failure or timeout. */
export function runTool(name: ToolName, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const bin = tool(name).path;
  return gate(() => new Promise<RunResult>((resolve, reject) => {
    if (opts.signal?.aborted) { reject(new AppError('cancelled', `${name} cancelled`)); return; }
    // Started from the tool runner process (./tool-runner.ts) where there is one, else from here.
    const runner = toolRunner();
    const run = runner ? runner.run(bin, args, opts) : execTool(bin, args, opts);
    let failure: AppError | null = null;
    const kill = (why: AppError) => { failure ??= why; run.kill(); };
    const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const timer = setTimeout(() => kill(new AppError('unavailable', `${name} took longer than ${Math.round(timeoutMs / 1000)} s and was stopped`)), timeoutMs);
    const onAbort = () => kill(new AppError('cancelled', `${name} cancelled`));
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    void run.done.then((exit) => {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      if (failure) reject(failure);
      else if (exit.tooLarge) reject(new AppError('too_large', `${name} output is over ${opts.maxStdout} bytes`));
      else if (exit.startError !== null) reject(new AppError('unavailable', `${name} could not be started: ${exit.startError}`));
      else if (exit.code !== 0) reject(new AppError('unsupported', `${name} failed (exit ${exit.code}): ${lastLines(exit.stderr)}`, { details: { exitCode: exit.code } }));
      else resolve({ stdout: exit.stdout, stderr: exit.stderr });
    });
  }));
}

/** The meaningful tail of ffmpeg's stderr: its last non-empty lines, one line. */
export function lastLines(stderr: string, n = 2): string {
  const lines = stderr.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  return lines.slice(-n).join('; ') || 'no message';
}
