// The Hugging Face cache layout (what huggingface_hub writes), so models fetched by Python tools are reused
// and ours are usable by them:
//   <hub>/models--ORG--NAME/blobs/<etag>            file content, named by sha256 (LFS) or git blob sha1
//   <hub>/models--ORG--NAME/refs/<branch>           the commit sha the branch pointed to
//   <hub>/models--ORG--NAME/snapshots/<sha>/<file>  relative symlink to ../../blobs/<etag> (a copy on Windows)
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../../shared/errors';
import { writeFileAtomicSync } from '../media/atomic-write';

const REPO_ID = /^[A-Za-z0-9][\w.-]{0,95}\/[A-Za-z0-9][\w.-]{0,95}$/;
export const COMMIT_SHA = /^[0-9a-f]{40}$/;

/** Throws a readable error unless `repo` is an "org/name" model id. */
export function assertRepoId(repo: string): void {
  if (!REPO_ID.test(repo) || repo.includes('..')) {
    throw new AppError('input', `"${repo}" is not a model id: expected "org/name" (for example HuggingFaceTB/SmolVLM-256M-Instruct)`);
  }
}

export const isRepoId = (ref: string) => REPO_ID.test(ref) && !ref.includes('..');

export const repoFolderName = (repo: string) => `models--${repo.split('/').join('--')}`;

/** "models--ORG--NAME" → "ORG/NAME" (null for other folders, e.g. datasets--…). */
export function repoFromFolderName(name: string): string | null {
  if (!name.startsWith('models--')) return null;
  const parts = name.slice('models--'.length).split('--');
  return parts.length === 2 && parts.every(Boolean) ? parts.join('/') : null;
}

export class RepoCache {
  readonly dir: string;
  /** `copy`: snapshot files are copies of their blobs (Windows, where symlinks need privileges). */
  constructor(hubDir: string, readonly repo: string, private readonly linkMode: 'symlink' | 'copy' = process.platform === 'win32' ? 'copy' : 'symlink') {
    assertRepoId(repo);
    this.dir = path.join(hubDir, repoFolderName(repo));
  }

  get blobsDir() { return path.join(this.dir, 'blobs'); }
  blobPath(etag: string) { return path.join(this.blobsDir, etag); }
  snapshotDir(commit: string) { return path.join(this.dir, 'snapshots', commit); }

  /** The commit a ref (branch/tag) points to, or the revision itself when it is a commit sha. */
  resolveRef(revision: string): string | null {
    if (COMMIT_SHA.test(revision)) return revision;
    const file = path.join(this.dir, 'refs', revision);
    if (!existsSync(file)) return null;
    const sha = readFileSync(file, 'utf8').trim();
    return COMMIT_SHA.test(sha) ? sha : null;
  }

  writeRef(revision: string, commit: string): void {
    if (revision === commit) return;
    const file = path.join(this.dir, 'refs', revision);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileAtomicSync(file, commit);
  }

  snapshots(): string[] {
    const dir = path.join(this.dir, 'snapshots');
    return existsSync(dir) ? readdirSync(dir).filter((n) => !n.startsWith('.')) : [];
  }

  /** Partial downloads waiting to be resumed. */
  incompleteBlobs(): string[] {
    return existsSync(this.blobsDir) ? readdirSync(this.blobsDir).filter((n) => n.endsWith('.incomplete')) : [];
  }

  /** Puts `file` into a snapshot as a link to its blob; replaces what was there atomically. */
  linkSnapshotFile(commit: string, file: string, etag: string): void {
    const dest = path.join(this.snapshotDir(commit), ...file.split('/'));
    mkdirSync(path.dirname(dest), { recursive: true });
    const blob = this.blobPath(etag);
    writeFileAtomicSync(dest, (tmp) => {
      if (this.linkMode === 'copy') copyFileSync(blob, tmp);
      else {
        // Relative like huggingface_hub, so the cache folder can be moved.
        try { symlinkSync(path.relative(path.dirname(dest), blob), tmp); } catch { copyFileSync(blob, tmp); }
      }
    });
  }
}

/** Relative paths (forward slashes) of every file below `dir`, following links; [] if it does not exist. */
export function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (abs: string, rel: string) => {
    for (const entry of readdirSync(abs, { withFileTypes: true })) {
      const childAbs = path.join(abs, entry.name);
      const childRel = rel ? `${rel}/${entry.name}` : entry.name;
      let isDir = entry.isDirectory();
      if (entry.isSymbolicLink()) {
        try { isDir = statSync(childAbs).isDirectory(); } catch { continue; } // dangling link: not a file
      }
      if (isDir) walk(childAbs, childRel);
      else out.push(childRel);
    }
  };
  walk(dir, '');
  return out.sort();
}
