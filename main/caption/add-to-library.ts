// "Add these to my library": files inside a library folder are indexed; for files elsewhere their folder
// becomes a library folder first (the library indexes photos where they lie, it never copies them).
// The batch's captions come along: as AI captions, or as the person's own when edited here.
import { realpathSync } from 'node:fs';
import path from 'node:path';
import type { AppContext } from '../service/context';
import { nowIso } from '../db/connection';
import { refreshPhotoText } from '../db/photo-text';
import { indexPaths } from '../library/indexer';
import { addRoot } from '../library/roots';
import type { BatchEntry } from './batches';

const inside = (file: string, dir: string): boolean => {
  const rel = path.relative(dir, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
};

export async function addBatchToLibrary(ctx: AppContext, entries: BatchEntry[]): Promise<{
  added: number; rootsAdded: string[]; skipped: number;
}> {
  // Only real files on this machine that turned out to be images.
  const usable = entries
    .filter((e) => e.input.source === 'path' && e.item.status === 'done')
    .map((e) => ({ ...e, real: realpathSync(e.input.file) }));
  const roots = (ctx.db.prepare('SELECT path FROM roots WHERE enabled = 1').all() as { path: string }[]).map((r) => r.path);
  const rootsAdded: string[] = [];
  for (const e of usable) {
    if (roots.some((r) => inside(e.real, r))) continue;
    const root = await addRoot(ctx.db, path.dirname(e.real));
    roots.push(root.path);
    rootsAdded.push(root.path);
  }
  if (usable.length === 0) return { added: 0, rootsAdded, skipped: entries.length };
  const { files } = await indexPaths(ctx, usable.map((e) => e.real));
  const ids = new Map(files.filter((f) => f.id !== null).map((f) => [f.path, f.id!]));
  const save = ctx.db.prepare(`
    INSERT INTO captions (photo_id, text, source, model, prompt, created_at) VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT (photo_id, source) DO UPDATE SET text = excluded.text, model = excluded.model, prompt = excluded.prompt, created_at = excluded.created_at`);
  const added: number[] = [];
  ctx.db.transaction(() => {
    for (const e of usable) {
      const id = ids.get(e.real);
      if (id === undefined) continue;
      added.push(id);
      if (e.item.caption?.trim()) {
        save.run(id, e.item.caption.trim(), e.origin.edited ? 'user' : 'ai', e.origin.model, e.origin.prompt, nowIso());
      }
    }
    refreshPhotoText(ctx.db, added);
  })();
  if (added.length) ctx.events.emit('library.changed', { photoIds: added });
  return { added: added.length, rootsAdded, skipped: entries.length - added.length };
}
