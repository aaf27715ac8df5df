// Compiles a smart-album rule (shared/rules.ts) into ONE SQL boolean expression over `photos p`,
// with positional parameters. Albums are evaluated at query time, so they are always current.
import path from 'node:path';
import { isRuleGroup, RULE_LIMITS, ruleGroup, type RuleCondition, type RuleGroup } from '../../shared/rules';
import { formatIssues } from '../../shared/api';
import { ftsColumnPrefix, prefixTerm, toFtsQuery, toFtsWords, type WordTerm } from '../db/fts-query';
import { facetTerm, type Facet } from '../db/facets';
import { photoIdOfKey, timelineKeySql } from '../db/timeline-key';
import { nearSql, placeIsSql, type SqlPart } from '../places/place-sql';
import { AppError } from '../../shared/errors';
import { durationSql, mediaKindSql } from '../media/video/summary';

const invalidRule = (message: string) => new AppError('input', `Invalid album rule: ${message}`);

export interface CompiledRule {
  /** A boolean SQL expression over the alias `p` (photos). */
  where: string;
  params: (string | number)[];
  /**
   * The same rule driven by the full-text index, when its top level ANDs words (text, camera; for a
   * page also a tag's or a folder's words) with conditions that are cheap per photo: photos_fts `f`
   * MATCH `match` (orientation and a location are facet words in it, main/db/facets.ts), and `where`
   * over `p` and `f.rowid` (dates also become timeline-key bounds). FTS5 then walks the matches newest
   * first (main/db/timeline-key.ts), so a page or a capped count stops early however common the words
   * are. `perPhoto`: whether `where` reads photos rows (else a count needs only the index).
   */
  fts?: { match: string; where: string; params: (string | number)[]; perPhoto: boolean };
  /**
   * A top-level OR as its branches, each compiled to select on its own (its sets may drive): a
   * newest-first page is the newest of each branch's own page. Walking the date index with the whole
   * OR as a per-photo test visits every photo newer than the page's last match, however few match.
   */
  anyOf?: CompiledRule[];
}

/** Validates untrusted JSON (CLI, stored rows) against the rule schema. */
export function parseRule(raw: unknown): RuleGroup {
  let value = raw;
  if (typeof raw === 'string') {
    try { value = JSON.parse(raw); } catch (err) { throw invalidRule(`not valid JSON (${(err as Error).message})`); }
  }
  const result = ruleGroup.safeParse(value);
  if (!result.success) throw invalidRule(formatIssues(result.error.issues));
  return result.data;
}

/** Coordinates of a city named like "Kyoto, JP" (for `near` a city); null when there is none. */
export type CityResolver = (name: string) => { lat: number; lon: number } | null;

/**
 * Whether a tag's or a full-text match's photo set is large (more than a few thousand photos). A large
 * set beside a condition with an index of its own (a date range, GPS, a folder, …) is tested per photo
 * instead of driving the query: SQLite would otherwise look up and sort every member (≈ 150 ms for a
 * common tag at a million photos) to keep the few that the date range allows.
 */
export type SetSizer = (set: { tag: string } | { match: string }) => 'small' | 'large';

export interface CompileOptions {
  /** The library's folders, so folder conditions become index ranges (pass the current ones). */
  roots?: readonly RootRef[];
  /** For `near` conditions given a city. */
  resolveCity?: CityResolver;
  /** Without it every set counts as small (SQLite's own choice). */
  setSize?: SetSizer;
  /**
   * 'page' (newest first, stops after one page): every large set is a per-photo test, so the date
   * index drives and the walk ends after a page. 'count' (the default): a large set drives unless an
   * indexed condition sits beside it (counting up to a cap stops soonest on the smaller side).
   */
  purpose?: 'count' | 'page';
  /** How a typed word becomes an FTS5 term (main/db/fts-terms.ts); by default a prefix. */
  term?: WordTerm;
}

export function compileRule(rule: RuleGroup, opts: CompileOptions = {}): CompiledRule {
  const params: (string | number)[] = [];
  const env: CompileEnv = {
    roots: opts.roots ?? [], resolveCity: opts.resolveCity, setSize: opts.setSize ?? (() => 'small'), page: opts.purpose === 'page',
    term: opts.term ?? prefixTerm,
  };
  const fts = ftsDriven(rule, env);
  // A page of a rule FTS5 drives reads `fts`; its `where` (still right, for other scopes) need not
  // size the sets it holds, which costs an FTS count each (5 ms at a million photos).
  const where = compileGroup(rule, params, 0, fts && env.page ? { ...env, setSize: () => 'large' } : env);
  // Only a page reads the branches (album-repo.ts); a count would compile and size them for nothing.
  const anyOf = env.page && rule.op === 'or' && rule.items.length > 1
    ? rule.items.map((item) => compileRule(isRuleGroup(item) ? item : { op: 'and', items: [item] }, opts))
    : undefined;
  return { where, params, ...(fts ? { fts } : {}), ...(anyOf ? { anyOf } : {}) };
}

