// PLACEHOLDER — replaced by the AI indexing area.
import type { AppContext } from '../service/context';
import { aiMethods } from '../../shared/contract/ai';
import { pendingHandlers } from '../service/pending';

export function aiHandlers(_ctx: AppContext) {
  return pendingHandlers(aiMethods, 'AI indexing');
}
