// Progress of one stage with an ETA from the observed rate; emits at most every `intervalMs`.
import type { Progress, Stage } from '../../shared/types';

export class StageProgress {
  private done = 0;
  private readonly started = Date.now();
  private lastEmit = 0;

  constructor(
    private readonly stage: Stage,
    private total: number,
    private readonly emit: (p: Progress) => void,
    private readonly intervalMs = 200,
  ) {}

  /** For stages whose total grows as they go (discovery). */
  grow(by: number): void { this.total += by; }

  tick(by = 1): void {
    this.done += by;
    const now = Date.now();
    if (now - this.lastEmit >= this.intervalMs || this.done >= this.total) {
      this.lastEmit = now;
      this.emit(this.snapshot());
    }
  }

  snapshot(): Progress {
    const elapsed = Date.now() - this.started;
    const left = Math.max(0, this.total - this.done);
    const etaMs = this.done > 0 && elapsed > 0 ? Math.round((elapsed / this.done) * left) : null;
    return { stage: this.stage, done: this.done, total: this.total, etaMs };
  }

  finish(): void {
    this.lastEmit = Date.now();
    this.emit({ ...this.snapshot(), etaMs: 0 });
  }
}
