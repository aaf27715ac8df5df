// An album's photo count as shown: exact, or "10,000+" when the count stopped at the cap (shared/types.ts COUNT_CAP).
import type { Lang, Translate, TranslateCount } from '../i18n';

export function albumCount(album: { count: number; countCapped: boolean }, i18n: { t: Translate; tn: TranslateCount; lang: Lang }): string {
  return album.countCapped ? i18n.t('albums.countCapped', { count: album.count.toLocaleString(i18n.lang) }) : i18n.tn('albums.count', album.count);
}
