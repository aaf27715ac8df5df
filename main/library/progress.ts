// Progress of one stage with an ETA from the observed rate; emits at most every `intervalMs`, and
// always once at the end (etaMs 0).
import type { Progress, Stage } from '../../shared/types';

export class StageProgress {
  private done = 0;
  private readonly started = Date.now();
  private lastEmit = 0;
  private finished = false;

  /** `total` null: a stage whose total grows as it goes (discovery); it has no ETA. */
  constructor(
    private readonly stage: Stage,
    private total: number | null,
    private readonly emit: (p: Progress) => void,
    private readonly intervalMs = 200,
  ) {}

  tick(by = 1): void {
    this.done += by;
    if (this.total !== null && this.done >= this.total) { this.finish(); return; }
    const now = Date.now();
    if (now - this.lastEmit >= this.intervalMs) {
      this.lastEmit = now;
      this.emit(this.snapshot());
    }
  }

  snapshot(): Progress {
    if (this.total === null) return { stage: this.stage, done: this.done, total: this.done, etaMs: null };
    const elapsed = Date.now() - this.started;
    const left = Math.max(0, this.total - this.done);
    const etaMs = this.done > 0 ? Math.round((elapsed / this.done) * left) : null;
    return { stage: this.stage, done: this.done, total: this.total, etaMs };
  }

  finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.emit({ ...this.snapshot(), etaMs: 0 });
  }
}