/**
 * Conditions beside words that keep the usual plan: their own index (a folder, a rating, favourites)
 * is likely narrower than the words' matches, which FTS would walk in full to find the few inside it.
 */
const NARROW = new Set<RuleCondition['kind']>(['folder', 'rating', 'favourite', 'near', 'city', 'region', 'country']);

function ftsDriven(rule: RuleGroup, env: CompileEnv): CompiledRule['fts'] {
  if (rule.op !== 'and') return undefined;
  const conds = rule.items.filter((i): i is RuleCondition => !isRuleGroup(i));
  const fts = conds.filter(isFts);
  const narrowed = conds.filter((c) => !prefilter(c)).some((c) => NARROW.has(c.kind));
  // Words drive; for a page (newest first, stops early) a tag's or a folder's words may drive too.
  if (narrowed || !(fts.length || (env.page && conds.some(prefilter)))) return undefined;
  const params: (string | number)[] = [];
  const parts: string[] = [];
  const terms = fts.map((c) => ftsExpression(c, env.term));
  let perPhoto = false;
  for (const item of rule.items) {
    if (isRuleGroup(item)) { parts.push(compileGroup(item, params, 1, env)); perPhoto = true; continue; }
    if (isFts(item)) continue;
    const facet = facetOf(item);
    if (facet) { terms.push(facetTerm(facet)); continue; }
    const words = prefilter(item);
    if (words) terms.push(words);
    parts.push(compileCondition(item, params, { ...env, indexed: true }));
    perPhoto = true;
    // A date range is also a range of timeline keys: FTS5 reads only that part of each doclist.
    const range = item.kind === 'year'
      ? { from: `${String(item.value).padStart(4, '0')}-01-01`, to: `${String(item.value + 1).padStart(4, '0')}-01-01` }
      : item.kind === 'dateRange' ? { from: item.from, to: item.to !== undefined ? { dayAfter: item.to } : undefined } : null;
    if (range?.from) { parts.push(`f.rowid >= ${timelineKeySql('?', '0')}`); params.push(range.from); }
    if (typeof range?.to === 'string') { parts.push(`f.rowid < ${timelineKeySql('?', '0')}`); params.push(range.to); }
    else if (range?.to) { parts.push(`f.rowid < ${timelineKeySql(`date(?, '+1 day')`, '0')}`); params.push(range.to.dayAfter); }
  }
  const match = terms.length === 1 ? terms[0]! : terms.map((t) => `(${t})`).join(' AND ');
  return { match, where: parts.length ? parts.join(' AND ') : '1', params, perPhoto };
}

/** Conditions the facets column answers exactly (main/db/facets.ts). */
function facetOf(c: RuleCondition): Facet | null {
  if (c.kind === 'orientation') return c.value;
  if (c.kind === 'hasGps' && c.value) return 'gps';
  return null;
}

/**
 * The words FTS5 can narrow a condition to (every photo of a tag has the tag's words in `tags`, every
 * photo below a relative folder has its words in `folder`); the condition itself still decides.
 */
function prefilter(c: RuleCondition): string | null {
  // ASCII words only: those the tokenizer keeps exactly as typed (lower case aside).
  const phrase = (column: string, value: string) => {
    const words = toFtsWords(value);
    return words && words.every((w) => /^[A-Za-z0-9]+$/.test(w)) ? `${column} : "${words.join(' ')}"` : null;
  };
  if (c.kind === 'tag' && c.op === 'is') return phrase('tags', c.value);
  if (c.kind === 'folder' && !path.isAbsolute(c.value) && !/^[A-Za-z]:[\\/]/.test(c.value)) return phrase('folder', c.value);
  return null;
}

interface CompileEnv { roots: readonly RootRef[]; resolveCity?: CityResolver; setSize: SetSizer; page: boolean; term: WordTerm }

