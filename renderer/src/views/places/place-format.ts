// Place names for display: the country in the interface language (the runtime's ICU), region and
// city as GeoNames spells them.
import type { PhotoPlace } from '../../../../shared/types';
import { countryName } from '../../../../shared/country-names';

/** "Kyoto, Kyoto, Japan" / "Kyoto, Kyoto, 日本"; null when the place has no name (at sea). */
export function placeLabel(p: Pick<PhotoPlace, 'city' | 'region' | 'countryCode'>, lang: string): string | null {
  const parts: string[] = [];
  if (p.city) parts.push(p.city);
  if (p.region && p.region !== p.city) parts.push(p.region);
  if (p.countryCode) parts.push(countryName(p.countryCode, lang));
  return parts.length ? parts.join(', ') : null;
}

/** Path segment for a missing region (GeoNames has none for some places). */
export const NO_REGION = '~';
