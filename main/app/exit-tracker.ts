// Combines the two ways Electron reports the end of a utility process — the child's 'exit' (an exit code
// that can read 0 even after a crash, electron#42283) and app 'child-process-gone' (the real reason:
// crashed, oom, killed, launch-failed) — into one EngineExit, reported exactly once. Either may come
// first; after the first, the other gets a short grace period.
import type { EngineExit } from '../engine/port';

/** Electron's child-process-gone reasons, in words for the status line. */
const REASON_TEXT: Record<string, string> = {
  'clean-exit': 'exited',
  'abnormal-exit': 'exited abnormally',
  killed: 'was killed',
  crashed: 'crashed',
  oom: 'ran out of memory',
  'launch-failed': 'failed to start',
  'integrity-failure': 'failed a code integrity check',
  'memory-eviction': 'was evicted to free memory',
};

export function describeGone(reason: string, exitCode: number | null): string {
  const words = REASON_TEXT[reason] ?? reason;
  return `the inference process ${words}${exitCode !== null && exitCode !== 0 ? ` (exit code ${exitCode})` : ''}`;
}

export class ExitTracker {
  private code: number | null = null;
  private reason: string | undefined;
  private seen = false;
  private done = false;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly report: (exit: EngineExit) => void, private readonly graceMs = 300) {}

  get finished(): boolean { return this.done; }

  /** The child's own 'exit' event. */
  exit(code: number | null): void {
    if (this.done) return;
    this.code = code;
    this.arrived();
  }

  /** app 'child-process-gone' for this child. Only a non-clean reason is worth reporting. */
  gone(reason: string, exitCode: number | null): void {
    if (this.done) return;
    if (reason !== 'clean-exit') this.reason = describeGone(reason, exitCode);
    if (this.code === null) this.code = exitCode;
    this.arrived();
  }

  /** A failure without an exit (fork threw, fatal V8 error): report now. */
  fail(message: string): void {
    if (this.done) return;
    this.reason = this.reason ?? message;
    this.finish();
  }

  private arrived(): void {
    if (this.seen) { this.finish(); return; }
    this.seen = true;
    this.timer = setTimeout(() => this.finish(), this.graceMs);
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    if (this.timer) clearTimeout(this.timer);
    this.report({ code: this.code, signal: null, ...(this.reason ? { reason: this.reason } : {}) });
  }
}
