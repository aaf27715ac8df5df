// Virtualized photo grid: month headers (sticky), square tiles with placeholders until a page and its
// thumbnail arrive, multi-select (click the check, Ctrl/⌘-click, Shift-click ranges) and keyboard
// navigation; keys 0–5 rate and F toggles favourite on the selected photos (or the focused one).
// Only the rows in view (plus overscan) are in the DOM, whatever the library size.
import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import { defaultRangeExtractor, useVirtualizer, type Range } from '@tanstack/react-virtual';
import type { MediaKind, MonthGroup, PhotoStatus } from '../../../shared/types';
import { formatDuration } from '../../../shared/video';
import { api, useThumbUrl } from '../api';
import { useI18n, useT } from '../i18n';
import type { TileProblem } from '../views/tile-problem';
import { formatMonth } from '../format';
import { layoutRows, moveIndex, rowOfIndex } from './grid-layout';

export interface GridItem {
  id: number;
  hasThumb: boolean;
  /** Accessible name of the tile (file name, caption). */
  label: string;
  mediaType?: MediaKind;
  durationMs?: number | null;
  status?: PhotoStatus;
  /** One of a RAW+JPEG pair (badge). */
  rawPair?: boolean;
  /** Why there is no picture (or only part of one); null when all is well. */
  problem?: TileProblem | null;
  /** The stored reason, shown as the tile's tooltip. */
  error?: string | null;
  rating?: number;
  favourite?: boolean;
}

export interface PhotoGridProps {
  items: (GridItem | undefined)[];
  total: number;
  groups: MonthGroup[] | null;
  ariaLabel: string;
  onNeed(upTo: number): void;
  onOpen(id: number, index: number): void;
  selection: ReadonlySet<number>;
  onSelectionChange(next: Set<number>): void;
}

const GAP = 4;
const MIN_TILE = 150;
const HEADER_PX = 44;

const PROBLEM_ICON: Record<TileProblem, string> = { unsupported: '⊘', damaged: '⚠', unreadable: '⚠', offline: '⏏', nopreview: '◪' };

/** A tile without a picture: blank while its thumbnail is being made, else what is wrong with the file. */
export function TilePlaceholder({ problem, error }: { problem: TileProblem | null; error: string | null }) {
  const t = useT();
  if (!problem) return <div className="thumb-placeholder" aria-hidden="true" />;
  return (
    <div className={`thumb-placeholder problem ${problem}`} data-testid="tile-problem" data-problem={problem} title={error ?? undefined}>
      <span className="problem-icon" aria-hidden="true">{PROBLEM_ICON[problem]}</span>
      <span className="problem-text">{t(`tile.${problem}`)}</span>
    </div>
  );
}

const Tile = memo(function Tile({ item, index, size, selected, focused, selectLabel, onTileClick, onToggle }: {
  item: GridItem | undefined; index: number; size: number; selected: boolean; focused: boolean; selectLabel: string;
  onTileClick(index: number, e: MouseEvent): void; onToggle(index: number, e: MouseEvent): void;
}) {
  const t = useT();
  const style = { width: size, height: size };
  const thumb = useThumbUrl(item?.id ?? 0, !!item?.hasThumb);
  if (!item) return <div className="tile placeholder" role="gridcell" aria-busy="true" data-testid="photo-tile-placeholder" style={style} />;
  return (
    <div
      id={`tile-${item.id}`}
      className={`tile${selected ? ' selected' : ''}${focused ? ' focused' : ''}`}
      role="gridcell"
      aria-selected={selected}
      aria-label={item.label}
      data-testid="photo-tile"
      data-photo-id={item.id}
      style={style}
      onClick={(e) => onTileClick(index, e)}
    >
      {item.hasThumb
        ? thumb ? <img src={thumb} alt="" decoding="async" draggable={false} /> : <div className="thumb-placeholder" aria-hidden="true" />
        : <TilePlaceholder problem={item.problem ?? null} error={item.error ?? null} />}
      {item.rawPair ? <span className="tile-badge raw" data-testid="tile-raw" aria-hidden="true">RAW+JPEG</span> : null}
      {item.hasThumb && item.status === 'damaged'
        ? <span className="tile-badge damaged" data-testid="tile-damaged" title={item.error ?? undefined}>{t('tile.damaged')}</span>
        : null}
      {item.mediaType === 'video' || item.mediaType === 'live'
        ? <span className={`tile-badge ${item.mediaType}`} data-testid="tile-duration" aria-hidden="true">
            {item.mediaType === 'live' ? 'LIVE' : `▶ ${formatDuration(item.durationMs)}`}
          </span>
        : null}
      {item.rating || item.favourite ? (
        <span className="tile-badges" data-testid="tile-rating" data-rating={item.rating ?? 0} data-favourite={item.favourite ? '1' : '0'}>
          {item.favourite ? <span className="tile-fav" aria-hidden="true">♥</span> : null}
          {item.rating ? <span aria-hidden="true">{'★'.repeat(item.rating)}</span> : null}
        </span>
      ) : null}
      <button type="button" className="tile-check" tabIndex={-1} aria-label={`${selectLabel}: ${item.label}`} aria-pressed={selected}
        onClick={(e) => { e.stopPropagation(); onToggle(index, e); }} />
    </div>
  );
});

