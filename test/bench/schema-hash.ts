// A short hash of the database schema's source: cached synthetic libraries carry it in their names, so
// a changed schema (a new column, a new FTS column) builds a fresh one instead of reusing a stale file.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const DB = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../main/db');
/** The migrations and the SQL they take from elsewhere. */
const SOURCES = ['schema.ts', 'timeline-key.ts', 'facets.ts'].map((f) => path.join(DB, f));

export const schemaHash = (): string => {
  const hash = createHash('sha256');
  for (const file of SOURCES) hash.update(readFileSync(file));
  return hash.digest('hex').slice(0, 8);
};