/** Conditions SQLite can answer from an index range of photos (photos_sort, photos_gps, the path index, …). */
const INDEXED = new Set<RuleCondition['kind']>(['dateRange', 'year', 'folder', 'rating']);
const hasIndex = (c: RuleCondition): boolean =>
  INDEXED.has(c.kind) || ((c.kind === 'hasGps' || c.kind === 'favourite') && c.value === true);

/** Conditions answered by the full-text index: in an AND group they become one MATCH (one doclist intersection). */
type FtsCondition = Extract<RuleCondition, { kind: 'text' | 'camera' }>;
const isFts = (c: RuleCondition): c is FtsCondition => c.kind === 'text' || c.kind === 'camera';

function ftsExpression(c: FtsCondition, term: WordTerm): string {
  const expr = c.kind === 'text' ? toFtsQuery(c.value, term) : ftsColumnPrefix('camera', c.value, term);
  if (!expr) throw invalidRule(`${c.kind} condition "${c.value}" has no searchable word`);
  return expr;
}

function compileGroup(group: RuleGroup, params: (string | number)[], depth: number, env: CompileEnv): string {
  // Rules are validated first (shared/rules.ts checks the limits without recursion); this guards stored ones.
  if (depth > RULE_LIMITS.depth) throw invalidRule(`groups nest deeper than ${RULE_LIMITS.depth} levels`);
  if (!group.items.length) throw invalidRule('a rule group needs at least one condition');
  const conds = group.items.filter((i): i is RuleCondition => !isRuleGroup(i));
  // Whether a large set in this group should be a per-photo test rather than drive the query.
  const indexed = group.op === 'and' && (env.page || conds.some(hasIndex));
  const parts: string[] = [];
  const fts = group.op === 'and' ? conds.filter(isFts) : [];
  if (fts.length) parts.push(ftsSet(fts.length === 1 ? ftsExpression(fts[0]!, env.term) : fts.map((c) => `(${ftsExpression(c, env.term)})`).join(' AND '), params, indexed, env));
  for (const item of group.items) {
    if (isRuleGroup(item)) parts.push(compileGroup(item, params, depth + 1, env));
    else if (!fts.includes(item as FtsCondition)) parts.push(compileCondition(item, params, { ...env, indexed }));
  }
  return `(${parts.join(group.op === 'and' ? ' AND ' : ' OR ')})`;
}

/** Photos matching an FTS expression: driving the query when the set is small, a (bloom-filtered) test when large. */
function ftsSet(match: string, params: (string | number)[], indexed: boolean, env: CompileEnv): string {
  params.push(match);
  const large = indexed && env.setSize({ match }) === 'large';
  return `${large ? '+' : ''}p.id IN (SELECT ${photoIdOfKey('rowid')} FROM photos_fts WHERE photos_fts MATCH ?)`;
}

