// Setting a place by hand (photo detail, or several selected photos): type a city's name and pick it
// (prefix search over the offline places data, biggest first), copy the place of another photo, or
// forget a place you set (the GPS decides again).
import { useEffect, useState } from 'react';
import type { CityChoice, PhotoPlace } from '../../../../shared/types';
import { countryName } from '../../../../shared/country-names';
import { api } from '../../api';
import { useI18n } from '../../i18n';
import { errorText } from '../../format';

export function PlaceEditor({ photoIds, current, onDone }: { photoIds: number[]; current: PhotoPlace | null; onDone(): void }) {
  const { t, lang } = useI18n();
  const [query, setQuery] = useState('');
  const [choices, setChoices] = useState<CityChoice[]>([]);
  const [samePhoto, setSamePhoto] = useState('');
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!query.trim()) { setChoices([]); return; }
    let live = true;
    const h = setTimeout(() => {
      api['places.cities']({ query, limit: 8 }).then((c) => { if (live) setChoices(c); }, (err: unknown) => { if (live) setError(errorText(err)); });
    }, 120);
    return () => { live = false; clearTimeout(h); };
  }, [query]);

  const apply = (to: Parameters<typeof api['places.set']>[0]['to']) => {
    api['places.set']({ photoIds, to }).then(() => { setError(null); setQuery(''); onDone(); }, (err: unknown) => setError(errorText(err)));
  };

  return (
    <div className="place-editor" data-testid="place-editor">
      <label>
        {t('place.search')}
        <input type="search" value={query} onChange={(e) => setQuery(e.target.value)} placeholder={t('place.searchPlaceholder')}
          data-testid="place-search" autoComplete="off" />
      </label>
      {choices.length ? (
        <ul className="place-choices" role="listbox" aria-label={t('place.search')}>
          {choices.map((c) => (
            <li key={c.id}>
              <button type="button" role="option" aria-selected="false" data-testid="place-choice" onClick={() => apply({ cityId: c.id })}>
                {[c.city, c.region, countryName(c.countryCode, lang)].filter(Boolean).join(', ')}
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <form className="row" onSubmit={(e) => { e.preventDefault(); const id = Number(samePhoto); if (Number.isInteger(id) && id > 0) apply({ samePhotoId: id }); }}>
        <label>
          {t('place.sameAs')}
          <input type="number" min={1} value={samePhoto} onChange={(e) => setSamePhoto(e.target.value)} data-testid="place-same-as" />
        </label>
        <button type="submit" disabled={!samePhoto}>{t('place.apply')}</button>
      </form>
      {current?.source === 'user' ? <button type="button" onClick={() => apply(null)} data-testid="place-clear">{t('place.clear')}</button> : null}
      {error ? <p role="alert" className="error-text">{error}</p> : null}
    </div>
  );
}
