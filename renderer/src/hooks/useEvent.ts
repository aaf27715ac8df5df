// Subscribes a component to one backend event for its lifetime.
import { useEffect, useRef } from 'react';
import { events } from '../api';
import type { EventName, Events } from '../../../shared/api';

export function useEvent<K extends EventName>(name: K, listener: (payload: Events[K]) => void): void {
  const ref = useRef(listener);
  ref.current = listener;
  useEffect(() => events.on(name, (payload) => ref.current(payload)), [name]);
}

/** Calls `fn` at most once per `ms` while events keep arriving (trailing call guaranteed). */
export function useThrottled(fn: () => void, ms: number): () => void {
  const fnRef = useRef(fn);
  fnRef.current = fn;
  const state = useRef<{ last: number; timer: number | null }>({ last: 0, timer: null });
  useEffect(() => () => { if (state.current.timer !== null) window.clearTimeout(state.current.timer); }, []);
  const ref = useRef(() => {
    const s = state.current;
    if (s.timer !== null) return;
    const wait = Math.max(0, s.last + ms - Date.now());
    s.timer = window.setTimeout(() => { s.timer = null; s.last = Date.now(); fnRef.current(); }, wait);
  });
  return ref.current;
}
