// Download progress for a whole pull: bytes on disk out of the total, speed over a sliding window, ETA.
// Emission is throttled so a fast link does not flood the event bus.
import type { DownloadProgress } from '../../shared/contract/models';
import type { RetryNotice } from './download';

const WINDOW_MS = 3000;

export class ProgressMeter {
  private bytes = 0;
  private file = '';
  private lastEmit = -Infinity;
  /** (time, bytes transferred over the network so far) samples inside the speed window. */
  private samples: { t: number; moved: number }[] = [];
  private moved = 0;

  constructor(
    private readonly repo: string,
    private readonly total: number,
    private readonly emit: (p: DownloadProgress) => void,
    private readonly intervalMs = 250,
    private readonly now: () => number = () => performance.now(),
  ) {}

  setFile(file: string): void { this.file = file; }

  /** Bytes already in the cache or in a partial (not counted as speed). */
  addPresent(delta: number): void { this.bytes += delta; }

  /** Bytes that arrived over the network (negative deltas: a partial was discarded). */
  add(delta: number): void {
    this.bytes += delta;
    if (delta > 0) this.moved += delta;
    const t = this.now();
    this.samples.push({ t, moved: this.moved });
    while (this.samples.length > 2 && t - this.samples[0].t > WINDOW_MS) this.samples.shift();
    if (t - this.lastEmit >= this.intervalMs) this.report(false);
  }

  get bytesPerSec(): number {
    if (this.samples.length < 2) return 0;
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    const dt = last.t - first.t;
    return dt > 0 ? Math.round(((last.moved - first.moved) * 1000) / dt) : 0;
  }

  /** A failed request will be tried again: said at once, not at the next throttled report. */
  retrying(retry: RetryNotice): void {
    this.lastEmit = this.now();
    this.emit({ repo: this.repo, file: this.file, bytes: this.bytes, total: this.total, bytesPerSec: 0, etaMs: null, done: false, retry });
  }

  report(done: boolean): void {
    this.lastEmit = this.now();
    const speed = this.bytesPerSec;
    const left = Math.max(0, this.total - this.bytes);
    this.emit({
      repo: this.repo, file: this.file, bytes: this.bytes, total: this.total, bytesPerSec: speed,
      etaMs: done ? 0 : speed > 0 ? Math.round((left / speed) * 1000) : null, done,
    });
  }
}
