// Starts ffmpeg and ffprobe from a small helper process (./tool-runner-entry.ts) instead of from
// this one: see that file for why. Started on first use and kept; it exits with this process. When
// it cannot start, or dies with runs in flight, those runs and later ones are started here instead
// (./tool-exec.ts), so a tool runs either way. SMOLALBUM_TOOL_RUNNER=0 switches it off.
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { unpackedPath } from '../asar';
import { execTool, type ToolExecOptions, type ToolExit, type ToolRun } from './tool-exec';
import type { RunnerReply, RunnerRequest } from './tool-runner-protocol';

/**
 * The entry beside this module: .ts under tsx from sources; in the build, the bundle
 * out/media/tool-runner.cjs, unpacked from the asar — CommonJS, because the unpacked folder has no
 * package.json to say "module".
 */
function runnerEntry(): { file: string; execArgv: string[] } | null {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    const tsx = pathToFileURL(createRequire(here).resolve('tsx')).href;
    return { file: fileURLToPath(new URL('./tool-runner-entry.ts', here)), execArgv: ['--import', tsx] };
  }
  const file = unpackedPath(fileURLToPath(new URL('../media/tool-runner.cjs', here)));
  return existsSync(file) ? { file, execArgv: [] } : null;
}

interface Pending {
  bin: string;
  args: readonly string[];
  opts: ToolExecOptions;
  resolve(exit: ToolExit): void;
  /** The tool's process, once the runner says it started. */
  pid: number | null;
  /** Set once the run went to this process instead (the runner died): kill goes there. */
  local: ToolRun | null;
  killed: boolean;
}

export class ToolRunner {
  private child: ChildProcess | null = null;
  private broken = false;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly entry: { file: string; execArgv: string[] } | null = runnerEntry()) {}

  /** The runner's pid while it runs (tests). */
  get pid(): number | undefined { return this.child?.pid; }

  private start(): ChildProcess | null {
    if (this.child) return this.child;
    if (this.broken || !this.entry) return null;
    try {
      // Under Electron, fork runs the script as plain Node (ELECTRON_RUN_AS_NODE).
      const child = fork(this.entry.file, [], {
        execArgv: this.entry.execArgv, stdio: ['ignore', 'ignore', 'inherit', 'ipc'], serialization: 'advanced',
      });
      child.on('message', (m: RunnerReply) => this.reply(m));
      child.on('exit', () => this.lost(child));
      child.on('error', () => this.lost(child));
      // Never keeps this process alive by itself: its channel is held (ref) only while runs are in flight.
      child.unref();
      (child.channel as { unref?: () => void } | undefined)?.unref?.();
      this.child = child;
      return child;
    } catch {
      this.broken = true;
      return null;
    }
  }

  private reply(m: RunnerReply): void {
    const p = this.pending.get(m.id);
    if (!p) return;
    if ('pid' in m) { p.pid = m.pid; return; }
    this.pending.delete(m.id);
    const out = m.exit.stdout as Buffer | Uint8Array;
    p.resolve({ ...m.exit, stdout: Buffer.isBuffer(out) ? out : Buffer.from(out.buffer, out.byteOffset, out.byteLength) });
    if (!this.pending.size) (this.child?.channel as { unref?: () => void } | undefined)?.unref?.();
  }

  /**
   * The runner is gone: the tools it had started are stopped (one that writes nothing would not
   * notice its reader gone and run on), and its runs start again here.
   */
  private lost(child: ChildProcess): void {
    if (this.child !== child) return;
    this.child = null;
    this.broken = true;
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      if (p.pid !== null) { try { process.kill(p.pid, 'SIGKILL'); } catch { /* already gone */ } }
      if (p.killed) { p.resolve({ code: null, stdout: Buffer.alloc(0), stderr: '', tooLarge: false, startError: null }); continue; }
      p.local = execTool(p.bin, p.args, p.opts);
      void p.local.done.then(p.resolve);
    }
  }

  run(bin: string, args: readonly string[], opts: ToolExecOptions = {}): ToolRun {
    const child = opts.onStdout ? null : this.start();
    if (!child) return execTool(bin, args, opts);
    const id = this.nextId++;
    let resolve!: (exit: ToolExit) => void;
    const done = new Promise<ToolExit>((r) => { resolve = r; });
    const p: Pending = { bin, args, opts, resolve, pid: null, local: null, killed: false };
    this.pending.set(id, p);
    (child.channel as { ref?: () => void } | undefined)?.ref?.();
    const request: RunnerRequest = { kind: 'run', id, bin, args, maxStdout: opts.maxStdout };
    child.send(request, (err) => { if (err) this.lost(child); });
    return {
      done,
      kill: () => {
        p.killed = true;
        if (p.local) p.local.kill();
        else if (this.child === child) child.send({ kind: 'kill', id } satisfies RunnerRequest, () => undefined);
      },
    };
  }

  close(): void {
    const child = this.child;
    this.child = null;
    this.broken = true;
    child?.disconnect();
  }
}

let shared: ToolRunner | null = null;

/** The process-wide runner, or null when switched off (SMOLALBUM_TOOL_RUNNER=0). */
export function toolRunner(): ToolRunner | null {
  if (process.env.SMOLALBUM_TOOL_RUNNER === '0') return null;
  shared ??= new ToolRunner();
  return shared;
}
