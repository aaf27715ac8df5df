// Resolves an album reference (stored id or auto key) to the SQL filter that selects its photos.
// Smart and auto albums are rules evaluated at query time; manual albums read album_photos.
import type { Db } from '../db/connection';
import type { RuleGroup } from '../../shared/rules';
import { compileRule, parseRule, type CompiledRule } from './rule-sql';
import { rootRows } from '../db/roots';
import { AppError } from '../../shared/errors';
import { geocoder } from '../places/geocoder';
import { placesCacheDirOf } from '../places/cache-dir';

/** Compiles a rule against the library's current folders (and, for `near` a city, the gazetteer). */
export function compileRuleFor(db: Db, rule: RuleGroup): CompiledRule {
  return compileRule(rule, rootRows(db), (name) => geocoder(placesCacheDirOf(db)).search(name, 1)[0] ?? null);
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

/** SQL over `photos p` selecting the album's photos. */
export function albumFilter(db: Db, ref: number | string): CompiledRule {
  if (typeof ref === 'string') {
    if (/^\d+$/.test(ref)) return albumFilter(db, Number(ref));
    const rule = autoAlbumRule(ref);
    if (!rule) throw albumNotFound(ref);
    return compileRuleFor(db, rule);
  }
  const row = albumRow(db, ref);
  if (row.kind === 'smart') return compileRuleFor(db, parseRule(row.rule_json ?? ''));
  return { where: 'p.id IN (SELECT ap.photo_id FROM album_photos ap WHERE ap.album_id = ?)', params: [row.id] };
}
