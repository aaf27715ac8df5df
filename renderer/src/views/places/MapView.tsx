// #/map: the world (Natural Earth shapes drawn with d3-geo, offline) with photos clustered by the
// main process (supercluster) for the visible box and zoom. Drag or arrow keys pan; the wheel,
// +/−, the buttons or a two-finger pinch zoom; clusters re-cluster as the zoom changes. Clicking a
// cluster shows its photos below the map; a single photo opens it.
import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent, type PointerEvent, type WheelEvent } from 'react';
import { geoMercator, geoPath } from 'd3-geo';
import type { MapCluster, MapClusters, PhotoSummary } from '../../../../shared/types';
import { api, mediaUrl } from '../../api';
import { PhotoGrid } from '../../components/PhotoGrid';
import { useEvent, useThrottled } from '../../hooks/useEvent';
import { usePaged } from '../../hooks/usePaged';
import { useI18n } from '../../i18n';
import { errorText } from '../../format';
import { href, navigate } from '../../router';
import { summaryToItem } from '../photo-items';
import { MAX_LAT, worldPx, worldShapes } from './world';

const MIN_ZOOM = 0;
const MAX_ZOOM = 17;
interface View { lon: number; lat: number; zoom: number }

const clampLat = (lat: number) => Math.max(-MAX_LAT + 1, Math.min(MAX_LAT - 1, lat));
const wrapLon = (lon: number) => ((((lon + 180) % 360) + 360) % 360) - 180;

export function MapView() {
  const { t, tn } = useI18n();
  const box = useRef<HTMLDivElement>(null);
  const [size, setSize] = useState({ w: 900, h: 500 });
  const [view, setView] = useState<View>({ lon: 10, lat: 25, zoom: 1.5 });
  const [data, setData] = useState<MapClusters | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [picked, setPicked] = useState<{ cluster: MapCluster; version: number } | null>(null);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setSize({ w: Math.max(200, el.clientWidth), h: Math.max(200, el.clientHeight) }));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  const projection = useMemo(() => geoMercator()
    .scale(worldPx(view.zoom) / (2 * Math.PI))
    .center([view.lon, view.lat])
    .translate([size.w / 2, size.h / 2]), [view, size]);
  const shapes = useMemo(() => worldShapes(), []);
  const path = useMemo(() => geoPath(projection), [projection]);

  // Clusters for what is on screen (the whole world while it fits), re-asked after the view settles.
  const clusterZoom = Math.round(view.zoom);
  const bbox = useMemo((): [number, number, number, number] => {
    const nw = projection.invert?.([0, 0]) ?? [-180, MAX_LAT];
    const se = projection.invert?.([size.w, size.h]) ?? [180, -MAX_LAT];
    if (worldPx(view.zoom) <= size.w || se[0] - nw[0] >= 360) return [-180, -MAX_LAT, 180, MAX_LAT];
    return [wrapLon(nw[0]), Math.max(-MAX_LAT, se[1]), wrapLon(se[0]), Math.min(MAX_LAT, nw[1])];
  }, [projection, size, view.zoom]);
  const load = useCallback(() => {
    api['places.map']({ bbox, zoom: clusterZoom }).then((r) => { setData(r); setError(null); }, (err: unknown) => setError(errorText(err)));
  }, [bbox, clusterZoom]);
  useEffect(() => { const h = setTimeout(load, 120); return () => clearTimeout(h); }, [load]);
  useEvent('library.changed', useThrottled(load, 1500));

  const zoomBy = useCallback((d: number) => setView((v) => ({ ...v, zoom: Math.max(MIN_ZOOM, Math.min(MAX_ZOOM, v.zoom + d)) })), []);
  const panBy = useCallback((dx: number, dy: number) => {
    setView((v) => {
      const p = geoMercator().scale(worldPx(v.zoom) / (2 * Math.PI)).center([v.lon, v.lat]).translate([0, 0]);
      const to = p.invert?.([dx, dy]);
      return to ? { ...v, lon: wrapLon(to[0]), lat: clampLat(to[1]) } : v;
    });
  }, []);

  // Pointer drag (mouse, pen, one finger) pans; two fingers pinch-zoom.
  const pointers = useRef(new Map<number, { x: number; y: number }>());
  const pinch = useRef<number | null>(null);
  const onPointerDown = (e: PointerEvent) => {
    if ((e.target as Element).closest('[data-testid="map-cluster"]')) return;
    (e.currentTarget as Element).setPointerCapture(e.pointerId);
    pointers.current.set(e.pointerId, { x: e.clientX, y: e.clientY });
  };
  const onPointerMove = (e: PointerEvent) => {
    const prev = pointers.current.get(e.pointerId);
    if (!prev) return;
    pointers.current.set(e.pointerId, { x: e.clientX, y: e.clientY });
    if (pointers.current.size === 2) {
      const [a, b] = [...pointers.current.values()];
      const dist = Math.hypot(a!.x - b!.x, a!.y - b!.y);
      if (pinch.current !== null && dist > 0) zoomBy(Math.log2(dist / pinch.current));
      pinch.current = dist;
      return;
    }
    panBy(prev.x - e.clientX, prev.y - e.clientY);
  };
  const onPointerUp = (e: PointerEvent) => { pointers.current.delete(e.pointerId); pinch.current = null; };
  const onWheel = (e: WheelEvent) => { zoomBy(e.deltaY < 0 ? 0.5 : -0.5); };
  const onKeyDown = (e: KeyboardEvent) => {
    const step = 80;
    const moves: Record<string, () => void> = {
      ArrowLeft: () => panBy(-step, 0), ArrowRight: () => panBy(step, 0), ArrowUp: () => panBy(0, -step), ArrowDown: () => panBy(0, step),
      '+': () => zoomBy(1), '=': () => zoomBy(1), '-': () => zoomBy(-1),
    };
    const move = moves[e.key];
    if (move) { e.preventDefault(); move(); }
  };

  const open = (c: MapCluster) => {
    if (c.clusterId === null) { navigate(href.photo(c.coverId)); return; }
    setPicked({ cluster: c, version: data!.version });
  };
  const zoomInto = (c: MapCluster) => setView({ lon: c.lon, lat: c.lat, zoom: Math.min(MAX_ZOOM, Math.max(view.zoom + 1, c.expansionZoom ?? view.zoom + 2)) });

  return (
    <div className="view map-view" data-testid="map-view">
      <div className="view-head">
        <h1>{t('map.title')}</h1>
        <a href={href.places([])} className="button-link">{t('places.title')}</a>
        <span className="muted" data-testid="map-total">{data ? tn('grid.photos', data.total) : t('grid.loading')}</span>
        <span className="map-controls">
          <button type="button" onClick={() => zoomBy(1)} aria-label={t('map.zoomIn')} data-testid="map-zoom-in">+</button>
          <button type="button" onClick={() => zoomBy(-1)} aria-label={t('map.zoomOut')} data-testid="map-zoom-out">−</button>
        </span>
      </div>
      {error ? <p role="alert" className="error-text">{t('error.generic', { message: error })}</p> : null}
      <div ref={box} className="map-box" tabIndex={0} role="application" aria-label={t('map.hint')} data-zoom={clusterZoom}
        onPointerDown={onPointerDown} onPointerMove={onPointerMove} onPointerUp={onPointerUp} onPointerCancel={onPointerUp}
        onWheel={onWheel} onKeyDown={onKeyDown}>
        <svg width={size.w} height={size.h} className="map-svg">
          <rect width={size.w} height={size.h} className="map-sea" />
          <g className="map-land">{shapes.features.map((f, i) => <path key={i} d={path(f) ?? undefined} />)}</g>
          {(data?.clusters ?? []).map((c) => {
            const xy = projection([c.lon, c.lat]);
            if (!xy) return null;
            const r = c.count > 1 ? Math.min(28, 10 + Math.log2(c.count) * 3) : 7;
            const label = c.count > 1 ? t('map.cluster', { count: c.count }) : t('map.photo');
            return (
              <g key={`${c.clusterId ?? 'p'}:${c.coverId}`} transform={`translate(${xy[0]},${xy[1]})`} className="map-cluster"
                data-testid="map-cluster" data-count={c.count} role="button" tabIndex={0} aria-label={label}
                onClick={() => open(c)} onDoubleClick={() => zoomInto(c)}
                onKeyDown={(e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); open(c); } }}>
                <circle r={r} />
                {c.count > 1 ? <text textAnchor="middle" dy="0.35em">{c.count}</text> : null}
              </g>
            );
          })}
        </svg>
      </div>
      <p className="muted attribution">{t('map.attribution')}</p>
      {picked ? <ClusterPhotos key={`${picked.version}:${picked.cluster.clusterId}`} picked={picked} onZoom={() => zoomInto(picked.cluster)} /> : null}
    </div>
  );
}

