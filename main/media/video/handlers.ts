// Video methods of the contract (issue 12).
import type { AppContext } from '../../service/context';
import type { HandlersFor } from '../../../shared/api';
import type { videoMethods } from '../../../shared/contract/videos';
import { AppError } from '../../../shared/errors';
import { resolveMedia } from '../../library/media';
import { motionClipId } from './preview-files';
import { ensurePreview } from './preview';
import { statSync } from 'node:fs';

export function videoHandlers(ctx: AppContext): HandlersFor<typeof videoMethods> {
  return {
    'videos.preview': async ({ id, codec }) => {
      const clip = motionClipId(ctx.db, id);
      if (clip === null) throw new AppError('not_found', `Item ${id} is not a video`);
      const original = await resolveMedia(ctx, 'media', id);
      const row = ctx.db.prepare(`SELECT p.content_hash, v.duration_ms FROM photos p JOIN videos v ON v.photo_id = p.id WHERE p.id = ?`)
        .get(clip) as { content_hash: string | null; duration_ms: number | null } | undefined;
      if (!original || !row?.content_hash) throw new AppError('not_found', `The video file of item ${id} is not available (offline or removed)`);
      let last = -1;
      const job = ensurePreview(original.file, ctx.paths.thumbs, row.content_hash, row.duration_ms, codec, (progress) => {
        // A few events per second at most: whole percents.
        const pct = Math.floor(progress * 100);
        if (pct === last) return;
        last = pct;
        ctx.events.emit('video.preview', { id, codec, progress });
      });
      const file = await job.done;
      return { id, codec, bytes: statSync(file).size };
    },
  };
}
