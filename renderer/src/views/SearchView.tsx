// #/search?q=…&tag=…: results as you type (debounced), filter chips, result count, same grid as the library.
import { useCallback, useMemo, useState } from 'react';
import type { SearchFilters } from '../../../shared/contract/library';
import { COUNT_CAP, type SearchHit } from '../../../shared/types';
import { api } from '../api';
import { PhotoGrid } from '../components/PhotoGrid';
import { FilterChips } from '../components/FilterChips';
import { SelectionBar } from '../components/SelectionBar';
import { useDebounced } from '../hooks/useDebounced';
import { useEvent, useThrottled } from '../hooks/useEvent';
import { usePaged } from '../hooks/usePaged';
import { useI18n } from '../i18n';
import { href, navigate } from '../router';
import { hitToItem } from './photo-items';

export function filtersFrom(params: URLSearchParams): SearchFilters {
  const f: SearchFilters = {};
  const date = (v: string | null) => (v && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : undefined);
  if (params.get('tag')) f.tag = params.get('tag')!;
  if (params.get('camera')) f.camera = params.get('camera')!;
  if (params.get('folder')) f.folder = params.get('folder')!;
  if (date(params.get('from'))) f.from = date(params.get('from'));
  if (date(params.get('to'))) f.to = date(params.get('to'));
  if (params.get('gps') === '1') f.hasGps = true;
  const rating = Number(params.get('rating'));
  if (Number.isInteger(rating) && rating >= 1 && rating <= 5) f.minRating = rating;
  if (params.get('fav') === '1') f.favourite = true;
  if (params.get('damaged') === '1') f.damaged = true;
  if (params.get('label')) f.label = params.get('label')!;
  if (params.get('place')) f.place = params.get('place')!;
  const type = params.get('type');
  if (type === 'photo' || type === 'video' || type === 'live') f.mediaType = type;
  const seconds = (v: string | null) => (v !== null && v.trim() !== '' && Number(v) >= 0 ? Number(v) : undefined);
  if (seconds(params.get('minDur')) !== undefined) f.minDuration = seconds(params.get('minDur'));
  if (seconds(params.get('maxDur')) !== undefined) f.maxDuration = seconds(params.get('maxDur'));
  return f;
}

export function SearchView({ params }: { params: URLSearchParams }) {
  const { t, tn, lang } = useI18n();
  const [selection, setSelection] = useState<Set<number>>(new Set());
  const request = useDebounced(useMemo(() => ({ query: params.get('q') ?? '', filters: filtersFrom(params) }), [params]), 150);
  const key = JSON.stringify(request);
  const fetchPage = useCallback(async (cursor: string | undefined) => {
    const r = await api['photos.search']({ ...request, cursor, limit: 200 });
    return { items: r.hits, total: r.total, totalCapped: r.totalCapped, nextCursor: r.nextCursor };
  }, [request]);
  const paged = usePaged<SearchHit>(fetchPage, key);
  const items = useMemo(() => paged.items.map(hitToItem), [paged.items]);
  const reloadSoon = useThrottled(paged.reload, 1000);
  useEvent('library.changed', reloadSoon);

  return (
    <div className="view view-grid" data-testid="search-view">
      <div className="view-head">
        <h1>{t('search.label')}</h1>
        <span className="muted" role="status" data-testid="search-count">
          {!paged.loaded ? t('grid.loading')
            : paged.totalCapped ? t('search.resultsCapped', { count: COUNT_CAP.toLocaleString(lang) }) : tn('search.results', paged.total)}
        </span>
        <SelectionBar selection={selection} onClear={() => setSelection(new Set())} />
      </div>
      <FilterChips params={params} onChange={(next) => navigate(href.search(next), { replace: true })} />
      {paged.error ? <p role="alert" className="error-text">{t('error.generic', { message: paged.error })}</p> : null}
      {paged.loaded && paged.total === 0 ? <p className="empty">{request.query ? t('search.none') : t('search.hint')}</p> : null}
      <PhotoGrid
        items={items}
        total={paged.total}
        groups={null}
        ariaLabel={t('search.label')}
        onNeed={paged.ensure}
        onOpen={(id) => navigate(href.photo(id))}
        selection={selection}
        onSelectionChange={setSelection}
      />
    </div>
  );
}
