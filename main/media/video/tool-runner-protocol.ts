// Messages between the app and its tool runner process (./tool-runner.ts, ./tool-runner-entry.ts).
import type { ToolExit } from './tool-exec';

export type RunnerRequest =
  | { kind: 'run'; id: number; bin: string; args: readonly string[]; maxStdout?: number }
  | { kind: 'kill'; id: number };

export interface RunnerReply {
  id: number;
  exit: ToolExit;
}
