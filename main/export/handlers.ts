// PLACEHOLDER — replaced by the export area.
import type { AppContext } from '../service/context';
import { exportMethods } from '../../shared/contract/export';
import { pendingHandlers } from '../service/pending';

export function exportHandlers(_ctx: AppContext) {
  return pendingHandlers(exportMethods, 'export');
}
