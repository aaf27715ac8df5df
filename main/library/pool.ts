// Bounded concurrency: at most `limit` tasks in flight, results delivered as each finishes.
import os from 'node:os';

/** Files decoded in parallel: one per core (libvips threads within each), at least two, at most eight. */
export function defaultConcurrency(env: NodeJS.ProcessEnv = process.env): number {
  const fromEnv = Number(env.SMOLALBUM_INDEX_CONCURRENCY);
  if (Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv;
  return Math.min(8, Math.max(2, os.availableParallelism()));
}

export async function runPool<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<R>,
  onResult: (result: R, item: T) => void,
  signal?: AbortSignal,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length && !signal?.aborted) {
      const item = items[next++]!;
      onResult(await task(item), item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** At most `limit` calls of the returned gate run at once; the others wait their turn (FIFO). */
/** Runs a task when a slot is free (a semaphore's acquire + release around it). */
export type Gate = <T>(task: () => Promise<T>) => Promise<T>;
export const ungated: Gate = (task) => task();

export function semaphore(limit: number): Gate {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      return await task();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}
