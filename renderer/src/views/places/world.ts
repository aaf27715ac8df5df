// The world's country shapes for the offline map: Natural Earth 1:110m via world-atlas (TopoJSON),
// turned into GeoJSON once. Bundled with the map chunk: no tile server, no network.
import { feature } from 'topojson-client';
import type { Topology, GeometryCollection } from 'topojson-specification';
import type { FeatureCollection, Geometry } from 'geojson';
import countries110m from 'world-atlas/countries-110m.json';

let shapes: FeatureCollection<Geometry> | null = null;

export function worldShapes(): FeatureCollection<Geometry> {
  if (!shapes) {
    const topo = countries110m as unknown as Topology<{ countries: GeometryCollection }>;
    shapes = feature(topo, topo.objects.countries) as FeatureCollection<Geometry>;
  }
  return shapes;
}

/** Web-Mercator world width in px at a zoom level (256 px at zoom 0, as map tiles and supercluster). */
export const worldPx = (zoom: number): number => 256 * 2 ** zoom;
export const MAX_LAT = 85.05112878;
