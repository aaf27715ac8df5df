// Cursor-paged list for the grid: loads the first page, then further pages only while the view asks
// for indexes beyond what is loaded (ensure). reload() restarts from the first page, dropping late answers.
// With `fetchAt` (a page starting at a position), a jump far past what is loaded in order — the End
// key, dragging the scrollbar to the oldest month of a million photos — loads the window it lands
// in directly; the items array then has holes (placeholders) between the loaded parts.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { MonthGroup } from '../../../shared/types';
import { errorText } from '../format';

export interface Page<T> {
  items: T[];
  total: number;
  /** More than `total` match (the count stopped at a cap): the grid grows as pages arrive. */
  totalCapped?: boolean;
  groups?: MonthGroup[];
  nextCursor: string | null;
}

export interface Paged<T> {
  /** Sparse when windows were loaded by position: a hole is an item not loaded yet. */
  items: T[];
  total: number;
  totalCapped: boolean;
  groups: MonthGroup[] | null;
  loaded: boolean;
  error: string | null;
  ensure(upTo: number): void;
  reload(): void;
}

export interface RandomAccess<T> {
  /** A page of `size` items starting at position `offset`. */
  fetchAt(offset: number): Promise<Page<T>>;
  size: number;
}

/** Sequential paging goes on while the view is within this many windows of the loaded prefix. */
const SEQUENTIAL_WINDOWS = 2;

function placed<T>(items: T[], at: number, page: T[]): T[] {
  const next = items.slice();
  for (let i = 0; i < page.length; i++) next[at + i] = page[i]!;
  return next;
}

export function usePaged<T>(fetchPage: (cursor: string | undefined) => Promise<Page<T>>, key: string, random?: RandomAccess<T>): Paged<T> {
  const [state, setState] = useState<{ items: T[]; total: number; totalCapped: boolean; groups: MonthGroup[] | null; loaded: boolean; error: string | null }>(
    { items: [], total: 0, totalCapped: false, groups: null, loaded: false, error: null });
  const fetchRef = useRef(fetchPage);
  fetchRef.current = fetchPage;
  const randomRef = useRef(random);
  randomRef.current = random;
  const run = useRef({ generation: 0, cursor: null as string | null, loading: false, want: 0, count: 0, windows: new Set<number>(), lastUpTo: 0 });

  const pump = useCallback(() => {
    const r = run.current;
    if (r.loading || r.cursor === null || r.want <= r.count) return;
    r.loading = true;
    const generation = r.generation;
    const at = r.count;
    fetchRef.current(r.cursor).then((page) => {
      if (generation !== r.generation) return;
      r.loading = false;
      r.cursor = page.nextCursor;
      r.count += page.items.length;
      // A capped total grows with what is loaded, so the grid always has room for the next page.
      const total = Math.max(page.total, r.count + (page.nextCursor ? 1 : 0));
      setState((s) => ({ ...s, items: placed(s.items, at, page.items), total, totalCapped: !!page.totalCapped, groups: page.groups ?? s.groups, error: null }));
      pump();
    }, (err: unknown) => {
      if (generation !== r.generation) return;
      r.loading = false;
      setState((s) => ({ ...s, error: errorText(err) }));
    });
  }, []);

  /** Loads the aligned windows that hold positions just before `upTo` (what the view shows). */
  const jump = useCallback((upTo: number) => {
    const r = run.current;
    const ra = randomRef.current;
    if (!ra) return;
    const last = Math.floor(Math.max(0, upTo - 1) / ra.size);
    for (const w of [last - 1, last]) {
      const start = w * ra.size;
      if (w < 0 || start + ra.size <= r.count || r.windows.has(w)) continue;
      r.windows.add(w);
      const generation = r.generation;
      ra.fetchAt(start).then((page) => {
        if (generation !== r.generation) return;
        setState((s) => ({ ...s, items: placed(s.items, start, page.items), total: page.total, groups: page.groups ?? s.groups, error: null }));
      }, (err: unknown) => {
        if (generation !== r.generation) return;
        r.windows.delete(w);
        setState((s) => ({ ...s, error: errorText(err) }));
      });
    }
  }, []);

  const reload = useCallback(() => {
    const r = run.current;
    const generation = ++r.generation;
    r.loading = true;
    r.windows = new Set();
    fetchRef.current(undefined).then((page) => {
      if (generation !== r.generation) return;
      r.loading = false;
      r.cursor = page.nextCursor;
      r.count = page.items.length;
      const total = Math.max(page.total, r.count + (page.nextCursor ? 1 : 0));
      setState({ items: page.items, total, totalCapped: !!page.totalCapped, groups: page.groups ?? null, loaded: true, error: null });
      // A view deep in the list keeps its place: its windows are loaded again.
      if (randomRef.current && r.lastUpTo > r.count + SEQUENTIAL_WINDOWS * randomRef.current.size) jump(r.lastUpTo);
      pump();
    }, (err: unknown) => {
      if (generation !== r.generation) return;
      r.loading = false;
      setState((s) => ({ ...s, loaded: true, error: errorText(err) }));
    });
  }, [pump, jump]);

  const ensure = useCallback((upTo: number) => {
    const r = run.current;
    r.lastUpTo = upTo;
    const ra = randomRef.current;
    if (ra && upTo > r.count + SEQUENTIAL_WINDOWS * ra.size) {
      jump(upTo);
      return;
    }
    if (upTo > r.want) r.want = upTo;
    pump();
  }, [pump, jump]);

  useEffect(() => {
    run.current.want = 0;
    run.current.lastUpTo = 0;
    setState({ items: [], total: 0, totalCapped: false, groups: null, loaded: false, error: null });
    reload();
    return () => { run.current.generation++; };
  }, [key, reload]);

  return { ...state, ensure, reload };
}
