// Roots: the folders a library watches. Stored by their real path.
import type { Db } from './connection';
import { nowIso } from './connection';
import type { Root } from '../../shared/types';

export interface RootRow {
  id: number;
  path: string;
  added_at: string;
  enabled: number;
}

export function listRoots(db: Db): Root[] {
  const rows = db.prepare(`
    SELECT r.*, (SELECT count(*) FROM photos p WHERE p.root_id = r.id) AS photo_count
    FROM roots r ORDER BY r.path`).all() as (RootRow & { photo_count: number })[];
  return rows.map((r) => ({ id: r.id, path: r.path, addedAt: r.added_at, enabled: r.enabled === 1, photoCount: r.photo_count }));
}

export function rootRows(db: Db, opts: { enabledOnly?: boolean } = {}): RootRow[] {
  return db.prepare(`SELECT * FROM roots ${opts.enabledOnly ? 'WHERE enabled = 1' : ''} ORDER BY path`).all() as RootRow[];
}

export function getRoot(db: Db, id: number): RootRow | undefined {
  return db.prepare('SELECT * FROM roots WHERE id = ?').get(id) as RootRow | undefined;
}

export function findRootByPath(db: Db, path: string): RootRow | undefined {
  return db.prepare('SELECT * FROM roots WHERE path = ?').get(path) as RootRow | undefined;
}

export function insertRoot(db: Db, path: string): RootRow {
  const info = db.prepare('INSERT INTO roots (path, added_at, enabled) VALUES (?, ?, 1)').run(path, nowIso());
  return getRoot(db, Number(info.lastInsertRowid))!;
}

/** Removes the root and (by cascade) its photos with their captions, tags and album entries. */
export function deleteRoot(db: Db, id: number): boolean {
  return db.prepare('DELETE FROM roots WHERE id = ?').run(id).changes > 0;
}
