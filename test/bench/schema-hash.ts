// A short hash of the database schema's source: cached synthetic libraries carry it in their names, so
// a changed schema (a new column, a new FTS column) builds a fresh one instead of reusing a stale file.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SCHEMA = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../main/db/schema.ts');

export const schemaHash = (): string => createHash('sha256').update(readFileSync(SCHEMA)).digest('hex').slice(0, 8);
