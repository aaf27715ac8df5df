// PLACEHOLDER — replaced by the albums area.
import type { AppContext } from '../service/context';
import { albumMethods } from '../../shared/contract/albums';
import { pendingHandlers } from '../service/pending';

export function albumHandlers(_ctx: AppContext) {
  return pendingHandlers(albumMethods, 'albums');
}
