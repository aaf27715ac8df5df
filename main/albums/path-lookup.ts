// File or folder paths (as typed on the CLI) → ids of library photos. A folder stands for every
// photo below it. Paths outside the library are reported, never guessed.
import { realpathSync } from 'node:fs';
import path from 'node:path';
import type { Db } from '../db/connection';
import { rootRows } from '../db/roots';

export interface PathLookup {
  ids: number[];
  /** Paths that name no photo of the library. */
  missing: string[];
}

export function photoIdsForPaths(db: Db, inputs: readonly string[]): PathLookup {
  const roots = rootRows(db);
  const ids = new Set<number>();
  const missing: string[] = [];
  for (const input of inputs) {
    const abs = path.resolve(input);
    let real = abs;
    try { real = realpathSync(abs); } catch { /* offline photos are still in the library by their old path */ }
    const found = new Set<number>();
    for (const candidate of new Set([real, abs])) {
      for (const root of roots) {
        const rel = path.relative(root.path, candidate);
        if (rel.startsWith('..') || path.isAbsolute(rel)) continue;
        const relPosix = rel.split(path.sep).join('/');
        const rows = relPosix === ''
          ? db.prepare('SELECT id FROM photos WHERE root_id = ?').all(root.id)
          : db.prepare('SELECT id FROM photos WHERE root_id = ? AND (rel_path = ? OR substr(rel_path, 1, ?) = ?)')
            .all(root.id, relPosix, relPosix.length + 1, `${relPosix}/`);
        for (const r of rows as { id: number }[]) found.add(r.id);
      }
    }
    if (found.size) for (const id of found) ids.add(id);
    else missing.push(input);
  }
  return { ids: [...ids], missing };
}
