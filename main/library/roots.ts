// Adding and removing library folders: real paths only, no folder inside another.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Db } from '../db/connection';
import { deleteRoot, findRootByPath, getRoot, insertRoot, listRoots, rootRows } from '../db/roots';
import { describeFsError } from '../media/walk';
import type { Root } from '../../shared/types';
import { AppError } from '../../shared/errors';
import { systemFolderReason } from './system-folders';

const inside = (child: string, parent: string): boolean => {
  const rel = path.relative(parent, child);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
};

/** Adds a folder (idempotent for the same folder). Nested roots are refused: they would index twice. */
export async function addRoot(db: Db, input: string): Promise<Root> {
  if (!path.isAbsolute(input)) throw new AppError('input', `Folder path must be absolute: "${input}"`);
  let real: string;
  try {
    real = await fs.realpath(input);
    const st = await fs.stat(real);
    if (!st.isDirectory()) throw new AppError('input', `Not a folder: ${input}`);
    await fs.access(real, fs.constants?.R_OK ?? 4);
  } catch (err) {
    if (err instanceof AppError) throw err;
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    throw new AppError(missing ? 'not_found' : 'input', `Cannot add ${input}: ${describeFsError(err)}`);
  }
  const refused = systemFolderReason(real);
  if (refused) throw new AppError('forbidden', `Cannot add ${input}: ${refused}`);
  const existing = findRootByPath(db, real);
  if (!existing) {
    for (const r of rootRows(db)) {
      if (inside(real, r.path)) throw new AppError('conflict', `${real} is already in the library, inside the folder ${r.path}`);
      if (inside(r.path, real)) throw new AppError('conflict', `${real} contains the library folder ${r.path}; remove that folder first, then add this one`);
    }
  }
  const id = existing?.id ?? insertRoot(db, real).id;
  if (existing && !existing.enabled) db.prepare('UPDATE roots SET enabled = 1 WHERE id = ?').run(id);
  return listRoots(db).find((r) => r.id === id)!;
}

/** The root a path names: by id, or by its (real) folder path. */
export async function findRoot(db: Db, ref: string): Promise<number | null> {
  if (/^\d+$/.test(ref) && getRoot(db, Number(ref))) return Number(ref);
  const abs = path.resolve(ref);
  const real = await fs.realpath(abs).catch(() => abs);
  return findRootByPath(db, real)?.id ?? findRootByPath(db, abs)?.id ?? null;
}

export function removeRoot(db: Db, id: number): { removed: boolean; path: string | null } {
  const row = getRoot(db, id);
  if (!row) return { removed: false, path: null };
  return { removed: db.transaction(() => deleteRoot(db, id))(), path: row.path };
}
