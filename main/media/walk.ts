// The one folder walker: a recursive walk of one root (a library folder, a folder dropped on the
// caption view, a CLI argument), yielding candidate files in batches. Hidden and system files are
// skipped everywhere by the same rule. Symlinks are never followed: whatever they point at inside the root is indexed at its real path,
// and anything outside would leave the root. Directories are also remembered by device+inode, so a
// bind mount or other loop cannot make the walk go round forever. A folder holding a `.nomedia` file
// is left out with everything below it.
import { existsSync, promises as fs, type Dirent } from 'node:fs';
import path from 'node:path';
import { isCandidateName } from '../../shared/media';

export interface WalkEntry {
  /** Path relative to the root, always with '/' separators. */
  rel: string;
  size: number;
  mtimeMs: number;
}

export interface WalkIssue {
  rel: string;
  message: string;
}

export interface WalkOptions {
  batchSize?: number;
  /** A folder that could not be read; its known photos are left as they are. */
  onDirError?(issue: WalkIssue): void;
  signal?: AbortSignal;
  /** Which file names are candidates (default: library candidates, see shared/media.ts). */
  accept?(name: string): boolean;
}

const SYSTEM_NAMES = new Set([
  'thumbs.db', 'desktop.ini', '@eadir', '#recycle', '$recycle.bin', 'system volume information',
  '__macosx', 'lost+found', '#snapshot', '.ds_store',
]);

/** Hidden (dot) files and the system clutter of Windows, macOS and NAS boxes. */
export function isHiddenName(name: string): boolean {
  return name.startsWith('.') || SYSTEM_NAMES.has(name.toLowerCase());
}

/**
 * A folder that holds this file is no part of any library, with its subfolders: Android's convention,
 * which digiKam also honours. SmolAlbum puts one in its own data folder (main/service/paths.ts): in a
 * library folder that contains it, every scan indexed the thumbnails the last one made, and the
 * watcher the thumbnails of a new photo and then theirs (two generations a photo, measured).
 */
export const NO_MEDIA_MARKER = '.nomedia';

/** True when `abs` is a folder that holds a .nomedia marker. */
export const holdsNoMediaMarker = (abs: string): boolean => existsSync(path.join(abs, NO_MEDIA_MARKER));

/** The folder (root-relative, '' for the root) at or above `rel`'s folder that holds a .nomedia marker, or null. */
export function noMediaFolder(root: string, rel: string): string | null {
  const segs = rel.split('/').slice(0, -1);
  for (let n = 0; n <= segs.length; n++) {
    const dir = segs.slice(0, n).join('/');
    if (holdsNoMediaMarker(fromRel(root, dir))) return dir;
  }
  return null;
}

/** True when any segment of a root-relative path is hidden or system clutter. */
export function isIgnoredRel(rel: string): boolean {
  return rel.split('/').some((seg) => seg === '' || isHiddenName(seg));
}

export const toRel = (root: string, abs: string): string => path.relative(root, abs).split(path.sep).join('/');
export const fromRel = (root: string, rel: string): string => path.join(root, ...rel.split('/'));

const STAT_CHUNK = 32;
/** Name order as a person reads it (IMG_2 before IMG_10). */
const byName = new Intl.Collator(undefined, { numeric: true });

export async function* walkRoot(root: string, opts: WalkOptions = {}): AsyncGenerator<WalkEntry[]> {
  const batchSize = opts.batchSize ?? 500;
  const accept = opts.accept ?? isCandidateName;
  const seenDirs = new Set<string>();
  const stack: string[] = [''];
  let batch: WalkEntry[] = [];
  while (stack.length) {
    if (opts.signal?.aborted) return;
    const relDir = stack.pop()!;
    const absDir = fromRel(root, relDir);
    let dirents: Dirent[];
    try {
      const st = await fs.stat(absDir);
      const key = `${st.dev}:${st.ino}`;
      if (seenDirs.has(key)) continue;
      seenDirs.add(key);
      dirents = await fs.readdir(absDir, { withFileTypes: true });
    } catch (err) {
      opts.onDirError?.({ rel: relDir, message: describeFsError(err) });
      continue;
    }
    if (dirents.some((d) => d.name === NO_MEDIA_MARKER)) continue;
    dirents.sort((a, b) => byName.compare(a.name, b.name));
    const files: string[] = [];
    const subdirs: string[] = [];
    for (const d of dirents) {
      if (isHiddenName(d.name)) continue;
      const rel = relDir ? `${relDir}/${d.name}` : d.name;
      let kind = d.isDirectory() ? 'dir' : d.isFile() ? 'file' : d.isSymbolicLink() ? 'link' : 'unknown';
      if (kind === 'unknown') kind = await lstatKind(path.join(absDir, d.name));
      if (kind === 'dir') subdirs.push(rel);
      else if (kind === 'file' && accept(d.name)) files.push(rel);
    }
    // Depth-first in name order: push in reverse so the first name is walked first.
    for (let i = subdirs.length - 1; i >= 0; i--) stack.push(subdirs[i]!);
    for (let i = 0; i < files.length; i += STAT_CHUNK) {
      const stats = await Promise.all(files.slice(i, i + STAT_CHUNK).map(async (rel) => {
        try {
          const st = await fs.stat(fromRel(root, rel));
          return st.isFile() ? { rel, size: st.size, mtimeMs: st.mtimeMs } : null;
        } catch {
          return null; // gone between readdir and stat: it simply isn't there
        }
      }));
      for (const e of stats) if (e) batch.push(e);
      if (batch.length >= batchSize) { yield batch; batch = []; }
    }
  }
  if (batch.length) yield batch;
}

async function lstatKind(abs: string): Promise<'dir' | 'file' | 'link' | 'other'> {
  try {
    const st = await fs.lstat(abs);
    return st.isSymbolicLink() ? 'link' : st.isDirectory() ? 'dir' : st.isFile() ? 'file' : 'other';
  } catch {
    return 'other';
  }
}

export function describeFsError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  switch (e.code) {
    case 'ENOENT': return 'not found';
    case 'EACCES': case 'EPERM': return 'permission denied';
    case 'ENOTDIR': return 'not a folder';
    case 'ELOOP': return 'too many symbolic links';
    case 'EIO': return 'input/output error (disk or network problem)';
    default: return e.message ?? String(err);
  }
}

/**
 * Absolute paths of the accepted files below `dir` in walk order (hidden/system files skipped,
 * links not followed), at most `limit` (the caller reports "too many" when it gets more).
 */
export async function listFiles(dir: string, opts: { accept?(name: string): boolean; limit?: number; onDirError?(issue: WalkIssue): void } = {}): Promise<string[]> {
  const out: string[] = [];
  const limit = opts.limit ?? Infinity;
  for await (const batch of walkRoot(dir, { accept: opts.accept, onDirError: opts.onDirError, batchSize: 256 })) {
    for (const e of batch) {
      out.push(fromRel(dir, e.rel));
      if (out.length > limit) return out;
    }
  }
  return out;
}
