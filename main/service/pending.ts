// TEMPORARY scaffolding while areas are built in parallel: handlers that report the area is missing.
// Each area replaces its use of this; the file is deleted once none remain.
import type { HandlersFor } from '../../shared/api';

export function pendingHandlers<M extends object>(methods: M, area: string): HandlersFor<M> {
  const out: Record<string, () => Promise<never>> = {};
  for (const name of Object.keys(methods)) out[name] = async () => { throw new Error(`${name}: the ${area} area is not built yet`); };
  return out as unknown as HandlersFor<M>;
}
