// Pure layout of the photo grid: month header rows and tile rows, from the month groups and the
// column count. Index math lives here so the component only renders.
import type { MonthGroup } from '../../../shared/types';

export type GridRow =
  | { kind: 'header'; month: string; count: number }
  | { kind: 'tiles'; start: number; end: number };

export function layoutRows(groups: MonthGroup[] | null, total: number, columns: number): GridRow[] {
  const rows: GridRow[] = [];
  const cols = Math.max(1, columns);
  const pushTiles = (start: number, count: number) => {
    for (let i = 0; i < count; i += cols) rows.push({ kind: 'tiles', start: start + i, end: start + Math.min(count, i + cols) });
  };
  if (!groups) {
    pushTiles(0, total);
    return rows;
  }
  let offset = 0;
  for (const g of groups) {
    if (g.count <= 0) continue;
    rows.push({ kind: 'header', month: g.month, count: g.count });
    pushTiles(offset, g.count);
    offset += g.count;
  }
  return rows;
}

/** Row index of the tile row holding photo index `index` (binary search over tile rows). */
export function rowOfIndex(rows: GridRow[], index: number): number {
  let lo = 0;
  let hi = rows.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const row = rows[mid]!;
    if (row.kind === 'header') {
      // Headers sit before their group's first tile row: compare with the next row's start.
      const next = rows[mid + 1];
      if (next && next.kind === 'tiles' && index < next.start) hi = mid - 1; else lo = mid + 1;
      continue;
    }
    if (index < row.start) hi = mid - 1;
    else if (index >= row.end) lo = mid + 1;
    else return mid;
  }
  return -1;
}

/** Target index when moving by arrow keys: up/down keep the column, crossing month headers. */
export function moveIndex(rows: GridRow[], index: number, key: 'ArrowLeft' | 'ArrowRight' | 'ArrowUp' | 'ArrowDown', total: number): number {
  if (total === 0) return -1;
  if (key === 'ArrowLeft') return Math.max(0, index - 1);
  if (key === 'ArrowRight') return Math.min(total - 1, index + 1);
  const r = rowOfIndex(rows, index);
  if (r < 0) return Math.min(Math.max(index, 0), total - 1);
  const row = rows[r] as Extract<GridRow, { kind: 'tiles' }>;
  const col = index - row.start;
  const step = key === 'ArrowDown' ? 1 : -1;
  for (let i = r + step; i >= 0 && i < rows.length; i += step) {
    const target = rows[i]!;
    if (target.kind === 'tiles') return Math.min(target.start + col, target.end - 1);
  }
  return index;
}
