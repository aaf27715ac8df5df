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
 * Expansions made since the index last changed, per connection: typing repeats prefixes ("sno",
 * "snow", "snow d", …), and the rule builder's preview and the album it saves compile the same rule.
 */
const remembered = new WeakMap<Db, { stamp: string; terms: Map<string, string> }>();
const MAX_REMEMBERED = 1000;

/**
 * A stamp of the full-text index's contents: FTS5's structure record (row 10 of its %_data table),
 * which it rewrites whenever a commit adds to or removes from the index, from any connection — and
 * only then: a write elsewhere (an album, a rating, a setting) leaves the expansions valid. An
 * expansion of a prefix at 1M photos walks its words' doclists (10–20 ms). Null inside an open
 * transaction: FTS5 holds the transaction's index writes in memory until it commits.
 */
export function indexStamp(db: Db): string | null {
  if (db.inTransaction) return null;
  const block = cachedStatement(db, 'SELECT block FROM photos_fts_data WHERE id = 10').pluck().get() as Buffer | undefined;
  return block ? block.toString('base64') : '';
}

const lookups = new WeakMap<Db, number>();
/** How many prefixes this connection has looked up in the vocabulary (each a walk of its words' doclists). */
export const vocabularyLookups = (db: Db): number => lookups.get(db) ?? 0;

/** The WordTerm of this library: expanded prefixes where that is exact and cheaper, `"w"*` otherwise. */
export function libraryTerms(db: Db): WordTerm {
  const words = cachedStatement(db, `SELECT term FROM photos_fts_terms WHERE term >= ? AND term < ? LIMIT ${MAX_WORDS + 1}`).pluck();
  const stamp = indexStamp(db);
  let memo = remembered.get(db);
  if (stamp !== null && (!memo || memo.stamp !== stamp || memo.terms.size >= MAX_REMEMBERED)) remembered.set(db, memo = { stamp, terms: new Map() });
  // In a transaction: expanded afresh, and the remembered ones are left for after it.
  const terms = stamp === null || !memo ? new Map<string, string>() : memo.terms;
  return (word) => {
    if (word.length <= INDEXED_PREFIX || !PLAIN.test(word)) return prefixTerm(word);
    const lower = word.toLowerCase();
    let term = terms.get(lower);
    if (term === undefined) {
      lookups.set(db, (lookups.get(db) ?? 0) + 1);
      terms.set(lower, term = spelledOut(lower, words.all(lower, nextWord(lower)) as string[]));
    }
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
