// EnginePort over child_process.fork (CLI, web mode, tests). From .ts sources the entry runs under
// tsx; from the build (out/cli/index.js, out/main/app.js) the bundled out/engine/entry.js is used.
import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { EngineExit, EnginePort } from '../engine/port';
import type { EngineMessage, HostMessage } from '../engine/protocol';
import { engineProcessEnv } from '../engine/process-env';

export interface NodePortOptions {
  /** Environment of the inference process (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** Inherit the child's stderr (diagnostics) — default true; tests may silence it. */
  stderr?: 'inherit' | 'ignore';
  /** Another build of the entry (e.g. a bundled one), instead of the one beside this module. */
  entry?: { file: string; execArgv: string[] };
}

/** The inference-process entry beside this module: .ts under tsx, .js in the build. */
export function engineEntry(): { file: string; execArgv: string[] } {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    const file = fileURLToPath(new URL('../engine/entry.ts', here));
    const tsx = pathToFileURL(createRequire(here).resolve('tsx')).href;
    return { file, execArgv: ['--import', tsx] };
  }
  const file = fileURLToPath(new URL('../engine/entry.js', here));
  if (!existsSync(file)) throw new Error(`The inference process entry is missing: ${file} (run npm run build).`);
  return { file, execArgv: [] };
}

export function createNodePort(opts: NodePortOptions = {}): EnginePort {
  const { file, execArgv } = opts.entry ?? engineEntry();
  const child: ChildProcess = fork(file, [], {
    execArgv,
    env: engineProcessEnv(opts.env ?? process.env),
    stdio: ['ignore', 'ignore', opts.stderr ?? 'inherit', 'ipc'],
    serialization: 'json',
  });
  const messageListeners: ((m: EngineMessage) => void)[] = [];
  const exitListeners: ((e: EngineExit) => void)[] = [];
  let exited: EngineExit | null = null;
  const finish = (e: EngineExit) => {
    if (exited) return;
    exited = e;
    for (const l of exitListeners) l(e);
  };
  child.on('message', (m) => { for (const l of messageListeners) l(m as EngineMessage); });
  child.on('exit', (code, signal) => finish({ code, signal }));
  child.on('error', (err) => {
    // A failed spawn emits 'error' without 'exit'; a failed send emits 'error' on a live child.
    if (child.pid === undefined || child.exitCode !== null) finish({ code: null, signal: null, reason: err.message });
  });
  return {
    get pid() { return child.pid; },
    postMessage(msg: HostMessage) {
      if (exited || !child.connected) return;
      child.send(msg, (err) => { if (err && !exited) child.kill('SIGKILL'); });
    },
    onMessage(l) { messageListeners.push(l); },
    onExit(l) { if (exited) l(exited); else exitListeners.push(l); },
    kill() { if (!exited) child.kill('SIGKILL'); },
  };
}
