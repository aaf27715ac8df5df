// Map clusters (supercluster) over every placed photo. The index is built once and kept until the
// library changes (library.changed), so panning and zooming only query it; cluster ids belong to
// one build, named by `version`.
import Supercluster from 'supercluster';
import type { AppContext } from '../service/context';
import type { MapCluster, MapClusters } from '../../shared/types';
import { AppError } from '../../shared/errors';

export const MAX_MAP_ZOOM = 16;

interface PointProps { id: number }
interface ClusterProps { cover: number }

interface Built { version: number; index: Supercluster<PointProps, ClusterProps>; total: number }

const built = new WeakMap<AppContext, { current: Built | null; version: number }>();

function state(ctx: AppContext): { current: Built | null; version: number } {
  let s = built.get(ctx);
  if (!s) {
    const fresh = { current: null as Built | null, version: 0 };
    s = fresh;
    built.set(ctx, s);
    ctx.events.on('library.changed', () => { fresh.current = null; });
  }
  return s;
}

/** Builds (or reuses) the cluster index of the library. */
export function clusterIndex(ctx: AppContext): Built {
  const s = state(ctx);
  if (s.current) return s.current;
  const rows = ctx.db.prepare('SELECT photo_id AS id, lat, lon FROM photo_places').raw().all() as [number, number, number][];
  const index = new Supercluster<PointProps, ClusterProps>({
    radius: 60, maxZoom: MAX_MAP_ZOOM,
    map: (p) => ({ cover: p.id }),
    reduce: (acc, p) => { if (p.cover > acc.cover) acc.cover = p.cover; },
  });
  index.load(rows.map(([id, lat, lon]) => ({ type: 'Feature', properties: { id }, geometry: { type: 'Point', coordinates: [lon, lat] } })));
  s.version++;
  s.current = { version: s.version, index, total: rows.length };
  return s.current;
}

/** Clusters inside a bounding box [west, south, east, north] at an integer zoom. */
export function mapClusters(ctx: AppContext, bbox: [number, number, number, number], zoom: number): MapClusters {
  const b = clusterIndex(ctx);
  const features = b.index.getClusters(bbox, Math.max(0, Math.min(MAX_MAP_ZOOM + 1, Math.floor(zoom))));
  const clusters = features.map((f): MapCluster => {
    const [lon, lat] = f.geometry.coordinates as [number, number];
    const props = f.properties as Partial<Supercluster.ClusterProperties> & Partial<ClusterProps> & Partial<PointProps>;
    if (props.cluster) {
      const clusterId = props.cluster_id!;
      return { clusterId, lat, lon, count: props.point_count!, coverId: props.cover!, expansionZoom: b.index.getClusterExpansionZoom(clusterId) };
    }
    return { clusterId: null, lat, lon, count: 1, coverId: props.id!, expansionZoom: null };
  });
  return { clusters, version: b.version, total: b.total };
}

/** Photo ids inside a cluster of build `version` (a conflict when the library changed since). */
export function clusterPhotoIds(ctx: AppContext, version: number, clusterId: number): number[] {
  const b = clusterIndex(ctx);
  if (b.version !== version) throw new AppError('conflict', 'the map changed since this cluster was shown; reload the map');
  try {
    return b.index.getLeaves(clusterId, Infinity).map((f) => f.properties.id);
  } catch {
    throw new AppError('not_found', `no cluster ${clusterId} on the map`);
  }
}
