// Per-library (per-context) indexing state: one scan at a time, the current progress.
import type { AppContext } from '../service/context';
import type { Progress } from '../../shared/types';

export interface LibraryState {
  /** Tail of the work queue: scans, indexPaths and watcher batches run one after another. */
  tail: Promise<unknown>;
  progress: Progress | null;
}

const states = new WeakMap<AppContext, LibraryState>();

export function libraryState(ctx: AppContext): LibraryState {
  let s = states.get(ctx);
  if (!s) {
    s = { tail: Promise.resolve(), progress: null };
    states.set(ctx, s);
  }
  return s;
}

/** Runs `job` after every job queued before it, whatever their outcome. */
export function serialise<T>(ctx: AppContext, job: () => Promise<T>): Promise<T> {
  const s = libraryState(ctx);
  const run = s.tail.then(job, job);
  s.tail = run.catch(() => undefined);
  return run;
}

/** Emits a progress event and remembers it for library.status. */
export function reportProgress(ctx: AppContext, p: Progress): void {
  libraryState(ctx).progress = p;
  ctx.events.emit('library.progress', p);
}
