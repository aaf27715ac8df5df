// Cursor-paged list for the grid: loads the first page, then further pages only while the view asks
// for indexes beyond what is loaded (ensure). reload() restarts from the first page, dropping late answers.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { MonthGroup } from '../../../shared/types';
import { errorText } from '../format';

export interface Page<T> {
  items: T[];
  total: number;
  groups?: MonthGroup[];
  nextCursor: string | null;
}

export interface Paged<T> {
  items: T[];
  total: number;
  groups: MonthGroup[] | null;
  loaded: boolean;
  error: string | null;
  ensure(upTo: number): void;
  reload(): void;
}

export function usePaged<T>(fetchPage: (cursor: string | undefined) => Promise<Page<T>>, key: string): Paged<T> {
  const [state, setState] = useState<{ items: T[]; total: number; groups: MonthGroup[] | null; loaded: boolean; error: string | null }>(
    { items: [], total: 0, groups: null, loaded: false, error: null });
  const fetchRef = useRef(fetchPage);
  fetchRef.current = fetchPage;
  const run = useRef({ generation: 0, cursor: null as string | null, loading: false, want: 0, count: 0 });

  const pump = useCallback(() => {
    const r = run.current;
    if (r.loading || r.cursor === null || r.want <= r.count) return;
    r.loading = true;
    const generation = r.generation;
    fetchRef.current(r.cursor).then((page) => {
      if (generation !== r.generation) return;
      r.loading = false;
      r.cursor = page.nextCursor;
      r.count += page.items.length;
      setState((s) => ({ ...s, items: s.items.concat(page.items), total: page.total, groups: page.groups ?? s.groups, error: null }));
      pump();
    }, (err: unknown) => {
      if (generation !== r.generation) return;
      r.loading = false;
      setState((s) => ({ ...s, error: errorText(err) }));
    });
  }, []);

  const reload = useCallback(() => {
    const r = run.current;
    const generation = ++r.generation;
    r.loading = true;
    fetchRef.current(undefined).then((page) => {
      if (generation !== r.generation) return;
      r.loading = false;
      r.cursor = page.nextCursor;
      r.count = page.items.length;
      setState({ items: page.items, total: page.total, groups: page.groups ?? null, loaded: true, error: null });
      pump();
    }, (err: unknown) => {
      if (generation !== r.generation) return;
      r.loading = false;
      setState((s) => ({ ...s, loaded: true, error: errorText(err) }));
    });
  }, [pump]);

  const ensure = useCallback((upTo: number) => {
    const r = run.current;
    if (upTo > r.want) r.want = upTo;
    pump();
  }, [pump]);

  useEffect(() => {
    run.current.want = 0;
    setState({ items: [], total: 0, groups: null, loaded: false, error: null });
    reload();
    return () => { run.current.generation++; };
  }, [key, reload]);

  return { ...state, ensure, reload };
}
