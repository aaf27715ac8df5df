// The one atomic write: a temporary file in the same folder, fsync, rename (or link, when an existing
// file must never be replaced). A crash or a full disk never leaves a half-written file under the
// final name. Thumbnails, sidecars, .txt captions, uploads, chat attachments, exports and small
// state files all go through here; failures become one clear AppError naming the file.
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { link, mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { AppError, type ErrorKind } from '../../shared/errors';

export interface AtomicWriteOptions {
  /** Create the folder first. */
  mkdirs?: boolean;
  /** Leave an existing file alone: the write fails with kind 'conflict' instead of replacing it. */
  noReplace?: boolean;
  mode?: number;
}

/** What to write: text, bytes, or a function that fills the temporary file (sharp, copy, a stream). */
export type AtomicContent = string | Uint8Array | ((tmp: string) => Promise<unknown>);

export function tempNameFor(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

export async function writeFileAtomic(file: string, content: AtomicContent, opts: AtomicWriteOptions = {}): Promise<void> {
  const tmp = tempNameFor(file);
  try {
    if (opts.mkdirs) await mkdir(path.dirname(file), { recursive: true });
    if (typeof content === 'function') {
      await content(tmp);
      const handle = await open(tmp, 'r+');
      try { await handle.sync(); } finally { await handle.close(); }
    } else {
      const handle = await open(tmp, 'wx', opts.mode ?? 0o644);
      try {
        await handle.writeFile(content, typeof content === 'string' ? 'utf8' : undefined);
        await handle.sync();
      } finally {
        await handle.close();
      }
    }
    if (opts.noReplace) {
      await link(tmp, file); // fails with EEXIST instead of replacing
      await rm(tmp, { force: true });
    } else {
      await rename(tmp, file);
    }
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => {});
    throw writeError(file, err);
  }
}

/**
 * The synchronous form, for state written while the app quits (window bounds), secrets, caches built
 * at start and copies made while resolving tools. A content function fills the temporary file itself
 * (a copy, a link).
 */
export function writeFileAtomicSync(file: string, content: string | Uint8Array | ((tmp: string) => void), opts: Pick<AtomicWriteOptions, 'mode'> = {}): void {
  const tmp = tempNameFor(file);
  try {
    if (typeof content === 'function') content(tmp);
    const fd = typeof content === 'function' ? openSync(tmp, 'r') : openSync(tmp, 'wx', opts.mode ?? 0o644);
    try {
      if (typeof content !== 'function') writeSync(fd, typeof content === 'string' ? Buffer.from(content, 'utf8') : content);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw writeError(file, err);
  }
}

function writeError(file: string, err: unknown): Error {
  if (err instanceof AppError) return err;
  const e = err as NodeJS.ErrnoException;
  if (!e?.code) return err as Error; // the content function's own failure (a decoder, a check): keep it
  const dir = path.dirname(file);
  const [kind, message]: [ErrorKind, string] = (() => {
    switch (e.code) {
      case 'EACCES': case 'EPERM': return ['forbidden', `cannot write ${file}: the folder ${dir} is not writable (${e.code})`];
      case 'EROFS': return ['forbidden', `cannot write ${file}: ${dir} is on a read-only file system`];
      case 'ENOSPC': return ['unavailable', `cannot write ${file}: the disk is full`];
      case 'ENOENT': return ['not_found', `cannot write ${file}: the folder ${dir} does not exist`];
      case 'EEXIST': return ['conflict', `cannot write ${file}: it already exists`];
      default: return ['internal', `cannot write ${file}: ${e.message}`];
    }
  })();
  return new AppError(kind, message, { cause: err });
}

