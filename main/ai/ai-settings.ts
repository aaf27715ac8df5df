// The AI queue's persisted switches, in `settings`: pausing is seen by every process on the library
// (a CLI `ai pause` stops a worker running elsewhere after its current photo).
import type { Db } from '../db/connection';
import { cachedStatement } from '../db/statements';

const PAUSED_KEY = 'ai.paused';

export function isPaused(db: Db): boolean {
  // Asked before every claim: a cached statement.
  const row = cachedStatement(db, 'SELECT value_json FROM settings WHERE key = ?').get(PAUSED_KEY) as { value_json: string } | undefined;
  return row?.value_json === 'true';
}

export function setPaused(db: Db, paused: boolean): void {
  db.prepare(`INSERT INTO settings (key, value_json) VALUES (?, ?)
    ON CONFLICT(key) DO UPDATE SET value_json = excluded.value_json`).run(PAUSED_KEY, JSON.stringify(paused));
}
