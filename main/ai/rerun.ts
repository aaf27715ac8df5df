// `ai rerun [--model M] [--photos query]`: which photos to re-caption (all, or those a search query
// matches — the same word/prefix matching as search) and with which model.
import type { AppContext } from '../service/context';
import { toFtsQuery } from '../db/fts-query';
import { photoIdOfKey } from '../db/timeline-key';
import { queueRerun } from './queue';
import { normalizeModelRef } from './stage';
import { AppError } from '../../shared/errors';

export function queueRerunFor(ctx: AppContext, opts: { model?: string; query?: string }): number {
  const query = opts.query?.trim();
  let ids: number[] | null = null;
  if (query) {
    const match = toFtsQuery(query);
    if (!match) throw new AppError('input', `The query "${query}" has no searchable word`);
    ids = (ctx.db.prepare(`SELECT ${photoIdOfKey('rowid')} AS id FROM photos_fts WHERE photos_fts MATCH ?`).all(match) as { id: number }[]).map((r) => r.id);
    if (!ids.length) return 0;
  }
  return queueRerun(ctx.db, ids, normalizeModelRef(opts.model) ?? null);
}
