// The one service object implementing the shared contract, composed from each area's handlers.
import type { Service } from '../../shared/api';
import type { AppContext } from './context';
import { libraryHandlers } from '../library/handlers';
import { aiHandlers } from '../ai/handlers';
import { albumHandlers } from '../albums/handlers';
import { exportHandlers } from '../export/handlers';
import { ratingHandlers } from '../library/ratings-handlers';
import { placeHandlers } from '../places/handlers';
import { modelHandlers } from '../models/handlers';
import { chatHandlers } from '../chat/handlers';
import { captionHandlers } from '../caption/handlers';
import { videoHandlers } from '../media/video/handlers';
import { engineHandlers } from '../engine/handlers';
import { localApiHandlers } from '../server/local-api';

export function createService(ctx: AppContext): Service {
  return {
    ...libraryHandlers(ctx),
    ...aiHandlers(ctx),
    ...albumHandlers(ctx),
    ...exportHandlers(ctx),
    ...ratingHandlers(ctx),
    ...placeHandlers(ctx),
    ...modelHandlers(ctx),
    ...chatHandlers(ctx),
    ...captionHandlers(ctx),
    ...videoHandlers(ctx),
    ...engineHandlers(ctx),
    ...localApiHandlers(ctx),
  };
}
