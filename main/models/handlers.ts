// PLACEHOLDER — replaced by the model store/engine area.
import type { AppContext } from '../service/context';
import { modelMethods } from '../../shared/contract/models';
import { pendingHandlers } from '../service/pending';

export function modelHandlers(_ctx: AppContext) {
  return pendingHandlers(modelMethods, 'model store/engine');
}
