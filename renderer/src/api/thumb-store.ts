// Grid thumbnails as URLs for <img> (the React hook is ./thumbs.ts). Where the transport batches (web
// mode), the ids the tiles on screen ask for within one task go out as one request (up to BATCH ids, at
// most IN_FLIGHT requests), and each image's URL (a data: URL) is kept in a bounded cache. An id whose
// tile left before its batch went out is not fetched (typing a new search drops the old results'
// thumbnails). A photo named by `library.changed` is fetched again if a tile shows it, else forgotten.
import { THUMB_BATCH_MAX } from '../../../shared/thumb-batch';

const BATCH = Math.min(100, THUMB_BATCH_MAX);
const IN_FLIGHT = 2;
/** URLs kept for tiles no longer on screen (scrolling back shows them at once): ~15 MB of 256 px WebP. */
const KEEP = 1500;

type Batch = (ids: number[]) => Promise<Map<number, string>>;

export class ThumbStore {
  /** id → URL, oldest first (a hit moves it to the end). */
  private readonly urls = new Map<number, string>();
  /** Ids the batch answered without (or whose batch failed): the tile uses the per-id URL. */
  private readonly perId = new Set<number>();
  private readonly listeners = new Map<number, Set<() => void>>();
  private readonly queue = new Set<number>();
  private readonly refetch = new Set<number>();
  private inFlight = 0;
  private scheduled = false;

  constructor(private readonly batch: Batch, private readonly perIdUrl: (id: number) => string, private readonly keep = KEEP) {}

  /** The URL to show, or null while its batch is on the way. */
  get(id: number): string | null {
    const url = this.urls.get(id);
    if (url !== undefined) return url;
    return this.perId.has(id) ? this.perIdUrl(id) : null;
  }

  subscribe(id: number, listener: () => void): () => void {
    let set = this.listeners.get(id);
    if (!set) this.listeners.set(id, (set = new Set()));
    set.add(listener);
    const url = this.urls.get(id);
    if (url !== undefined) { this.urls.delete(id); this.urls.set(id, url); } else if (!this.perId.has(id)) this.enqueue(id);
    return () => {
      set.delete(listener);
      if (set.size > 0) return;
      this.listeners.delete(id);
      this.queue.delete(id);
    };
  }

  /** Photos whose thumbnail may have changed (null: all). Shown ones are fetched again and swapped in. */
  invalidate(ids: number[] | null): void {
    for (const id of ids ?? [...this.urls.keys(), ...this.perId]) {
      this.perId.delete(id);
      if (this.listeners.has(id)) { this.refetch.add(id); this.enqueue(id); } else this.urls.delete(id);
    }
  }

  private enqueue(id: number): void {
    this.queue.add(id);
    if (this.scheduled) return;
    this.scheduled = true;
    // After the current task: a grid render mounts all its tiles first, so they share requests.
    setTimeout(() => { this.scheduled = false; this.pump(); }, 0);
  }

  private pump(): void {
    while (this.inFlight < IN_FLIGHT && this.queue.size > 0) {
      const ids = [...this.queue].slice(0, BATCH);
      for (const id of ids) this.queue.delete(id);
      this.inFlight++;
      this.batch(ids).then((found) => this.settle(ids, found), () => this.settle(ids, new Map())).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private settle(ids: number[], found: Map<number, string>): void {
    for (const id of ids) {
      const url = found.get(id);
      const wasRefetch = this.refetch.delete(id);
      if (url !== undefined) {
        this.urls.delete(id);
        this.urls.set(id, url);
      } else if (!wasRefetch || !this.urls.has(id)) {
        this.urls.delete(id);
        this.perId.add(id);
      }
      for (const l of [...(this.listeners.get(id) ?? [])]) l();
    }
    this.trim();
  }

  /** Forgets the oldest URLs beyond `keep` that no tile shows. */
  private trim(): void {
    let excess = this.urls.size - this.keep;
    for (const id of this.urls.keys()) {
      if (excess <= 0) break;
      if (this.listeners.has(id)) continue;
      this.urls.delete(id);
      excess--;
    }
  }
}
