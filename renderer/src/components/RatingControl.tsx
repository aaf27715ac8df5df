// Stars (0–5) and a favourite heart for one photo, in the detail view. The person's choice is kept
// over the file's rating (shared/contract/ratings.ts); "from the file" shows while nobody set one here.
import { useI18n } from '../i18n';

export interface RatingControlProps {
  rating: number;
  favourite: boolean;
  /** 'xmp' when the stars shown come from the file. */
  source: 'user' | 'xmp' | 'ai' | null;
  label: string | null;
  onRate(rating: number): void;
  onFavourite(favourite: boolean): void;
}

export function RatingControl({ rating, favourite, source, label, onRate, onFavourite }: RatingControlProps) {
  const { t } = useI18n();
  return (
    <div className="rating-control" data-testid="rating-control">
      <div role="radiogroup" aria-label={t('rating.label')} className="stars">
        {[1, 2, 3, 4, 5].map((n) => (
          <button key={n} type="button" role="radio" aria-checked={rating === n} className={`star${n <= rating ? ' on' : ''}`}
            aria-label={t('rating.stars', { n })} data-testid={`rating-star-${n}`}
            // Clicking the current rating clears it (0 stars).
            onClick={() => onRate(rating === n ? 0 : n)}>★</button>
        ))}
      </div>
      <button type="button" className={`favourite${favourite ? ' on' : ''}`} aria-pressed={favourite} aria-label={t('rating.favourite')}
        data-testid="favourite-toggle" onClick={() => onFavourite(!favourite)}>♥</button>
      {source === 'xmp' ? <span className="muted small" data-testid="rating-from-file">{t('rating.fromFile')}</span> : null}
      {label ? <span className="badge" data-testid="photo-label">{label}</span> : null}
    </div>
  );
}
