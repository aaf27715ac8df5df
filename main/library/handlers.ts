// Library methods of the contract: roots, scanning, status, browsing and search.
import type { AppContext } from '../service/context';
import type { HandlersFor } from '../../shared/api';
import type { libraryMethods } from '../../shared/contract/library';
import { listRoots } from '../db/roots';
import { getPhotoDetail, libraryCounts, listPhotos } from './repo';
import { scanInBackground, scanRoots } from './indexer';
import { libraryState } from './state';
import { addRoot, removeRoot } from './roots';
import { activeWatcher } from './watcher';
import { albumFilter } from '../albums/album-filter';
import { aiWorker } from '../ai/worker';
import { AppError } from '../../shared/errors';

export function libraryHandlers(ctx: AppContext): HandlersFor<typeof libraryMethods> {
  const db = ctx.db;
  return {
    'roots.list': async () => listRoots(db),
    'roots.add': async ({ path, scan }) => {
      const root = await addRoot(db, path);
      activeWatcher(ctx)?.add(root.path);
      // The pipeline starts here, whoever added the folder (renderer, Electron menu, CLI, web mode).
      if (scan) scanInBackground(ctx, root.id);
      return root;
    },
    'roots.remove': async ({ id }) => {
      const { removed, path } = removeRoot(db, id);
      if (removed && path) {
        activeWatcher(ctx)?.remove(path);
        ctx.events.emit('library.changed', { photoIds: null });
      }
      return { removed };
    },
    'library.rescan': async ({ rootId }) => {
      if (rootId !== undefined && !listRoots(db).some((r) => r.id === rootId)) throw new AppError('not_found', `No library folder #${rootId}`);
      return scanRoots(ctx, rootId !== undefined ? { rootIds: [rootId] } : {});
    },
    'library.status': async () => {
      const c = libraryCounts(db);
      return {
        photos: c.photos, offline: c.offline, errors: c.errors, thumbnails: c.thumbnails, videos: c.videos, livePhotos: c.livePhotos,
        // The queue as the AI worker sees it: durable counts plus pause state, ETA and last error.
        ai: aiWorker(ctx).status(),
        indexing: libraryState(ctx).progress,
      };
    },
    'photos.list': async ({ cursor, offset, limit, albumId }) => {
      if (cursor !== undefined && offset !== undefined) throw new AppError('input', 'Give either cursor or offset, not both');
      const scope = albumId !== undefined ? albumFilter(db, albumId) : undefined;
      return listPhotos(db, { cursor, offset, limit, scope });
    },
    'photos.get': async ({ id }) => {
      const photo = getPhotoDetail(db, id);
      if (!photo) throw new AppError('not_found', `No photo #${id}`);
      return photo;
    },
    'photos.search': ({ query, filters, limit, cursor }) => ctx.searchReader.search({ query, filters, limit, cursor }),
  };
}
