// One run of an external tool as a child process: an argument vector (never a shell), stdout
// collected up to a bound (or handed on as it comes), the tail of stderr kept for the message.
// Used in this process and in the tool runner process (./tool-runner-entry.ts); the caller decides
// about timeouts, cancelling and what an exit code means (./tools.ts runTool).
import { spawn } from 'node:child_process';

export interface ToolExit {
  /** Exit code; null when the tool was killed or never started. */
  code: number | null;
  stdout: Buffer;
  stderr: string;
  /** Stdout went over maxStdout: the tool was killed. */
  tooLarge: boolean;
  /** Why the tool could not be started (not found, not executable), else null. */
  startError: string | null;
}

export interface ToolExecOptions {
  /** Stdout beyond this many bytes kills the tool (a runaway probe cannot fill memory). */
  maxStdout?: number;
  /** Receives stdout as it comes instead of collecting it (ffmpeg -progress). */
  onStdout?: (chunk: Buffer) => void;
}

export interface ToolRun {
  done: Promise<ToolExit>;
  kill(): void;
  /** The tool's process id (undefined when it could not start). */
  pid?: number;
}

const STDERR_KEEP = 16_384;

export function execTool(bin: string, args: readonly string[], opts: ToolExecOptions = {}): ToolRun {
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], shell: false, windowsHide: true });
  const out: Buffer[] = [];
  let outBytes = 0;
  let err = '';
  let tooLarge = false;
  child.stdout.on('data', (c: Buffer) => {
    if (opts.onStdout) { opts.onStdout(c); return; }
    outBytes += c.length;
    if (opts.maxStdout !== undefined && outBytes > opts.maxStdout) { tooLarge = true; child.kill('SIGKILL'); return; }
    if (!tooLarge) out.push(c);
  });
  child.stderr.on('data', (c: Buffer) => { err = (err + c.toString('utf8')).slice(-STDERR_KEEP); });
  const done = new Promise<ToolExit>((resolve) => {
    const finish = (code: number | null, startError: string | null) =>
      resolve({ code, stdout: tooLarge ? Buffer.alloc(0) : Buffer.concat(out), stderr: err, tooLarge, startError });
    child.once('error', (e) => finish(null, e.message));
    child.once('close', (code) => finish(code, null));
  });
  return { done, kill: () => { child.kill('SIGKILL'); }, pid: child.pid };
}
