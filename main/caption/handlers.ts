// Captioning methods of the contract: batches of dropped files/folders/uploads, edit, save .txt,
// export and "add these to my library". The work itself lives in ./batches.
import { findEndpoint } from '../engine/endpoints';
import type { AppContext } from '../service/context';
import type { HandlersFor } from '../../shared/api';
import type { chatMethods } from '../../shared/contract/chat';
import { CaptionBatches } from './batches';
import { collectInputs } from './inputs';
import { saveTxtFiles } from './save-txt';
import { toCsv, toJsonl } from './export';
import { addBatchToLibrary } from './add-to-library';
import { AppError } from '../../shared/errors';

type CaptionOnly = Pick<typeof chatMethods, `caption.${string}` & keyof typeof chatMethods>;

export function captionHandlers(ctx: AppContext): HandlersFor<CaptionOnly> {
  const batches = new CaptionBatches(ctx);
  ctx.onClose(() => batches.closeAll());

  return {
    async 'caption.start'({ paths, uploadIds, style, prompt, prefix, suffix, engine }) {
      if (paths.length === 0 && uploadIds.length === 0) throw new AppError('input', 'Drop or pick some images to caption.');
      if (style === 'custom' && !prompt?.trim()) throw new AppError('input', 'A custom style needs a prompt.');
      const { inputs, rejected } = await collectInputs(paths, uploadIds, ctx.paths.uploads);
      if (engine) findEndpoint(ctx.db, engine); // an unknown name is refused before any work
      return batches.start(inputs, rejected, { style, prompt, prefix, suffix, engine });
    },
    async 'caption.get'({ batchId }) {
      return batches.get(batchId);
    },
    async 'caption.cancel'({ batchId }) {
      return batches.cancel(batchId);
    },
    async 'caption.edit'({ batchId, itemId, caption }) {
      return batches.edit(batchId, itemId, caption);
    },
    async 'caption.saveTxt'({ batchId, overwrite }) {
      return saveTxtFiles(batches.entries(batchId), overwrite);
    },
    async 'caption.export'({ batchId, format }) {
      const items = batches.get(batchId).items;
      return { text: format === 'csv' ? toCsv(items) : toJsonl(items) };
    },
    async 'caption.addToLibrary'({ batchId }) {
      return addBatchToLibrary(ctx, batches.entries(batchId));
    },
  };
}
