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

/**
 * Expansions made since the library last changed, per connection: typing repeats prefixes ("sno",
 * "snow", "snow d", …). The stamp is exact: PRAGMA data_version moves when another connection
 * commits, total_changes() when this one writes (triggers included).
 */
const remembered = new WeakMap<Db, { stamp: string; terms: Map<string, string> }>();
const MAX_REMEMBERED = 1000;

/** The WordTerm of this library: expanded prefixes where that is exact and cheaper, `"w"*` otherwise. */
export function libraryTerms(db: Db): WordTerm {
  const words = cachedStatement(db, `SELECT term FROM photos_fts_terms WHERE term >= ? AND term < ? LIMIT ${MAX_WORDS + 1}`).pluck();
  const stamp = String(cachedStatement(db, 'SELECT total_changes()').pluck().get()) + ':'
    + String(cachedStatement(db, 'PRAGMA data_version').pluck().get());
  let memo = remembered.get(db);
  if (!memo || memo.stamp !== stamp || memo.terms.size >= MAX_REMEMBERED) remembered.set(db, memo = { stamp, terms: new Map() });
  const terms = memo.terms;
  return (word) => {
    if (word.length <= INDEXED_PREFIX || !PLAIN.test(word)) return prefixTerm(word);
    const lower = word.toLowerCase();
    let term = terms.get(lower);
    if (term === undefined) terms.set(lower, term = spelledOut(lower, words.all(lower, nextWord(lower)) as string[]));
    return term;
  };
}

/** The first string after every word that starts with `prefix` (ASCII: its last letter, plus one). */
const nextWord = (prefix: string): string => prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);

function spelledOut(prefix: string, found: string[]): string {
  if (found.length > MAX_WORDS) return prefixTerm(prefix);
  // No word starts with it: the quoted word matches nothing, as the prefix would.
  if (!found.length) return `"${prefix}"`;
  return found.length === 1 ? `"${found[0]}"` : `(${found.map((w) => `"${w}"`).join(' OR ')})`;
}
