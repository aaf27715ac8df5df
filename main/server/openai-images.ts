// Images of an OpenAI chat request for the local engine: `image_url` data URLs are decoded, checked
// by content (main/media/sniff.ts) and written to a private temp folder the engine reads by
// path; the files go when the request ends. Remote http(s) URLs are refused unless allowed — the
// server makes no requests on a caller's behalf by default.
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
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

export class RequestImages {
  private readonly files: string[] = [];
  constructor(private readonly dir: string, private readonly limits: ImageLimits) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  get count(): number { return this.files.length; }

  /** Decodes one image_url into a temp file; returns its path and content hash. `param` names the field in errors. */
  async add(url: string, param: string): Promise<{ file: string; digest: string }> {
    if (this.files.length >= this.limits.maxImages) throw new AppError('input', `At most ${this.limits.maxImages} images per request`, { details: { param } });
    let bytes: Buffer;
    if (url.startsWith('data:')) bytes = decodeDataUrl(url, param, this.limits.maxImageBytes);
    else if (/^https?:\/\//i.test(url)) {
      if (!this.limits.allowRemoteImages) throw new AppError('input', 'Remote image URLs are not fetched by this server; send the image as a data URL (data:image/png;base64,…)', { details: { param } });
      bytes = await fetchImage(url, param, this.limits.maxImageBytes);
    } else throw new AppError('input', 'image_url.url must be a data URL (or an http(s) URL where allowed)', { details: { param } });
    const format = sniffFormat(bytes.subarray(0, SNIFF_BYTES));
    if (!format) throw new AppError('input', 'The image is not JPEG, PNG, WebP, GIF, TIFF, AVIF or HEIF', { details: { param } });
    const file = path.join(this.dir, `${randomBytes(12).toString('hex')}.${format}`);
    this.files.push(file);
    await writeFile(file, bytes, { mode: 0o600 });
    let info;
    try { info = await inspectImage(file, 'the image'); } catch (err) { throw new AppError('input', (err as Error).message, { details: { param } }); }
    if ((info.width ?? 0) * (info.height ?? 0) > this.limits.maxPixels) throw new AppError('too_large', `The image has ${info.width}×${info.height} pixels; at most ${this.limits.maxPixels} are accepted`, { details: { param } });
    return { file, digest: hashBytes(bytes) };
  }

  async dispose(): Promise<void> {
    await Promise.all(this.files.splice(0).map((f) => rm(f, { force: true })));
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
