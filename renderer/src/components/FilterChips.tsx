// Search filter chips (date range, folder, camera, tag, place, has GPS, rating, favourites, label,
// photo/video/Live Photo, clip length in seconds), kept
// in the #/search URL so a
// search can be bookmarked and the back button works.
import { useState, type FormEvent } from 'react';
import { useT } from '../i18n';
import type { MessageKey } from '../i18n/en';
import type { MediaKind } from '../../../shared/types';
import { MEDIA_TYPE_OPTIONS } from './rule-draft';

export type FilterKey = 'from' | 'to' | 'folder' | 'camera' | 'tag' | 'place' | 'gps' | 'rating' | 'fav' | 'label' | 'type' | 'minDur' | 'maxDur' | 'damaged';
const LABELS: Record<FilterKey, MessageKey> = {
  from: 'filters.from', to: 'filters.to', folder: 'filters.folder', camera: 'filters.camera', tag: 'filters.tag', place: 'filters.place', gps: 'filters.hasGps',
  rating: 'filters.minRating', fav: 'filters.favourite', label: 'filters.photoLabel', type: 'filters.mediaType',
  minDur: 'filters.minDuration', maxDur: 'filters.maxDuration', damaged: 'filters.damaged',
};
/** Chips chosen from a list rather than typed. */
const PICKED: FilterKey[] = ['rating', 'type'];
/** Chips that are switched on by one click (no value to type). */
const TOGGLES: FilterKey[] = ['gps', 'fav', 'damaged'];
export const FILTER_KEYS = Object.keys(LABELS) as FilterKey[];

export function FilterChips({ params, onChange }: { params: URLSearchParams; onChange(next: URLSearchParams): void }) {
  const t = useT();
  const [adding, setAdding] = useState<FilterKey | ''>('');
  const [value, setValue] = useState('');
  const active = FILTER_KEYS.filter((k) => params.has(k));

  const set = (key: FilterKey, v: string | null) => {
    const next = new URLSearchParams(params);
    if (v === null || v === '') next.delete(key); else next.set(key, v);
    onChange(next);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (adding && value.trim()) set(adding, value.trim());
    setAdding('');
    setValue('');
  };
  const chipText = (k: FilterKey) => (TOGGLES.includes(k) ? t(LABELS[k])
    : k === 'rating' ? t('rating.atLeast', { n: params.get(k) ?? '' })
      : k === 'type' ? t(`media.kind.${params.get(k) as MediaKind}`)
        : `${t(LABELS[k])}: ${params.get(k)}`);

  return (
    <div className="filters" role="group" aria-label={t('filters.label')} data-testid="filter-chips">
      {active.map((k) => (
        <span key={k} className="chip active" data-testid={`chip-${k}`}>
          {chipText(k)}
          <button type="button" className="chip-remove" aria-label={t('filters.remove', { name: chipText(k) })} onClick={() => set(k, null)}>×</button>
        </span>
      ))}
      {TOGGLES.filter((k) => !params.has(k)).map((k) => (
        <button key={k} type="button" className="chip" onClick={() => set(k, '1')} data-testid={`chip-add-${k}`}>+ {t(LABELS[k])}</button>
      ))}
      {!params.has('rating') ? (
        <select className="chip" value="" aria-label={t('filters.minRating')} data-testid="chip-add-rating" onChange={(e) => set('rating', e.target.value)}>
          <option value="">+ {t('filters.minRating')}</option>
          {[1, 2, 3, 4, 5].map((n) => <option key={n} value={n}>{t('rating.atLeast', { n })}</option>)}
        </select>
      ) : null}
      {!params.has('type') ? (
        <select className="chip" value="" aria-label={t('filters.mediaType')} data-testid="chip-add-type" onChange={(e) => set('type', e.target.value)}>
          <option value="">+ {t('filters.mediaType')}</option>
          {MEDIA_TYPE_OPTIONS.map((k) => <option key={k} value={k}>{t(`media.kind.${k}`)}</option>)}
        </select>
      ) : null}
      <form className="chip-form" onSubmit={submit}>
        <select value={adding} aria-label={t('filters.add')} onChange={(e) => { setAdding(e.target.value as FilterKey | ''); setValue(''); }} data-testid="filter-kind">
          <option value="">+ {t('filters.add')}</option>
          {FILTER_KEYS.filter((k) => !TOGGLES.includes(k) && !PICKED.includes(k)).map((k) => <option key={k} value={k}>{t(LABELS[k])}</option>)}
        </select>
        {adding ? (
          <>
            <input type={adding === 'from' || adding === 'to' ? 'date' : adding === 'minDur' || adding === 'maxDur' ? 'number' : 'text'} value={value} onChange={(e) => setValue(e.target.value)}
              aria-label={t(LABELS[adding])} autoFocus data-testid="filter-value" />
            <button type="submit" disabled={!value.trim()}>{t('filters.apply')}</button>
          </>
        ) : null}
      </form>
      {active.length > 0 ? (
        <button type="button" className="link" onClick={() => { const next = new URLSearchParams(); if (params.get('q')) next.set('q', params.get('q')!); onChange(next); }}>
          {t('filters.clear')}
        </button>
      ) : null}
    </div>
  );
}
