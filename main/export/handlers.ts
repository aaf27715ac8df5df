// Export area of the service: captions and tags out to XMP sidecars, .txt files, CSV or JSONL.
import type { AppContext } from '../service/context';
import type { HandlersFor } from '../../shared/api';
import type { exportMethods } from '../../shared/contract/export';
import { runExport } from './run-export';

export function exportHandlers(ctx: AppContext): HandlersFor<typeof exportMethods> {
  return {
    'export.run': async (input) => runExport(ctx.db, input),
  };
}
