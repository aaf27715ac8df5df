// The host's view of a running inference process. Two implementations: main/engine/node-port.ts
// (child_process.fork: CLI, web mode, tests) and main/app/utility-port.ts (Electron utilityProcess).
import type { EngineMessage, HostMessage } from './protocol';

export interface EngineExit {
  /** Exit code, when the process exited by itself. */
  code: number | null;
  /** Signal that ended it (SIGKILL, SIGSEGV, …), when known. */
  signal: string | null;
  /** Extra words from the platform (Electron's child-process-gone reason, spawn errors). */
  reason?: string;
}

export interface EnginePort {
  postMessage(msg: HostMessage): void;
  /** Every message the process sends, in order. */
  onMessage(listener: (msg: EngineMessage) => void): void;
  /** Called exactly once, when the process is gone (exit, crash, kill or failed spawn). */
  onExit(listener: (exit: EngineExit) => void): void;
  /** Ends the process now (SIGKILL where available). */
  kill(): void;
  /** OS process id, when known. */
  readonly pid?: number;
}

/** Starts one inference process. Called again for every restart. */
export type EnginePortFactory = () => EnginePort;
