// Places methods of the contract (shared/contract/places.ts).
import type { AppContext } from '../service/context';
import type { HandlersFor } from '../../shared/api';
import type { placeMethods } from '../../shared/contract/places';
import { listPhotos } from '../library/repo';
import { geocoder } from './geocoder';
import { placesCacheDir } from './cache-dir';
import { placeLevel, placeTree } from './place-queries';
import { placeIsSql } from './place-sql';
import { clusterPhotoIds, mapClusters } from './clusters';
import { setPlace } from './set-place';

export function placeHandlers(ctx: AppContext): HandlersFor<typeof placeMethods> {
  const db = ctx.db;
  return {
    'places.list': async ({ country, region }) => placeLevel(db, { country, region }),
    'places.tree': async () => placeTree(db),
    'places.cities': async ({ query, limit }) => (query.trim() ? geocoder(placesCacheDir(ctx)).search(query, limit) : []),
    'places.set': async ({ photoIds, to }) => setPlace(ctx, photoIds, to),
    'places.photos': async ({ country, region, city, cluster, cursor, limit }) => {
      if (cluster) {
        const ids = clusterPhotoIds(ctx, cluster.version, cluster.id);
        return listPhotos(db, { cursor, limit, scope: { where: 'p.id IN (SELECT value FROM json_each(?))', params: [JSON.stringify(ids)] } });
      }
      const where = placeIsSql({ country, region, city });
      return listPhotos(db, { cursor, limit, scope: { where: where.sql, params: where.params } });
    },
    'places.map': async ({ bbox, zoom }) => mapClusters(ctx, bbox, zoom),
  };
}
