// Source priority in SQL: the rank of a provenance column (0 = strongest), generated from the one order
// in shared/types.ts (SOURCE_PRIORITY), so no query spells the order out itself.
import { SOURCE_PRIORITY } from '../../shared/types';

/** `CASE <column> WHEN 'user' THEN 0 … END`: order by it (ascending) to put the effective source first. */
export function sourceRankSql(column: string): string {
  return `CASE ${column} ${SOURCE_PRIORITY.map((s, i) => `WHEN '${s}' THEN ${i}`).join(' ')} ELSE ${SOURCE_PRIORITY.length} END`;
}
