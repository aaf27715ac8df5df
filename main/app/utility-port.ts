// EnginePort over Electron's utilityProcess (the desktop twin of main/engine/node-port.ts): the inference
// process runs as a Chromium-managed Node process, so onnxruntime never shares the main process and a
// crash there is reported (reason from app 'child-process-gone') and restarted by the engine host.
import { app, utilityProcess, type UtilityProcess } from 'electron';
import type { EnginePort } from '../engine/port';
import type { EngineMessage, HostMessage } from '../engine/protocol';
import { ExitTracker } from './exit-tracker';
import { childEnv } from '../engine/child-env';
import { engineProcessEnv } from '../engine/process-env';
import { PortEvents } from '../engine/port-events';
import { bundledEngineEntry } from '../engine/node-port';
import type { Logger } from '../service/log';

export const ENGINE_SERVICE_NAME = 'SmolAlbum Inference';

/** Live children, killed on quit even if a shutdown path forgot one. */
const live = new Set<UtilityProcess>();
let quitHookInstalled = false;
function installQuitHook(): void {
  if (quitHookInstalled) return;
  quitHookInstalled = true;
  app.on('will-quit', () => { for (const child of live) hardKill(child); });
}

function hardKill(child: UtilityProcess): void {
  // child.kill() can block the main process until the child exits (electron#45053): SIGKILL by pid.
  const pid = child.pid;
  if (pid !== undefined && process.platform !== 'win32') {
    try { process.kill(pid, 'SIGKILL'); return; } catch { /* already gone */ }
  }
  child.kill();
}

export interface UtilityPortOptions {
  env?: NodeJS.ProcessEnv;
  log?: Logger;
}

/** Forks one inference process (after app 'ready': forking earlier crashes, electron#41396). */
export function createUtilityPort(opts: UtilityPortOptions = {}): EnginePort {
  if (!app.isReady()) throw new Error('The inference process can only start after the app is ready.');
  installQuitHook();
  const events = new PortEvents();
  // Report outside Electron's listeners: posting to a process from inside its 'exit' handler
  // segfaults main (electron#53923), and the host reacts to an exit by starting the next one.
  const tracker = new ExitTracker((e) => setImmediate(() => {
    if (e.reason) opts.log?.warn(`engine: ${e.reason}`);
    events.exit(e);
  }));

  let child: UtilityProcess | null = null;
  try {
    child = utilityProcess.fork(bundledEngineEntry(), [], {
      serviceName: ENGINE_SERVICE_NAME,
      env: engineProcessEnv(childEnv(opts.env ?? process.env)),
      stdio: 'pipe',
    });
  } catch (err) {
    tracker.fail(`the inference process could not start: ${(err as Error).message}`);
    return portFacade();
  }
  const proc = child;
  live.add(proc);

  const onGone = (_e: Electron.Event, details: Electron.Details) => {
    if (details.type !== 'Utility' || details.serviceName !== ENGINE_SERVICE_NAME) return;
    // One inference process at a time: a report that arrives after ours finished belongs to nobody.
    if (!live.has(proc)) return;
    tracker.gone(details.reason, details.exitCode ?? null);
  };
  app.on('child-process-gone', onGone);
  proc.on('message', (m: unknown) => events.message(m as EngineMessage));
  proc.on('exit', (code: number) => {
    live.delete(proc);
    app.off('child-process-gone', onGone);
    tracker.exit(code);
  });
  proc.on('error', (type: string, location: string) => opts.log?.error(`engine: fatal ${type} at ${location}`));
  for (const [stream, level] of [[proc.stdout, 'info'], [proc.stderr, 'warn']] as const) {
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => opts.log?.log(level, `engine: ${chunk.trimEnd()}`));
  }
  return portFacade();

  function portFacade(): EnginePort {
    return {
      get pid() { return child?.pid; },
      postMessage(msg: HostMessage) {
        if (events.exited || tracker.finished || !child || !live.has(child)) return;
        child.postMessage(msg);
      },
      onMessage: (l) => events.onMessage(l),
      onExit: (l) => events.onExit(l),
      kill() { if (child && live.has(child)) hardKill(child); },
    };
  }
}
