// Resolves an album reference (stored id or auto key) to the SQL filter that selects its photos.
// Smart and auto albums are rules evaluated at query time; manual albums read album_photos.
import type { Db } from '../db/connection';
import type { RuleGroup } from '../../shared/rules';
import { compileRule, parseRule, type CompiledRule, type SetSizer } from './rule-sql';
import { cachedStatement } from '../db/statements';
import { libraryTerms } from '../db/fts-terms';
import { rootRows } from '../db/roots';
import { AppError } from '../../shared/errors';
import { geocoder } from '../places/geocoder';
import { placesCacheDirOf } from '../places/cache-dir';

/** Compiles a rule against the library's current folders (and, for `near` a city, the gazetteer). */
export function compileRuleFor(db: Db, rule: RuleGroup, purpose: 'count' | 'page' = 'count'): CompiledRule {
  return compileRule(rule, {
    purpose,
    roots: rootRows(db),
    resolveCity: (name) => geocoder(placesCacheDirOf(db)).search(name, 1)[0] ?? null,
    setSize: setSizer(db),
    term: libraryTerms(db),
  });
}

/** Above this many photos a tag or text match is a large set (rule-sql.ts SetSizer). */
export const LARGE_SET = 5_000;

/** Sizes a set by counting its members up to LARGE_SET + 1: an index range of at most that many entries. */
function setSizer(db: Db): SetSizer {
  return (set) => {
    const n = 'tag' in set
      ? (cachedStatement(db, `SELECT count(*) AS n FROM (SELECT 1 FROM tags t JOIN photo_tags pt ON pt.tag_id = t.id WHERE t.name = ? LIMIT ${LARGE_SET + 1})`).get(set.tag) as { n: number }).n
      : (cachedStatement(db, `SELECT count(*) AS n FROM (SELECT 1 FROM photos_fts WHERE photos_fts MATCH ? LIMIT ${LARGE_SET + 1})`).get(set.match) as { n: number }).n;
    return n > LARGE_SET ? 'large' : 'small';
  };
}

export const albumNotFound = (ref: number | string): AppError =>
  new AppError('not_found', `No album ${typeof ref === 'number' ? `#${ref}` : `"${ref}"`}`);

export interface AlbumRow {
  id: number;
  name: string;
  kind: 'manual' | 'smart';
  rule_json: string | null;
  created_at: string;
}

export function albumRow(db: Db, id: number): AlbumRow {
  const row = db.prepare('SELECT id, name, kind, rule_json, created_at FROM albums WHERE id = ?').get(id) as AlbumRow | undefined;
  if (!row) throw albumNotFound(id);
  return row;
}

/** The rule behind an auto album key: "tag:NAME", "year:YYYY" or "month:YYYY-MM". */
export function autoAlbumRule(key: string): RuleGroup | null {
  const tag = /^tag:(.+)$/s.exec(key);
  if (tag) return { op: 'and', items: [{ kind: 'tag', op: 'is', value: tag[1]! }] };
  const year = /^year:(\d{4})$/.exec(key);
  if (year) return { op: 'and', items: [{ kind: 'year', value: Number(year[1]) }] };
  const month = /^month:(\d{4})-(\d{2})$/.exec(key);
  if (month && Number(month[2]) >= 1 && Number(month[2]) <= 12) {
    return { op: 'and', items: [{ kind: 'year', value: Number(month[1]) }, { kind: 'month', value: Number(month[2]) }] };
  }
  return null;
}

/** SQL over `photos p` selecting the album's photos (shaped for counting or for a newest-first page, see rule-sql.ts). */
export function albumFilter(db: Db, ref: number | string, purpose: 'count' | 'page' = 'count'): CompiledRule {
  if (typeof ref === 'string') {
    if (/^\d+$/.test(ref)) return albumFilter(db, Number(ref), purpose);
    const rule = autoAlbumRule(ref);
    if (!rule) throw albumNotFound(ref);
    return compileRuleFor(db, rule, purpose);
  }
  const row = albumRow(db, ref);
  if (row.kind === 'smart') return compileRuleFor(db, parseRule(row.rule_json ?? ''), purpose);
  return { where: 'p.id IN (SELECT ap.photo_id FROM album_photos ap WHERE ap.album_id = ?)', params: [row.id] };
}
