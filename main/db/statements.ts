// Prepared statements reused per connection: search builds its SQL from a handful of shapes, and
// compiling them again on every keystroke costs more than small queries themselves.
import type { Statement } from 'better-sqlite3';
import type { Db } from './connection';

const caches = new WeakMap<Db, Map<string, Statement>>();
const MAX = 200;

export function cachedStatement(db: Db, sql: string): Statement {
  let cache = caches.get(db);
  if (!cache) { cache = new Map(); caches.set(db, cache); }
  let stmt = cache.get(sql);
  if (!stmt) {
    stmt = db.prepare(sql);
    if (cache.size >= MAX) cache.delete(cache.keys().next().value!);
    cache.set(sql, stmt);
  }
  return stmt;
}

/** A read-only statement whose one row has the column `n`: a count a reader thread can run (./search-reader.ts). */
export interface CountQuery { sql: string; params: unknown[] }

export function runCount(db: Db, q: CountQuery): number {
  return (cachedStatement(db, q.sql).get(...q.params) as { n: number }).n;
}
