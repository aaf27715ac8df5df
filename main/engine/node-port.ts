// EnginePort over child_process.fork (CLI, web mode, tests). From .ts sources the entry runs under
// tsx; from the build (out/cli/index.js, out/main/app.js) the bundled out/engine/entry.js is used.
import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { EngineExit, EnginePort } from './port';
import type { EngineMessage, HostMessage } from './protocol';
import { engineProcessEnv } from './process-env';
import { PortEvents } from './port-events';

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
    const file = fileURLToPath(new URL('./entry.ts', here));
    const tsx = pathToFileURL(createRequire(here).resolve('tsx')).href;
    return { file, execArgv: ['--import', tsx] };
  }
  return { file: bundledEngineEntry(), execArgv: [] };
}

/** The bundled entry: out/engine/entry.js beside the bundle that runs this (out/cli, out/main). */
export function bundledEngineEntry(): string {
  const file = fileURLToPath(new URL('../engine/entry.js', import.meta.url));
  if (!existsSync(file)) throw new Error(`The inference process entry is missing: ${file} (run npm run build).`);
  return file;
}

export function createNodePort(opts: NodePortOptions = {}): EnginePort {
  const { file, execArgv } = opts.entry ?? engineEntry();
  const child: ChildProcess = fork(file, [], {
    execArgv,
    env: engineProcessEnv(opts.env ?? process.env),
    stdio: ['ignore', 'ignore', opts.stderr ?? 'inherit', 'ipc'],
    serialization: 'json',
  });
  const events = new PortEvents();
  const finish = (e: EngineExit) => events.exit(e);
  child.on('message', (m) => events.message(m as EngineMessage));
  child.on('exit', (code, signal) => finish({ code, signal }));
  child.on('error', (err) => {
    // A failed spawn emits 'error' without 'exit'; a failed send emits 'error' on a live child.
    if (child.pid === undefined || child.exitCode !== null) finish({ code: null, signal: null, reason: err.message });
  });
  return {
    get pid() { return child.pid; },
    postMessage(msg: HostMessage) {
      if (events.exited || !child.connected) return;
      child.send(msg, (err) => { if (err && !events.exited) child.kill('SIGKILL'); });
    },
    onMessage: (l) => events.onMessage(l),
    onExit: (l) => events.onExit(l),
    kill() { if (!events.exited) child.kill('SIGKILL'); },
  };
}
