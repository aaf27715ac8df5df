// Turns what a person typed into a safe FTS5 query: every word becomes a quoted prefix term, so
// FTS5 syntax (quotes, NEAR, AND, *, column filters) typed by the user is never interpreted.
import { FACETS } from './facets';

const WORD = /[\p{L}\p{N}\p{M}\p{Co}]+/gu;
const MAX_TERMS = 16;

/** The words of `input` as FTS5 tokenises them (letters, digits, marks); null when there are none. */
export function toFtsWords(input: string): string[] | null {
  const words = input.normalize('NFKC').match(WORD);
  return words ? words.slice(0, MAX_TERMS) : null;
}

/**
 * How one typed word becomes an FTS5 term: by default `"w"*`, every word that starts with it. A
 * library's own (main/db/fts-terms.ts) may spell that out as the words it stands for.
 */
export type WordTerm = (word: string) => string;
export const prefixTerm: WordTerm = (w) => `"${w}"*`;

/** The columns of words people search (not `facets`, main/db/facets.ts). */
export const TEXT_COLUMNS = '{caption tags file_name folder camera place}';

/**
 * Whether a typed word could match a facet word: it starts one (folded as the tokenizer folds), or
 * has letters whose folding is not certain here. Only then does a query name TEXT_COLUMNS: a column
 * filter makes FTS5 read every match's positions (search p50 8.1 → 4.7 ms without it at 100,000
 * photos, `npm run bench -- library`).
 */
function mayMatchFacet(word: string): boolean {
  const folded = word.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
  return !/^[a-z0-9]+$/.test(folded) || FACETS.some((f) => f.startsWith(folded));
}

/** "sunset bea" → `("sunset"* AND "bea"*)` (all words must match, each by prefix, never in `facets`); null when no words. */
export function toFtsQuery(input: string, term: WordTerm = prefixTerm): string | null {
  const words = toFtsWords(input);
  if (!words) return null;
  // Explicit AND: FTS5 reads two phrases side by side as AND, but not a parenthesised OR and a phrase.
  const all = `(${words.map(term).join(' AND ')})`;
  return words.some(mayMatchFacet) ? `${TEXT_COLUMNS} : ${all}` : all;
}

/** `camera`, "Canon EOS" → `(camera : "Canon"* AND camera : "EOS"*)`: every word, by prefix, in that column; null when no words. */
export function ftsColumnPrefix(column: string, input: string, term: WordTerm = prefixTerm): string | null {
  const words = toFtsWords(input);
  return words ? `(${words.map((w) => `${column} : ${term(w)}`).join(' AND ')})` : null;
}
