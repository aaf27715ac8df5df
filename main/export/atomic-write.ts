// Writes a file atomically (temp file in the same folder, fsync, rename) so a crash or a full disk
// never leaves a half-written sidecar; failures become one clear message naming the file.
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { AppError, type ErrorKind } from '../../shared/errors';

/** A folder the person cannot write to is refused (forbidden), a full disk is unavailable; else a fault. */
const KIND_OF_CODE: Record<string, ErrorKind> = { EACCES: 'forbidden', EPERM: 'forbidden', EROFS: 'forbidden', ENOSPC: 'unavailable', ENOENT: 'not_found' };

const writeError = (file: string, cause: NodeJS.ErrnoException) =>
  new AppError(KIND_OF_CODE[cause.code ?? ''] ?? 'internal', describe(file, cause), { cause });

function describe(file: string, err: NodeJS.ErrnoException): string {
  const dir = path.dirname(file);
  switch (err.code) {
    case 'EACCES': case 'EPERM': return `cannot write ${file}: the folder ${dir} is not writable (${err.code})`;
    case 'EROFS': return `cannot write ${file}: ${dir} is on a read-only file system`;
    case 'ENOSPC': return `cannot write ${file}: the disk is full`;
    case 'ENOENT': return `cannot write ${file}: the folder ${dir} does not exist`;
    default: return `cannot write ${file}: ${err.message}`;
  }
}

export async function writeFileAtomic(file: string, data: string, opts: { mkdirs?: boolean } = {}): Promise<void> {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    if (opts.mkdirs) await mkdir(dir, { recursive: true });
    const handle = await open(tmp, 'wx', 0o644);
    try {
      await handle.writeFile(data, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => {});
    throw writeError(file, err as NodeJS.ErrnoException);
  }
}
