// Messages between the app and its tool runner process (./tool-runner.ts, ./tool-runner-entry.ts).
import type { ToolExit } from './tool-exec';

export type RunnerRequest =
  | { kind: 'run'; id: number; bin: string; args: readonly string[]; maxStdout?: number }
  | { kind: 'kill'; id: number };

/** `pid` when the tool has started (so the app can stop it should the runner die), `exit` when it ended. */
export type RunnerReply = { id: number; pid: number } | { id: number; exit: ToolExit };
