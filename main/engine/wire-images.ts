// Images made ahead for remote endpoints. While the endpoints work on the photos in flight, the AI
// worker has the next queued photos' data URLs made here, so a slot that frees up sends its next
// request at once. Made on demand instead, they queue behind each other whenever many endpoint
// answers arrive together (about 80 ms a photo at 8 endpoints, `npm run bench -- remote`), and the
// endpoint's slot waits meanwhile. Each image made ahead is taken once; it is used only if the file
// still has the size and modification time it had when the image was made.
import { statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { ImageFormat } from '../../shared/contract/engines';
import { tileDataUrl } from './tile-image';

/** How an endpoint wants its images: the tile size and the wire format. */
export interface WireSpec {
  size: number;
  format: ImageFormat;
  jpegQuality: number;
}

interface Made {
  url: Promise<string>;
  size: number;
  mtimeMs: number;
}

export const wireDataUrl = (file: string, spec: WireSpec): Promise<string> => tileDataUrl(file, spec.size, spec.format, spec.jpegQuality);

export class WireImages {
  private readonly made = new Map<string, Made>();
  /** Images taken ready-made (the run's summary says how many). */
  served = 0;

  /** `max`: images kept made ahead (the oldest is dropped beyond it). */
  constructor(private readonly max: number) {}

  private static key(file: string, spec: WireSpec): string {
    return `${spec.size}|${spec.format}|${spec.format === 'jpeg' ? spec.jpegQuality : ''}|${file}`;
  }

  /** Starts making the image, unless it is made or being made. */
  prepare(file: string, spec: WireSpec): void {
    const key = WireImages.key(file, spec);
    if (this.made.has(key)) return;
    const entry: Made = { url: Promise.resolve(''), size: -1, mtimeMs: -1 };
    entry.url = stat(file).then((s) => {
      entry.size = s.size;
      entry.mtimeMs = s.mtimeMs;
      return wireDataUrl(file, spec);
    });
    entry.url.catch(() => undefined); // a failure is reported by take(), which makes it again
    this.made.set(key, entry);
    while (this.made.size > this.max) this.made.delete(this.made.keys().next().value!);
  }

  /** The image's data URL: the one made ahead while the file is unchanged since, else made now. */
  async take(file: string, spec: WireSpec): Promise<string> {
    const key = WireImages.key(file, spec);
    const entry = this.made.get(key);
    if (entry) {
      this.made.delete(key);
      try {
        const url = await entry.url;
        // Synchronous: the file was read moments ago (its metadata is cached), and an async stat
        // waited ~5 ms for the threadpool and the busy event loop while the endpoint's slot idled.
        const s = statSync(file);
        if (s.size === entry.size && s.mtimeMs === entry.mtimeMs) { this.served++; return url; }
      } catch { /* made again below, which reports the error */ }
    }
    return wireDataUrl(file, spec);
  }

  /** Images made ahead and not taken yet. */
  get size(): number { return this.made.size; }
}
