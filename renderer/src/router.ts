// Navigation between hash routes (see route-parse.ts) and the hook that re-renders on change.
import { useSyncExternalStore } from 'react';

export { parseHash, href, type Route } from './route-parse';

export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  if (opts.replace) {
    const url = new URL(window.location.href);
    url.hash = to;
    window.history.replaceState(window.history.state, '', url);
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } else {
    window.location.hash = to;
  }
}

const subscribe = (cb: () => void) => {
  window.addEventListener('hashchange', cb);
  return () => window.removeEventListener('hashchange', cb);
};

/** The current hash (re-rendering on change); parse it with parseHash. */
export const useHash = (): string => useSyncExternalStore(subscribe, () => window.location.hash);
