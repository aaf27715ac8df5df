// A typed prefix spelled out as the library's words that start with it: `"snow"*` becomes
// `("snow" OR "snowy")`. FTS5 answers a prefix without a prefix index (ours has 2 and 3 letters) by
// merging the doclists of every such word into one list in memory before it yields the first match
// (35 ms for "snow" at a million photos); an OR of words is merged as it is read, so counting to the
// cap and a newest-first page (main/db/timeline-key.ts) stop early. Looking the words up in the
// vocabulary costs a walk over their doclists too, but without building anything: about half.
import type { Db } from './connection';
import { prefixTerm, type WordTerm } from './fts-query';
import { cachedStatement } from './statements';

/** More words than this and the prefix stays a prefix: a long OR costs more than the merge. */
const MAX_WORDS = 24;
/** Prefixes of up to 3 letters are in the prefix index (schema.ts): FTS5 reads them directly. */
const INDEXED_PREFIX = 3;
/** Words the expansion can fold exactly as the unicode61 tokenizer does: ASCII letters and digits. */
const PLAIN = /^[A-Za-z0-9]+$/;

/** The WordTerm of this library: expanded prefixes where that is exact and cheaper, `"w"*` otherwise. */
export function libraryTerms(db: Db): WordTerm {
  const words = cachedStatement(db, `SELECT term FROM photos_fts_terms WHERE term >= ? AND term < ? LIMIT ${MAX_WORDS + 1}`).pluck();
  return (word) => {
    if (word.length <= INDEXED_PREFIX || !PLAIN.test(word)) return prefixTerm(word);
    const lower = word.toLowerCase();
    const next = lower.slice(0, -1) + String.fromCharCode(lower.charCodeAt(lower.length - 1) + 1);
    const found = words.all(lower, next) as string[];
    if (found.length > MAX_WORDS) return prefixTerm(word);
    // No word starts with it: the quoted word matches nothing, as the prefix would.
    if (!found.length) return `"${lower}"`;
    return found.length === 1 ? `"${found[0]}"` : `(${found.map((w) => `"${w}"`).join(' OR ')})`;
  };
}
