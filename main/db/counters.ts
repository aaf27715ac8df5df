// The status counters the schema's triggers keep (main/db/schema.ts, "Status counters"): reading
// them costs one index range instead of counting every photo, thumbnail and job.
import type { Db } from './connection';
import { cachedStatement } from './statements';

/** Counters whose name starts with `prefix`, keyed by the rest of the name ('photos:' → {ok, offline, …}). */
export function countersWithPrefix(db: Db, prefix: string): Record<string, number> {
  const rows = cachedStatement(db, `SELECT name, n FROM counters WHERE name >= ? AND name < ?`)
    .all(prefix, `${prefix}\u{10FFFF}`) as { name: string; n: number }[];
  const out: Record<string, number> = {};
  for (const r of rows) out[r.name.slice(prefix.length)] = r.n;
  return out;
}

/** What the counters must equal, counted the slow way (tests compare the two after real writes). */
export function recountCounters(db: Db): Record<string, number> {
  const rows = db.prepare(`
    SELECT 'photos:' || status AS name, count(*) AS n FROM photos GROUP BY status
    UNION ALL SELECT 'month:' || substr(sort_date, 1, 7), count(*) FROM photos GROUP BY substr(sort_date, 1, 7)
    UNION ALL SELECT 'thumbnails', count(*) FROM photo_stage WHERE stage = 'thumbnail' AND done_at IS NOT NULL
    UNION ALL SELECT 'jobs:' || kind || ':' || state, count(*) FROM jobs GROUP BY kind, state
    UNION ALL SELECT 'tag:' || tag_id, count(DISTINCT photo_id) FROM photo_tags GROUP BY tag_id`).all() as { name: string; n: number }[];
  return Object.fromEntries(rows.filter((r) => r.n > 0).map((r) => [r.name, r.n]));
}

/** The counters table as stored (zero rows left out, so it compares with recountCounters). */
export function storedCounters(db: Db): Record<string, number> {
  const rows = db.prepare(`SELECT name, n FROM counters WHERE n <> 0`).all() as { name: string; n: number }[];
  return Object.fromEntries(rows.map((r) => [r.name, r.n]));
}