/** sort_date is ISO-8601 (local date first), so date bounds compare as strings and use the index. */
function compileCondition(c: RuleCondition, params: (string | number)[], env: CompileEnv & { indexed: boolean }): string {
  switch (c.kind) {
    case 'text':
    case 'camera':
      return ftsSet(ftsExpression(c, env.term), params, env.indexed, env);
    case 'tag': {
      const name = c.value.replace(/\s+/g, ' ').trim();
      params.push(name);
      // A large tag next to an indexed condition: probe (photo, tag) for each photo the index yields.
      const has = env.indexed && env.setSize({ tag: name }) === 'large'
        ? 'EXISTS (SELECT 1 FROM photo_tags pt WHERE pt.photo_id = p.id AND pt.tag_id = (SELECT t.id FROM tags t WHERE t.name = ?))'
        : 'p.id IN (SELECT pt.photo_id FROM photo_tags pt JOIN tags t ON t.id = pt.tag_id WHERE t.name = ?)';
      return c.op === 'is' ? has : `NOT ${has}`;
    }
    case 'dateRange': {
      const bounds: string[] = [];
      if (c.from) { params.push(c.from); bounds.push('p.sort_date >= ?'); }
      if (c.to) { params.push(c.to); bounds.push("p.sort_date < date(?, '+1 day')"); }
      return `(${bounds.join(' AND ')})`;
    }
    case 'year':
      params.push(`${String(c.value).padStart(4, '0')}-01-01`, `${String(c.value + 1).padStart(4, '0')}-01-01`);
      return '(p.sort_date >= ? AND p.sort_date < ?)';
    case 'month':
      params.push(String(c.value).padStart(2, '0'));
      return 'substr(p.sort_date, 6, 2) = ?';
    case 'folder':
      return compileFolder(c.value, params, env.roots);
    case 'hasGps':
      // lat and lon are stored together or not at all (main/library/metadata.ts): lat alone is the
      // photos_gps partial index's condition, so the index answers it without reading photos.
      return c.value ? 'p.lat IS NOT NULL' : 'p.lat IS NULL';
    case 'orientation':
      // width/height are the displayed size (the indexer swaps them for EXIF orientations 5–8).
      return c.value === 'landscape' ? 'p.width > p.height' : 'p.height > p.width';
    case 'status':
      params.push(c.value);
      return 'p.status = ?';
    case 'rating':
      params.push(c.value);
      return 'p.rating >= ?';
    case 'favourite':
      return c.value ? 'p.favourite = 1' : 'p.favourite = 0';
    case 'label':
      params.push(c.value.trim().toLowerCase());
      return 'lower(p.label) = ?';
    case 'damaged':
      return c.value ? "p.status = 'damaged'" : "p.status <> 'damaged'";
    case 'mediaType':
      return mediaKindSql(c.value);
    case 'duration':
      return durationSql(c.min, c.max, params);
    case 'country': return sqlPart(() => placeIsSql({ country: c.value }), params);
    case 'region': return sqlPart(() => placeIsSql({ region: c.value }), params);
    case 'city': {
      // "Kyoto" or "Kyoto, JP" / "Kyoto, Japan".
      const comma = c.value.lastIndexOf(',');
      const place = comma > 0 ? { city: c.value.slice(0, comma), country: c.value.slice(comma + 1).trim() } : { city: c.value };
      return sqlPart(() => placeIsSql(place), params);
    }
    case 'near': {
      let point = c.lat !== undefined && c.lon !== undefined ? { lat: c.lat, lon: c.lon } : null;
      if (c.city !== undefined) {
        point = env.resolveCity?.(c.city) ?? null;
        if (!point) throw invalidRule(`near: no city matches "${c.city}"`);
      }
      return sqlPart(() => nearSql(point!.lat, point!.lon, c.km), params);
    }
  }
}

/** A place condition's SQL, with its input errors reported as rule errors. */
function sqlPart(make: () => SqlPart, params: (string | number)[]): string {
  let part: SqlPart;
  try { part = make(); } catch (err) {
    if (err instanceof AppError && err.kind === 'input') throw invalidRule(err.message);
    throw err;
  }
  params.push(...part.params);
  return part.sql;
}

export interface RootRef { id: number; path: string }

const slashes = (p: string): string => p.replaceAll('\\', '/').replace(/\/+$/, '');

/**
 * "Folder under", as index ranges on (root_id, rel_path): an absolute folder matches photos whose
 * path lies below it; a relative one matches below that folder inside any root, or below
 * "<root folder name>/…". Exact, case-sensitive comparison — no LIKE wildcards.
 */
function compileFolder(value: string, params: (string | number)[], roots: readonly RootRef[]): string {
  const alts: string[] = [];
  // rel_path in [prefix, prefix with its final '/' bumped to '0'): every path starting with prefix.
  const below = (rootId: number, relPrefix: string) => {
    if (!relPrefix) { params.push(rootId); alts.push('p.root_id = ?'); return; }
    params.push(rootId, relPrefix, `${relPrefix.slice(0, -1)}0`);
    alts.push('(p.root_id = ? AND p.rel_path >= ? AND p.rel_path < ?)');
  };
  const slashed = value.replaceAll('\\', '/');
  if (path.isAbsolute(value) || /^[A-Za-z]:\//.test(slashed)) {
    const abs = slashes(path.resolve(value));
    for (const root of roots) {
      const rootPath = slashes(root.path);
      if (abs === rootPath || rootPath.startsWith(`${abs}/`)) below(root.id, '');
      else if (abs.startsWith(`${rootPath}/`)) below(root.id, `${abs.slice(rootPath.length + 1)}/`);
    }
  } else {
    const rel = slashed.replace(/^\.\/+/, '').replace(/^\/+|\/+$/g, '');
    if (!rel || rel === '.') throw invalidRule('folder condition is empty');
    for (const root of roots) {
      below(root.id, `${rel}/`);
      const name = path.basename(slashes(root.path));
      if (rel === name) below(root.id, '');
      else if (rel.startsWith(`${name}/`)) below(root.id, `${rel.slice(name.length + 1)}/`);
    }
  }
  return alts.length ? `(${alts.join(' OR ')})` : '0';
}
