// PLACEHOLDER — replaced by the engine area: returns the child_process.fork based engine client.
import type { AppContext } from '../service/context';
import type { EngineClient } from '../engine/client';

export function nodeEngineFactory(_ctx: AppContext): EngineClient {
  throw new Error('The inference engine is not built yet');
}
