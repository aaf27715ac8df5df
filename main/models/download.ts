// One verified file download: streams into `<dest>.incomplete`, resumes it with an HTTP Range request after
// an interruption (bytes already on disk are never fetched again), retries transient failures with
// exponential backoff, checks the hash the hub lists and only then renames into place.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, renameSync, rmSync, statSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { AppError, type ErrorKind } from '../../shared/errors';
import { networkFailure } from './hub-errors';

export type ExpectedHash = { algo: 'sha256'; hex: string } | { algo: 'git-sha1'; hex: string };

/**
 * A hub answer that is not OK: the kind of its HTTP status; details keep the status and URL. The hub
 * answers 401 for a repository that does not exist (or is private), so 401 is `not_found` here — our own
 * `unauthorized` means the caller's SmolAlbum session token, which this is not.
 */
export function hubHttpError(message: string, status: number, url: string): AppError {
  const kind: ErrorKind = status === 404 || status === 401 ? 'not_found' : status === 403 ? 'forbidden' : status === 429 ? 'busy' : 'unavailable';
  return new AppError(kind, message, { details: { status, url } });
}

/** The HTTP status of an error from hubHttpError(), if it is one. */
const httpStatusOf = (err: unknown): number | undefined => {
  const status = err instanceof AppError ? err.details?.status : undefined;
  return typeof status === 'number' ? status : undefined;
};

/** A downloaded file whose hash is wrong: not retried (the same bytes would come again). */
const checksumError = (message: string) => new AppError('unavailable', message, { details: { checksum: true } });

/** A retry about to happen, as progress reports it. */
export interface RetryNotice {
  /** The attempt that comes next (2 = the first retry). */
  attempt: number;
  /** Attempts in all (the first plus the retries). */
  of: number;
  /** Why the previous attempt failed. */
  reason: string;
  /** Wait before the next attempt. */
  delayMs: number;
}

export interface RetryOptions {
  /** Further attempts after the first (default 5). */
  retries: number;
  /** First backoff delay; doubles each attempt, capped at 30 s (default 1000 ms). */
  backoffMs: number;
  signal?: AbortSignal;
  /** Told before each wait, so a person sees the retries as they happen. */
  onRetry?: (notice: RetryNotice) => void;
}

export interface BlobDownload extends RetryOptions {
  url: string;
  dest: string;
  size: number;
  expected: ExpectedHash;
  headers: Record<string, string>;
  /** Called with each delta of bytes on disk (negative when a partial had to be discarded). */
  onBytes(delta: number): void;
  /** Called once with the size of a partial left by an earlier attempt (resumed, not downloaded now). */
  onResume?(bytes: number): void;
}

const isAbort = (err: unknown) => (err as Error)?.name === 'AbortError' || (err as Error)?.name === 'TimeoutError';

function isRetryable(err: unknown): boolean {
  if ((err instanceof AppError && err.details?.checksum === true) || isAbort(err)) return false;
  // Worth another try: server trouble or rate limits, not a missing or forbidden file.
  const status = httpStatusOf(err);
  if (status !== undefined) return status >= 500 || status === 408 || status === 429;
  // No DNS, nothing listening, a bad certificate: another try in a second will not help; say so at once.
  const net = networkFailure(err);
  if (net) return net.transient;
  return true; // the body cut short (terminated mid-body, connection closed early)
}

function reasonOf(err: unknown): string {
  const net = networkFailure(err);
  return net ? net.what : (err as Error)?.message ?? String(err);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, ms);
    const onAbort = () => { clearTimeout(timer); reject(signal!.reason as Error); };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Runs `fn` until it succeeds, a non-transient error occurs or the retries are spent. */
export async function withRetries<T>(opts: RetryOptions, fn: (attempt: number) => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (!isRetryable(err) || attempt >= opts.retries || opts.signal?.aborted) throw err;
      const delayMs = Math.min(30_000, opts.backoffMs * 2 ** attempt);
      opts.onRetry?.({ attempt: attempt + 2, of: opts.retries + 1, reason: reasonOf(err), delayMs });
      await sleep(delayMs, opts.signal);
    }
  }
}

