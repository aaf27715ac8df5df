// Country names from ISO 3166-1 alpha-2 codes, localised by the runtime's ICU (Intl.DisplayNames):
// English and Simplified Chinese are what the search index holds; the UI asks for its own language.
export const PLACE_LANGUAGES = ['en', 'zh-CN'] as const;

const displayNames = new Map<string, Intl.DisplayNames>();
function namesIn(lang: string): Intl.DisplayNames {
  let d = displayNames.get(lang);
  if (!d) { d = new Intl.DisplayNames([lang], { type: 'region', fallback: 'code' }); displayNames.set(lang, d); }
  return d;
}

/** "JP" → "Japan" (en) / "日本" (zh-CN); the code itself when ICU has no name for it. */
export function countryName(code: string, lang: string = 'en'): string {
  try { return namesIn(lang).of(code.toUpperCase()) ?? code; } catch { return code; }
}

let byName: Map<string, string> | null = null;
const fold = (s: string) => s.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().trim();

/**
 * The code of a country given as a code ("jp") or a name in English or Chinese ("Japan", "日本");
 * null when it is neither.
 */
export function countryCodeOf(input: string): string | null {
  if (!byName) {
    byName = new Map();
    const A = 'A'.charCodeAt(0);
    for (let i = 0; i < 26 * 26; i++) {
      const code = String.fromCharCode(A + Math.floor(i / 26), A + (i % 26));
      for (const lang of PLACE_LANGUAGES) {
        const name = countryName(code, lang);
        // First code wins: FR before FX ("Metropolitan France", also 法国 in some ICU versions), GB before UK.
        if (name !== code && !byName.has(fold(name))) byName.set(fold(name), code);
      }
    }
  }
  const text = input.trim();
  if (/^[A-Za-z]{2}$/.test(text)) {
    const code = text.toUpperCase();
    return countryName(code) !== code ? code : null;
  }
  return byName.get(fold(text)) ?? null;
}
