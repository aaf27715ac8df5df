// #/places: countries → regions → cities with photo counts and a cover; a city opens its photos
// (newest first). #/places/CC, #/places/CC/REGION, #/places/CC/REGION/CITY ('~': no region).
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { PhotoSummary, PlaceCount } from '../../../../shared/types';
import { countryName } from '../../../../shared/country-names';
import { api, mediaUrl } from '../../api';
import { PhotoGrid } from '../../components/PhotoGrid';
import { useEvent, useThrottled } from '../../hooks/useEvent';
import { usePaged } from '../../hooks/usePaged';
import { useI18n } from '../../i18n';
import { errorText } from '../../format';
import { href, navigate } from '../../router';
import { summaryToItem } from '../photo-items';
import { NO_REGION } from './place-format';

export function PlacesView({ path }: { path: string[] }) {
  const [country, regionSeg, city] = path;
  const region = regionSeg === undefined ? undefined : regionSeg === NO_REGION ? null : regionSeg;
  if (country !== undefined && region !== undefined && city !== undefined) return <PlacePhotos country={country} region={region} city={city} />;
  return <PlaceLevel country={country} region={region} />;
}

function Crumbs({ country, region, city }: { country?: string; region?: string | null; city?: string }) {
  const { t, lang } = useI18n();
  const parts = [<a key="all" href={href.places([])}>{t('places.title')}</a>];
  if (country !== undefined) parts.push(<a key="c" href={href.places([country])}>{countryName(country, lang)}</a>);
  if (country !== undefined && region !== undefined) {
    parts.push(<a key="r" href={href.places([country, region ?? NO_REGION])}>{region ?? t('places.noRegion')}</a>);
  }
  if (city !== undefined) parts.push(<span key="city">{city}</span>);
  return <nav className="crumbs" aria-label={t('places.title')}>{parts.flatMap((p, i) => (i ? [<span key={`s${i}`} aria-hidden="true"> › </span>, p] : [p]))}</nav>;
}

function PlaceLevel({ country, region }: { country?: string; region?: string | null }) {
  const { t, tn, lang } = useI18n();
  const [rows, setRows] = useState<PlaceCount[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => {
    api['places.list']({ country, region }).then((r) => { setRows(r); setError(null); }, (err: unknown) => setError(errorText(err)));
  }, [country, region]);
  useEffect(load, [load]);
  useEvent('library.changed', useThrottled(load, 1000));

  const rowName = (r: PlaceCount): string => {
    if (country === undefined) return countryName(r.countryCode ?? '', lang);
    if (region === undefined) return r.region ?? t('places.noRegion');
    return r.city ?? t('places.noCity');
  };
  const rowHref = (r: PlaceCount): string => {
    if (country === undefined) return href.places([r.countryCode!]);
    if (region === undefined) return href.places([country, r.region ?? NO_REGION]);
    return href.places([country, region ?? NO_REGION, r.city ?? '']);
  };

  return (
    <div className="view places-view" data-testid="places-view">
      <div className="view-head">
        <h1>{t('places.title')}</h1>
        <a href={href.map()} className="button-link">{t('map.title')}</a>
      </div>
      <Crumbs country={country} region={region} />
      {error ? <p role="alert" className="error-text">{t('error.generic', { message: error })}</p> : null}
      {rows && !rows.length ? <p className="empty">{t('places.empty')}</p> : null}
      <ul className="place-list">
        {(rows ?? []).filter((r) => region === undefined || r.city !== null).map((r) => (
          <li key={`${r.countryCode}|${r.region}|${r.city}`}>
            <a href={rowHref(r)} className="place-row" data-testid="place-row" data-count={r.count}>
              <img src={mediaUrl('thumb', r.coverId)} alt="" loading="lazy" width={64} height={64} />
              <span className="place-name">{rowName(r)}</span>
              <span className="muted">{tn('grid.photos', r.count)}</span>
            </a>
          </li>
        ))}
      </ul>
      <p className="muted attribution">{t('places.attribution')}</p>
    </div>
  );
}

function PlacePhotos({ country, region, city }: { country: string; region: string | null; city: string }) {
  const { t, tn } = useI18n();
  const [selection, setSelection] = useState<Set<number>>(new Set());
  const fetchPage = useCallback((cursor: string | undefined) => api['places.photos']({ country, region, city, cursor, limit: 200 }), [country, region, city]);
  const paged = usePaged<PhotoSummary>(fetchPage, `place:${country}|${region}|${city}`);
  const items = useMemo(() => paged.items.map(summaryToItem), [paged.items]);
  useEvent('library.changed', useThrottled(paged.reload, 1000));
  return (
    <div className="view view-grid" data-testid="place-photos">
      <div className="view-head">
        <h1>{city}</h1>
        <span className="muted" data-testid="place-photos-count">{paged.loaded ? tn('grid.photos', paged.total) : t('grid.loading')}</span>
      </div>
      <Crumbs country={country} region={region} city={city} />
      {paged.error ? <p role="alert" className="error-text">{t('error.generic', { message: paged.error })}</p> : null}
      <PhotoGrid items={items} total={paged.total} groups={paged.groups} ariaLabel={city} onNeed={paged.ensure}
        onOpen={(id) => navigate(href.photo(id))} selection={selection} onSelectionChange={setSelection} />
    </div>
  );
}