const fileSize = (file: string) => (existsSync(file) ? statSync(file).size : 0);

async function hashFile(file: string, expected: ExpectedHash): Promise<string> {
  const hash = createHash(expected.algo === 'sha256' ? 'sha256' : 'sha1');
  if (expected.algo === 'git-sha1') hash.update(`blob ${statSync(file).size}\0`);
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** One HTTP attempt: appends the missing tail of the file to the partial. */
async function fetchTail(job: BlobDownload, partial: string): Promise<void> {
  let have = fileSize(partial);
  if (have > job.size) { truncateSync(partial, 0); job.onBytes(-have); have = 0; }
  if (have === job.size) return;
  const headers = { ...job.headers, ...(have > 0 ? { range: `bytes=${have}-` } : {}) };
  const res = await fetch(job.url, { headers, signal: job.signal, redirect: 'follow' });
  if (res.status === 416) {
    // The partial does not fit the remote file any more: start again from zero.
    await res.body?.cancel();
    truncateSync(partial, 0); job.onBytes(-have);
    throw new Error(`server refused to resume ${job.url} at byte ${have}`);
  }
  if (!res.ok) {
    await res.body?.cancel();
    throw hubHttpError(`${res.status} ${res.statusText} for ${job.url}`, res.status, job.url);
  }
  let start = 0;
  if (res.status === 206) {
    start = Number(/^bytes (\d+)-/.exec(res.headers.get('content-range') ?? '')?.[1] ?? NaN);
    if (start !== have) { await res.body?.cancel(); throw new Error(`server answered range at ${start} instead of ${have} for ${job.url}`); }
  } else if (have > 0) {
    // A 200 to a Range request: the server sends the whole file, so the partial is replaced.
    truncateSync(partial, 0); job.onBytes(-have);
  }
  const fh = await open(partial, start > 0 ? 'a' : 'w');
  try {
    for await (const chunk of res.body ?? []) {
      await fh.write(chunk);
      job.onBytes(chunk.length);
    }
  } finally {
    await fh.close();
  }
  const got = fileSize(partial);
  if (got < job.size) throw new Error(`connection closed after ${got} of ${job.size} bytes of ${job.url}`);
}

function isAlive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch (err) { return (err as NodeJS.ErrnoException).code === 'EPERM'; }
}

/**
 * `<dest>.lock` holds the pid of the process writing the partial, so the app and a CLI never append to
 * the same file. A lock left by a process that died is taken over.
 */
function lockBlob(dest: string): () => void {
  const lock = `${dest}.lock`;
  try {
    writeFileSync(lock, String(process.pid), { flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const owner = Number(readFileSync(lock, 'utf8'));
    if (owner && owner !== process.pid && isAlive(owner)) {
      throw new AppError('busy', `${dest} is being downloaded by another process (pid ${owner}); try again when it has finished`);
    }
    writeFileSync(lock, String(process.pid));
  }
  return () => rmSync(lock, { force: true });
}

/** Downloads, verifies and atomically places one blob. A partial from an earlier run is resumed. */
export async function downloadBlob(job: BlobDownload): Promise<void> {
  const unlock = lockBlob(job.dest);
  try {
    await download(job);
  } finally {
    unlock();
  }
}

async function download(job: BlobDownload): Promise<void> {
  const partial = `${job.dest}.incomplete`;
  job.onResume?.(fileSize(partial));
  await withRetries(job, () => fetchTail(job, partial));
  const got = fileSize(partial);
  const actual = got === job.size ? await hashFile(partial, job.expected) : `${got} bytes`;
  if (actual !== job.expected.hex) {
    unlinkSync(partial);
    job.onBytes(-got);
    throw checksumError(
      `${job.url} failed verification: expected ${job.expected.algo} ${job.expected.hex} (${job.size} bytes), got ${actual}; the partial download was removed`,
    );
  }
  renameSync(partial, job.dest);
}
