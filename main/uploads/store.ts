// Browser uploads (web mode): each file lands in its own folder under ctx.paths.uploads/<session>/, is
// checked by content while it streams in, and is referred to afterwards by an opaque upload id.
// Names are sanitised and never used to build a path outside that folder; everything here is temporary.
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, readdir, rm, rmdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { inspectImage } from '../media/check';
import { sniffFormat, SNIFF_BYTES } from '../media/sniff';
import { writeFileAtomic } from '../media/atomic-write';
import { AppError } from '../../shared/errors';
import { sniffVideo, sniffVideoFile } from '../media/video/formats';

export const DEFAULT_MAX_UPLOAD_BYTES = 64 * 1024 * 1024;
/** Uploads older than this are swept even when no batch ended (a closed tab, a crash). */
export const DEFAULT_MAX_UPLOAD_AGE_MS = 60 * 60 * 1000;

const SESSION = /^[A-Za-z0-9_-]{8,64}$/;
const UPLOAD_ID = /^([A-Za-z0-9_-]{8,64})\.([a-f0-9]{16})$/;

/**
 * Longest stored name in UTF-8 bytes: file systems limit a name to 255 bytes, and a name of multibyte
 * characters reaches that long before 255 characters.
 */
export const MAX_NAME_BYTES = 200;
/** The file being received, before it is checked. Sanitised names never start with ".", so it cannot clash. */

export interface StoredUpload {
  uploadId: string;
  name: string;
  size: number;
  format: string;
}

export const newSessionId = (): string => randomBytes(12).toString('hex');

export function isValidSession(s: string): boolean { return SESSION.test(s); }

/**
 * A file name from the browser, made safe to store: a name that carries a path (../x.jpg, a/b.jpg,
 * C:\x.jpg) is refused outright rather than guessed at; odd characters become "_".
 */
