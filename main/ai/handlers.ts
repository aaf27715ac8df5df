// AI area of the service: queue control (status/start/pause/cancel/rerun) and a person's edits of
// captions and tags (source 'user', which AI never overrides).
import type { AppContext } from '../service/context';
import type { HandlersFor } from '../../shared/api';
import type { aiMethods } from '../../shared/contract/ai';
import type { PhotoDetail } from '../../shared/types';
import { getPhotoDetail } from '../library/repo';
import { addUserTags, removeTags, setUserCaption } from './provenance';
import { setPaused } from './ai-settings';
import { aiWorker } from './worker';
import { resumeQueue } from './stage';
import { queueRerunFor } from './rerun';
import { AppError } from '../../shared/errors';

export function aiHandlers(ctx: AppContext): HandlersFor<typeof aiMethods> {
  const { db } = ctx;
  const worker = () => aiWorker(ctx);

  /** Applies an edit in one transaction (with its photo_text refresh) and returns the photo. */
  const edit = (id: number, change: () => void): PhotoDetail => {
    const photo = db.transaction(() => {
      if (!db.prepare('SELECT 1 FROM photos WHERE id = ?').get(id)) throw new AppError('not_found', `No photo #${id}`);
      change();
      return getPhotoDetail(db, id)!;
    })();
    ctx.events.emit('library.changed', { photoIds: [id] });
    return photo;
  };

  return {
    'ai.status': async () => worker().status(),
    'ai.start': async () => {
      resumeQueue(ctx);
      worker().startBackground();
      return worker().status();
    },
    'ai.pause': async () => {
      setPaused(db, true);
      await worker().stop();
      const s = worker().status();
      ctx.events.emit('ai.status', s);
      return s;
    },
    'ai.cancel': async () => {
      await worker().cancel();
      const s = worker().status();
      ctx.events.emit('ai.status', s);
      return s;
    },
    'ai.rerun': async ({ model, query }) => {
      const queued = queueRerunFor(ctx, { model, query });
      // A running background worker picks the jobs up; otherwise they wait for ai.start.
      if (worker().running) worker().nudge();
      ctx.events.emit('ai.status', worker().status());
      return { queued };
    },
    'photos.setCaption': async ({ id, text }) => edit(id, () => setUserCaption(db, id, text)),
    'photos.addTags': async ({ id, tags }) => edit(id, () => addUserTags(db, id, tags)),
    'photos.removeTags': async ({ id, tags }) => edit(id, () => removeTags(db, id, tags)),
  };
}
