// Images of an OpenAI chat request for the local engine: `image_url` data URLs are decoded, checked
// by content (main/media/sniff.ts) and kept in a private folder, named by content, that the engine
// reads by path. Remote http(s) URLs are refused unless allowed — the
// server makes no requests on a caller's behalf by default.
import { mkdirSync, rmSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { hashBytes } from '../media/file-hash';
import path from 'node:path';
import { AppError } from '../../shared/errors';
import { inspectImage } from '../media/check';
import { sniffFormat, SNIFF_BYTES } from '../media/sniff';

export interface ImageLimits {
  /** Largest decoded image (bytes). */
  maxImageBytes: number;
  /** Most images in one request. */
  maxImages: number;
  /** Largest image in pixels (width × height). */
  maxPixels: number;
  /** Fetch http(s) image URLs (off by default). */
  allowRemoteImages: boolean;
}

export const DEFAULT_IMAGE_LIMITS: ImageLimits = { maxImageBytes: 10 * 1024 * 1024, maxImages: 8, maxPixels: 50_000_000, allowRemoteImages: false };

/** An image file the engine reads by path: named by its content, so a follow-up turn sends the same path. */
interface StoredImage { file: string; pixels: number; pins: number; ready: Promise<void> }

/**
 * The API's image files, named by their content hash. A client repeats the image in every turn of a
 * conversation (captions ask for tags in a second request): the second turn finds the file written by
 * the first, and the engine, whose image cache is keyed by path, size and mtime, does not prepare
 * it again. Files in use by a request are pinned; beyond `keep` the least recently used go. A cache,
 * rebuilt on demand: written without fsync, and emptied when the API starts.
 */
export class ApiImageStore {
  private readonly images = new Map<string, StoredImage>();
  private written = 0;

  constructor(private readonly dir: string, private readonly keep = 32) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  /** The file of these bytes (written once), pinned until `release`. Throws for a non-image or too many pixels. */
  async pin(bytes: Buffer, limits: ImageLimits, param: string): Promise<{ file: string; digest: string }> {
    const format = sniffFormat(bytes.subarray(0, SNIFF_BYTES));
    if (!format) throw new AppError('input', 'The image is not JPEG, PNG, WebP, GIF, TIFF, AVIF or HEIF', { details: { param } });
    const digest = hashBytes(bytes);
    let img = this.images.get(digest);
    if (img) this.images.delete(digest); // re-inserted below: the map's order is least recently used first
    else {
      // A new name for every entry: the removal of an evicted one never hits the file of its successor.
      const file = path.join(this.dir, `${digest}-${++this.written}.${format}`);
      img = { file, pixels: 0, pins: 0, ready: Promise.resolve() };
      const entry = img;
      img.ready = (async () => {
        let info;
        try { info = await inspectImage(bytes, 'the image'); } catch (err) { throw new AppError('input', (err as Error).message, { details: { param } }); }
        entry.pixels = (info.width ?? 0) * (info.height ?? 0);
        await writeFile(file, bytes, { mode: 0o600 });
      })();
    }
    this.images.set(digest, img);
    img.pins++;
    try {
      await img.ready;
    } catch (err) {
      img.pins--;
      if (this.images.get(digest) === img) this.images.delete(digest);
      await rm(img.file, { force: true });
      throw err;
    }
    if (img.pixels > limits.maxPixels) {
      this.release(digest);
      throw new AppError('too_large', `The image has ${img.pixels} pixels; at most ${limits.maxPixels} are accepted`, { details: { param } });
    }
    return { file: img.file, digest };
  }

  release(digest: string): void {
    const img = this.images.get(digest);
    if (img) img.pins--;
    let excess = this.images.size - this.keep;
    for (const [key, old] of this.images) {
      if (excess <= 0) break;
      if (old.pins > 0) continue;
      this.images.delete(key);
      excess--;
      void rm(old.file, { force: true }).catch(() => {});
    }
  }
}

/** One request's images: decoded from their URLs, checked, pinned in the store until the answer is sent. */
export class RequestImages {
  private readonly pinned: string[] = [];
  constructor(private readonly store: ApiImageStore, private readonly limits: ImageLimits) {}

  /** Decodes one image_url into the store; returns its path and content hash. `param` names the field in errors. */
  async add(url: string, param: string): Promise<{ file: string; digest: string }> {
    if (this.pinned.length >= this.limits.maxImages) throw new AppError('input', `At most ${this.limits.maxImages} images per request`, { details: { param } });
    let bytes: Buffer;
    if (url.startsWith('data:')) bytes = decodeDataUrl(url, param, this.limits.maxImageBytes);
    else if (/^https?:\/\//i.test(url)) {
      if (!this.limits.allowRemoteImages) throw new AppError('input', 'Remote image URLs are not fetched by this server; send the image as a data URL (data:image/png;base64,…)', { details: { param } });
      bytes = await fetchImage(url, param, this.limits.maxImageBytes);
    } else throw new AppError('input', 'image_url.url must be a data URL (or an http(s) URL where allowed)', { details: { param } });
    const stored = await this.store.pin(bytes, this.limits, param);
    this.pinned.push(stored.digest);
    return stored;
  }

  dispose(): void {
    for (const digest of this.pinned.splice(0)) this.store.release(digest);
  }
}

function decodeDataUrl(url: string, param: string, max: number): Buffer {
  const m = /^data:(image\/[\w.+-]+)?(;[^,]*)?,/i.exec(url.slice(0, 200));
  if (!m || !/;base64/i.test(m[2] ?? '')) throw new AppError('input', 'Image data URLs must be base64 (data:image/…;base64,…)', { details: { param } });
  const b64 = url.slice(m[0].length);
  if (b64.length * 0.75 > max + 4) throw new AppError('too_large', `The image is larger than ${max} bytes`, { details: { param } });
  return Buffer.from(b64, 'base64');
}

async function fetchImage(url: string, param: string, max: number): Promise<Buffer> {
  let res: Response;
  try { res = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(30_000) }); } catch (err) {
    throw new AppError('input', `Cannot fetch the image: ${(err as Error).message}`, { details: { param } });
  }
  if (!res.ok || !res.body) throw new AppError('input', `Cannot fetch the image: HTTP ${res.status}`, { details: { param } });
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of res.body) {
    size += chunk.length;
    if (size > max) throw new AppError('too_large', `The image is larger than ${max} bytes`, { details: { param } });
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
