// PLACEHOLDER — replaced by the library area.
import type { AppContext } from '../service/context';
import { libraryMethods } from '../../shared/contract/library';
import { pendingHandlers } from '../service/pending';

export function libraryHandlers(_ctx: AppContext) {
  return pendingHandlers(libraryMethods, 'library');
}
