// Where the packed gazetteer is cached: SMOLALBUM_CACHE_DIR when set (shared by several libraries,
// e.g. the test suite's), else the library's own data folder. Safe to delete; rebuilt on first use.
import path from 'node:path';
import type { AppContext } from '../service/context';
import type { Db } from '../db/connection';

export function placesCacheDir(ctx: Pick<AppContext, 'paths' | 'env'>): string {
  return ctx.env.SMOLALBUM_CACHE_DIR ? path.resolve(ctx.env.SMOLALBUM_CACHE_DIR) : path.join(ctx.paths.root, 'cache');
}

/** The same, from a library's database (its data folder holds library.sqlite). */
export function placesCacheDirOf(db: Db, env: NodeJS.ProcessEnv = process.env): string {
  return placesCacheDir({ paths: { root: path.dirname(db.name) } as AppContext['paths'], env });
}
