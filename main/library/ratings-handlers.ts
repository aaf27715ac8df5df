// The ratings methods of the contract (shared/contract/ratings.ts).
import type { AppContext } from '../service/context';
import type { HandlersFor } from '../../shared/api';
import type { ratingMethods } from '../../shared/contract/ratings';
import { effectiveRatings, setUserRating } from '../db/ratings';
import { AppError } from '../../shared/errors';

export function ratingHandlers(ctx: AppContext): HandlersFor<typeof ratingMethods> {
  return {
    'photos.rate': async ({ ids, rating, favourite }) => {
      const changed = ctx.db.transaction(() => setUserRating(ctx.db, ids, { rating, favourite }))();
      if (!changed.length) throw new AppError('not_found', ids.length === 1 ? `No photo #${ids[0]}` : 'None of these photos is in the library');
      ctx.events.emit('library.changed', { photoIds: changed });
      return effectiveRatings(ctx.db, changed);
    },
  };
}