export function sanitizeUploadName(raw: string): string {
  const name = raw.normalize('NFC').trim();
  if (!name) throw new AppError('input', 'The file has no name.');
  if (/[/\\]/.test(name) || name === '.' || name === '..') {
    throw new AppError('input', `"${raw}" is not a plain file name (it contains a path); rename the file and try again.`);
  }
  const safe = name.replace(/[\u0000-\u001f\u007f<>:"|?*]/g, '_').replace(/^\.+/, '_');
  if (Buffer.byteLength(safe) <= MAX_NAME_BYTES) return safe;
  const extension = path.extname(safe);
  const ext = Buffer.byteLength(extension) <= 16 ? extension : '';
  return cutToBytes(safe.slice(0, safe.length - ext.length), MAX_NAME_BYTES - Buffer.byteLength(ext)) + ext;
}

/** The longest prefix of whole code points (never half a surrogate pair) within `maxBytes` of UTF-8. */
export function cutToBytes(text: string, maxBytes: number): string {
  let out = '';
  let bytes = 0;
  for (const ch of text) {
    const n = Buffer.byteLength(ch);
    if (bytes + n > maxBytes) break;
    out += ch;
    bytes += n;
  }
  return out;
}

/**
 * Streams one upload to disk; rejects (and deletes what was written) when too big or neither an image
 * nor a video (videos are captioned and asked about through their keyframes).
 */
export async function saveUpload(
  uploadsDir: string,
  opts: { session: string; name: string; body: Readable; maxBytes?: number; declaredBytes?: number },
): Promise<StoredUpload> {
  if (!isValidSession(opts.session)) throw new AppError('input', 'Invalid upload session id.');
  const name = sanitizeUploadName(opts.name);
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_UPLOAD_BYTES;
  if (opts.declaredBytes !== undefined && opts.declaredBytes > maxBytes) {
    throw new AppError('too_large', `${name} is too large (${formatBytes(opts.declaredBytes)}; the limit is ${formatBytes(maxBytes)}).`);
  }
  const key = randomBytes(8).toString('hex');
  const dir = path.join(uploadsDir, opts.session, key);
  await mkdir(dir, { recursive: true });
  try {
    let size = 0;
    let format = '';
    // Streamed to a temporary file and checked there; only a good image (or a video) gets its name.
    await writeFileAtomic(path.join(dir, name), async (partial) => {
      size = await writeChecked(opts.body, partial, name, maxBytes);
      if (size === 0) throw new AppError('input', `${name} is empty.`);
      format = (await sniffVideoFile(partial))
        ?? (await inspectImage(partial, name).catch((err: Error) => { throw new AppError('unsupported', err.message); })).format;
    });
    return { uploadId: `${opts.session}.${key}`, name, size, format };
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

const isMediaHead = (head: Buffer): boolean => Boolean(sniffFormat(head) ?? sniffVideo(head));
const notMedia = (name: string) =>
  new AppError('unsupported', `${name} is not an image or a video (JPEG, PNG, WebP, GIF, TIFF, AVIF, HEIF, MP4, MOV, WebM, MKV or AVI expected).`);

async function writeChecked(body: Readable, file: string, name: string, maxBytes: number): Promise<number> {
  const out = createWriteStream(file);
  let size = 0;
  let head = Buffer.alloc(0);
  try {
    for await (const chunk of body) {
      const buf = chunk as Buffer;
      size += buf.length;
      if (size > maxBytes) throw new AppError('too_large', `${name} is too large (over ${formatBytes(maxBytes)}).`);
      if (head.length < SNIFF_BYTES) {
        head = Buffer.concat([head, buf.subarray(0, SNIFF_BYTES - head.length)]);
        if (head.length >= SNIFF_BYTES && !isMediaHead(head)) throw notMedia(name);
      }
      if (!out.write(buf)) await new Promise<void>((resolve) => out.once('drain', resolve));
    }
    if (size > 0 && head.length < SNIFF_BYTES && !isMediaHead(head)) throw notMedia(name);
  } finally {
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  }
  return size;
}

/** The stored file of an upload id, or a clear error (ids are validated, never joined as given). */
export async function resolveUpload(uploadsDir: string, uploadId: string): Promise<{ file: string; name: string }> {
  const m = UPLOAD_ID.exec(uploadId);
  if (!m) throw new AppError('not_found', `Unknown upload "${uploadId}".`);
  const dir = path.join(uploadsDir, m[1]!, m[2]!);
  const entries = existsSync(dir) ? (await readdir(dir)).filter((f) => !f.startsWith('.')) /* not a temporary file still being written */ : [];
  if (entries.length !== 1) throw new AppError('not_found', `Upload "${uploadId}" is gone (uploads are kept for an hour); upload the file again.`);
  return { file: path.join(dir, entries[0]!), name: entries[0]! };
}

export async function removeUpload(uploadsDir: string, uploadId: string): Promise<void> {
  const m = UPLOAD_ID.exec(uploadId);
  if (!m) return;
  await rm(path.join(uploadsDir, m[1]!, m[2]!), { recursive: true, force: true });
  await rmdir(path.join(uploadsDir, m[1]!)).catch(() => {}); // only succeeds once the session folder is empty
}

/** Deletes uploads older than maxAgeMs (and empty session folders). Returns how many were removed. */
export async function sweepUploads(uploadsDir: string, maxAgeMs = DEFAULT_MAX_UPLOAD_AGE_MS, now = Date.now()): Promise<number> {
  let removed = 0;
  for (const session of await readdir(uploadsDir).catch(() => [] as string[])) {
    const sdir = path.join(uploadsDir, session);
    const keys = await readdir(sdir).catch(() => null);
    if (!keys) { await rm(sdir, { force: true }); continue; }
    for (const key of keys) {
      const kdir = path.join(sdir, key);
      const st = await stat(kdir).catch(() => null);
      if (st && now - st.mtimeMs > maxAgeMs) { await rm(kdir, { recursive: true, force: true }); removed++; }
    }
    if ((await readdir(sdir).catch(() => ['x'])).length === 0) await rm(sdir, { recursive: true, force: true });
  }
  return removed;
}

/** One session's folder (its server closed). */
export async function clearSession(uploadsDir: string, session: string): Promise<void> {
  if (isValidSession(session)) await rm(path.join(uploadsDir, session), { recursive: true, force: true });
}

/** Everything under the uploads folder. */
export async function clearUploads(uploadsDir: string): Promise<void> {
  for (const entry of await readdir(uploadsDir).catch(() => [] as string[])) {
    await rm(path.join(uploadsDir, entry), { recursive: true, force: true });
  }
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${n} bytes`;
}
