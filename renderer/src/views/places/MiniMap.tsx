// The small map of the photo detail: the country shapes around the photo's point (lazy-loaded with
// the world data, so the detail view's first paint does not wait for it).
import { useMemo } from 'react';
import { geoMercator, geoPath } from 'd3-geo';
import { worldPx, worldShapes } from './world';

export default function MiniMap({ lat, lon, label }: { lat: number; lon: number; label: string }) {
  const w = 240;
  const h = 140;
  const projection = useMemo(() => geoMercator().scale(worldPx(3) / (2 * Math.PI)).center([lon, lat]).translate([w / 2, h / 2]), [lat, lon]);
  const path = useMemo(() => geoPath(projection), [projection]);
  return (
    <svg width={w} height={h} className="mini-map" role="img" aria-label={label} data-testid="photo-mini-map">
      <rect width={w} height={h} className="map-sea" />
      <g className="map-land">{worldShapes().features.map((f, i) => <path key={i} d={path(f) ?? undefined} />)}</g>
      <circle cx={w / 2} cy={h / 2} r={5} className="map-point" />
    </svg>
  );
}
