// Albums area of the service: manual, smart (rule evaluated at query time), auto and duplicates.
import type { AppContext } from '../service/context';
import type { HandlersFor } from '../../shared/api';
import type { albumMethods } from '../../shared/contract/albums';
import {
  addAlbumPhotos, albumPhotos, createAlbum, getAlbum, listStoredAlbums, previewRule, removeAlbum,
  removeAlbumPhotos, renameAlbum, updateAlbumRule,
} from './album-repo';
import { autoAlbums } from './auto-albums';
import type { CountQuery } from '../db/statements';
import { findDuplicates } from './duplicates';

export function albumHandlers(ctx: AppContext): HandlersFor<typeof albumMethods> {
  const { db, events } = ctx;
  const changed = (albumIds: (number | string)[] | null) => events.emit('albums.changed', { albumIds });
  // Counts on the context's reader: the search thread in web mode and the desktop app.
  const count = (q: CountQuery) => ctx.searchReader.count(q);
  return {
    'albums.list': async ({ includeAuto }) => [...await listStoredAlbums(db, count), ...(includeAuto ? autoAlbums(db) : [])],
    'albums.create': async ({ name, rule }) => {
      const album = createAlbum(db, name, rule);
      changed([album.id]);
      return album;
    },
    'albums.rename': async ({ id, name }) => { const a = renameAlbum(db, id, name); changed([id]); return a; },
    'albums.update': async ({ id, rule }) => { const a = updateAlbumRule(db, id, rule); changed([id]); return a; },
    'albums.remove': async ({ id }) => {
      const removed = removeAlbum(db, id);
      if (removed) changed([id]);
      return { removed };
    },
    'albums.get': ({ id }) => getAlbum(db, id, count),
    'albums.photos': ({ id, cursor, limit }) => albumPhotos(db, id, { cursor, limit }, count),
    'albums.addPhotos': async ({ id, photoIds }) => { const a = addAlbumPhotos(db, id, photoIds); changed([id]); return a; },
    'albums.removePhotos': async ({ id, photoIds }) => { const a = removeAlbumPhotos(db, id, photoIds); changed([id]); return a; },
    'albums.preview': async ({ rule }) => previewRule(db, rule),
    'photos.duplicates': async ({ maxDistance }) => findDuplicates(db, maxDistance),
  };
}
