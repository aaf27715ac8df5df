// #/library: the whole library, newest first, grouped by month. With no folders yet it shows the
// first-run steps instead; while the first scan runs, tiles appear as thumbnails are made.
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { PhotoSummary } from '../../../shared/types';
import { api } from '../api';
import { PhotoGrid } from '../components/PhotoGrid';
import { SelectionBar } from '../components/SelectionBar';
import { usePaged } from '../hooks/usePaged';
import { useEvent, useThrottled } from '../hooks/useEvent';
import { useI18n } from '../i18n';
import { href, navigate } from '../router';
import { FirstRun, ModelOffer } from './FirstRun';
import { summaryToItem } from './photo-items';
import { errorText } from '../format';

// A small first page paints fast; later pages are large so a jump deep into the list catches up quickly.
const FIRST_PAGE = 300;
const PAGE = 1000;

export function LibraryView() {
  const { t, tn } = useI18n();
  const [rootCount, setRootCount] = useState<number | null>(null);
  const [rootsError, setRootsError] = useState<string | null>(null);
  const [selection, setSelection] = useState<Set<number>>(new Set());
  const fetchPage = useCallback((cursor: string | undefined) => api['photos.list']({ cursor, limit: cursor ? PAGE : FIRST_PAGE }), []);
  // A jump deep into the list (End, the scrollbar dragged to the oldest month) loads where it lands.
  const random = useMemo(() => ({ fetchAt: (offset: number) => api['photos.list']({ offset, limit: PAGE }), size: PAGE }), []);
  const paged = usePaged<PhotoSummary>(fetchPage, 'library', random);
  const items = useMemo(() => paged.items.map(summaryToItem), [paged.items]);

  const loadRoots = useCallback(() => {
    api['roots.list']({}).then((roots) => { setRootCount(roots.length); setRootsError(null); }, (err: unknown) => setRootsError(errorText(err)));
  }, []);
  useEffect(loadRoots, [loadRoots]);
  const reloadSoon = useThrottled(paged.reload, 800);
  useEvent('library.changed', reloadSoon);

  // The grid does not wait for roots.list: photos paint as soon as the first page arrives.
  const hasPhotos = paged.loaded && paged.total > 0;
  if (!hasPhotos && rootsError) return <div className="view"><p role="alert" className="error-text">{t('error.generic', { message: rootsError })}</p></div>;
  if (!hasPhotos && rootCount === 0) return <FirstRun onAdded={loadRoots} />;
  if (!hasPhotos && (rootCount === null || !paged.loaded)) return <div className="view" aria-busy="true" />;

  return (
    <div className="view view-grid" data-testid="library-view">
      <div className="view-head">
        <h1>{t('nav.library')}</h1>
        <span className="muted" data-testid="library-count">{paged.loaded ? tn('grid.photos', paged.total) : t('grid.loading')}</span>
        <SelectionBar selection={selection} onClear={() => setSelection(new Set())} />
      </div>
      <ModelOffer />
      {paged.error ? <p role="alert" className="error-text">{t('error.generic', { message: paged.error })}</p> : null}
      {paged.loaded && paged.total === 0 ? <p className="empty">{t('onboarding.scanning')}</p> : null}
      <PhotoGrid
        items={items}
        total={paged.total}
        groups={paged.groups}
        ariaLabel={t('grid.label')}
        onNeed={paged.ensure}
        onOpen={(id) => navigate(href.photo(id))}
        selection={selection}
        onSelectionChange={setSelection}
      />
    </div>
  );
}
