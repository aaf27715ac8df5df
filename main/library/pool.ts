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