export function PhotoGrid({ items, total, groups, ariaLabel, onNeed, onOpen, selection, onSelectionChange }: PhotoGridProps) {
  const { t, tn, lang } = useI18n();
  const scrollRef = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  const [focus, setFocus] = useState(-1);
  const anchor = useRef<number | null>(null);

  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    setWidth(el.clientWidth);
    const ro = new ResizeObserver(() => setWidth(el.clientWidth));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  const inner = Math.max(0, width - 2 * GAP);
  const columns = Math.max(2, Math.floor((inner + GAP) / (MIN_TILE + GAP)));
  const tile = Math.floor((inner - GAP * (columns - 1)) / columns);
  const rows = useMemo(() => layoutRows(groups, total, columns), [groups, total, columns]);
  const stickyRows = useMemo(() => rows.flatMap((r, i) => (r.kind === 'header' ? [i] : [])), [rows]);
  const activeSticky = useRef(0);

  const rangeExtractor = useCallback((range: Range) => {
    activeSticky.current = [...stickyRows].reverse().find((i) => range.startIndex >= i) ?? -1;
    const next = new Set(defaultRangeExtractor(range));
    if (activeSticky.current >= 0) next.add(activeSticky.current);
    return [...next].sort((a, b) => a - b);
  }, [stickyRows]);

  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (i) => (rows[i]?.kind === 'header' ? HEADER_PX : tile + GAP),
    overscan: 3,
    rangeExtractor,
  });
  useEffect(() => { virtualizer.measure(); }, [tile, rows, virtualizer]);

  const virtualRows = virtualizer.getVirtualItems();
  const lastRow = virtualRows.length ? rows[virtualRows[virtualRows.length - 1]!.index] : undefined;
  const visibleEnd = lastRow ? (lastRow.kind === 'tiles' ? lastRow.end : 0) : 0;
  // Ask for a few rows beyond the view: enough to scroll without placeholders, without loading
  // pages nobody looks at (each costs the backend time that a new search would wait for).
  useEffect(() => { onNeed(visibleEnd + columns * 4); }, [visibleEnd, columns, onNeed]);

  const itemsRef = useRef(items);
  itemsRef.current = items;
  const selectionRef = useRef(selection);
  selectionRef.current = selection;

  const toggle = useCallback((index: number, e: MouseEvent | KeyboardEvent) => {
    const list = itemsRef.current;
    const next = new Set(selectionRef.current);
    if (e.shiftKey && anchor.current !== null) {
      const [a, b] = anchor.current < index ? [anchor.current, index] : [index, anchor.current];
      for (let i = a; i <= b; i++) { const it = list[i]; if (it) next.add(it.id); }
    } else {
      const it = list[index];
      if (!it) return;
      if (next.has(it.id)) next.delete(it.id); else next.add(it.id);
      anchor.current = index;
    }
    setFocus(index);
    onSelectionChange(next);
  }, [onSelectionChange]);

  const onTileClick = useCallback((index: number, e: MouseEvent) => {
    const it = itemsRef.current[index];
    if (!it) return;
    if (e.shiftKey || e.ctrlKey || e.metaKey || selectionRef.current.size > 0) { toggle(index, e); return; }
    setFocus(index);
    onOpen(it.id, index);
  }, [onOpen, toggle]);

  const focusIndex = (index: number) => {
    if (index < 0) return;
    setFocus(index);
    const r = rowOfIndex(rows, index);
    if (r >= 0) virtualizer.scrollToIndex(r, { align: 'auto' });
  };

  /** Rating keys act on the selection, else on the focused photo. */
  const rateTargets = (): GridItem[] => {
    if (selection.size > 0) return items.filter((it): it is GridItem => !!it && selection.has(it.id));
    const it = focus >= 0 ? items[focus] : undefined;
    return it ? [it] : [];
  };
  const rate = (change: { rating?: number; favourite?: boolean }) => {
    const targets = rateTargets();
    if (!targets.length) return;
    // The views refetch on library.changed; a failure is reported there too.
    api['photos.rate']({ ids: targets.map((it) => it.id), ...change }).catch(() => {});
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const current = focus < 0 ? 0 : focus;
    if (!e.ctrlKey && !e.metaKey && !e.altKey && /^[0-5]$/.test(e.key)) { e.preventDefault(); rate({ rating: Number(e.key) }); return; }
    if (!e.ctrlKey && !e.metaKey && !e.altKey && (e.key === 'f' || e.key === 'F')) {
      e.preventDefault();
      rate({ favourite: !rateTargets().every((it) => it.favourite) });
      return;
    }
    switch (e.key) {
      case 'ArrowLeft': case 'ArrowRight': case 'ArrowUp': case 'ArrowDown':
        e.preventDefault();
        focusIndex(focus < 0 ? 0 : moveIndex(rows, current, e.key, total));
        if (e.shiftKey) toggle(moveIndex(rows, current, e.key, total), e);
        break;
      case 'Home': e.preventDefault(); focusIndex(0); break;
      case 'End': e.preventDefault(); focusIndex(total - 1); break;
      case 'PageDown': case 'PageUp': {
        e.preventDefault();
        const perPage = columns * Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 600) / (tile + GAP)));
        focusIndex(Math.min(total - 1, Math.max(0, current + (e.key === 'PageDown' ? perPage : -perPage))));
        break;
      }
      case 'Enter': {
        const it = items[current];
        if (it) { e.preventDefault(); onOpen(it.id, current); }
        break;
      }
      case ' ': e.preventDefault(); toggle(current, e); break;
      case 'Escape':
        if (selection.size > 0) { e.preventDefault(); e.stopPropagation(); onSelectionChange(new Set()); }
        break;
      case 'a':
        if (e.ctrlKey || e.metaKey) {
          e.preventDefault();
          onSelectionChange(new Set(items.flatMap((it) => (it ? [it.id] : []))));
        }
        break;
      default:
    }
  };

  const focusedId = focus >= 0 ? items[focus]?.id : undefined;
  return (
    <div
      ref={scrollRef}
      className="grid-scroll"
      role="grid"
      aria-label={ariaLabel}
      aria-rowcount={rows.length}
      aria-multiselectable="true"
      aria-activedescendant={focusedId !== undefined ? `tile-${focusedId}` : undefined}
      tabIndex={0}
      onKeyDown={onKeyDown}
      data-testid="photo-grid"
    >
      <div className="grid-inner" style={{ height: virtualizer.getTotalSize() }}>
        {virtualRows.map((vr) => {
          const row = rows[vr.index]!;
          const isActiveSticky = row.kind === 'header' && vr.index === activeSticky.current;
          const style = isActiveSticky
            ? { position: 'sticky' as const, top: 0, height: vr.size, zIndex: 2 }
            : { position: 'absolute' as const, top: 0, transform: `translateY(${vr.start}px)`, height: vr.size };
          if (row.kind === 'header') {
            return (
              <div key={vr.key} role="row" aria-rowindex={vr.index + 1} className="grid-header" style={style} data-testid="month-header">
                <span role="rowheader">{formatMonth(row.month, lang)}</span>
                <span className="muted">{tn('grid.photos', row.count)}</span>
              </div>
            );
          }
          const cells = [];
          for (let i = row.start; i < row.end; i++) {
            const it = items[i];
            cells.push(<Tile key={it ? it.id : `p${i}`} item={it} index={i} size={tile} selected={!!it && selection.has(it.id)}
              focused={i === focus} selectLabel={t('grid.select')} onTileClick={onTileClick} onToggle={toggle} />);
          }
          return <div key={vr.key} role="row" aria-rowindex={vr.index + 1} className="grid-row" style={{ ...style, gap: GAP, left: GAP }}>{cells}</div>;
        })}
      </div>
    </div>
  );
}