function ClusterPhotos({ picked, onZoom }: { picked: { cluster: MapCluster; version: number }; onZoom(): void }) {
  const { t, tn } = useI18n();
  const [selection, setSelection] = useState<Set<number>>(new Set());
  const fetchPage = useCallback((cursor: string | undefined) =>
    api['places.photos']({ cluster: { version: picked.version, id: picked.cluster.clusterId! }, cursor, limit: 200 }), [picked]);
  const paged = usePaged<PhotoSummary>(fetchPage, `cluster:${picked.version}:${picked.cluster.clusterId}`);
  const items = useMemo(() => paged.items.map(summaryToItem), [paged.items]);
  return (
    <section className="cluster-photos view-grid" data-testid="cluster-photos" aria-label={t('map.photosHere')}>
      <div className="view-head">
        <img src={mediaUrl('thumb', picked.cluster.coverId)} alt="" width={40} height={40} />
        <h2>{t('map.photosHere')}</h2>
        <span className="muted" data-testid="cluster-photos-count">{paged.loaded ? tn('grid.photos', paged.total) : t('grid.loading')}</span>
        <button type="button" onClick={onZoom}>{t('map.zoomHere')}</button>
      </div>
      {paged.error ? <p role="alert" className="error-text">{t('error.generic', { message: paged.error })}</p> : null}
      <PhotoGrid items={items} total={paged.total} groups={paged.groups} ariaLabel={t('map.photosHere')} onNeed={paged.ensure}
        onOpen={(id) => navigate(href.photo(id))} selection={selection} onSelectionChange={setSelection} />
    </section>
  );
}
