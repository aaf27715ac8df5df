// A large library for grid tests and the `ui` benchmark, built straight into SQLite: a few real
// photos are scanned (real thumbnails), then cloned into `count` rows spread over the years, each
// with a caption in photo_text (so FTS search has something to find). Cloned rows share the seed
// photos' thumbnails (same content hash); their originals do not exist, so serve with --no-scan.
import path from 'node:path';
import { mkdirSync } from 'node:fs';
import { createContext } from '../../main/service/context';
import { createService } from '../../main/service/index';
import { writePhoto } from './support';
import { timelineKeySql } from '../../main/db/timeline-key';

const CAPTIONS = [
  'a dog running on the beach at sunset', 'snowy mountains above a blue lake', 'a city street at night with neon signs',
  'a bowl of ramen on a wooden table', 'children playing football in a park', 'a red tulip field under a cloudy sky',
  'a cat sleeping on a sofa', 'an old stone bridge over a river', 'a birthday cake with candles', 'surfers waiting for waves',
  'a forest path covered in autumn leaves', 'a harbour with fishing boats', 'a desert road with sand dunes',
  'a family picnic in the garden', 'a train crossing a viaduct', 'fireworks over the harbour',
];

export interface BigLibrary { rootDir: string; count: number; seedCount: number; captions: readonly string[] }

export async function createBigLibrary(dataDir: string, rootDir: string, opts: { count: number; seeds?: number; withThumbs?: boolean }): Promise<BigLibrary> {
  const seeds = opts.withThumbs === false ? 0 : opts.seeds ?? 24;
  mkdirSync(rootDir, { recursive: true });
  for (let i = 0; i < seeds; i++) {
    const hue = (i * 47) % 360;
    const c = (o: number): [number, number, number] => {
      const h = ((hue + o) % 360) / 60;
      const x = Math.round(255 * (1 - Math.abs((h % 2) - 1)));
      return ([[255, x, 60], [x, 255, 60], [60, 255, x], [60, x, 255], [x, 60, 255], [255, 60, x]] as [number, number, number][])[Math.floor(h) % 6]!;
    };
    await writePhoto(rootDir, { name: `seed-${String(i).padStart(3, '0')}.jpg`, color: c(0), accent: c(150), width: 400, height: 300 });
  }
  const ctx = createContext({ dataDir });
  try {
    const service = createService(ctx);
    const root = await service['roots.add']({ path: rootDir, scan: false });
    if (seeds) await service['library.rescan']({ rootId: root.id });
    const db = ctx.db;
    const seedRows = db.prepare(`SELECT id, content_hash, size, width, height, format FROM photos ORDER BY id`).all() as
      { id: number; content_hash: string | null; size: number; width: number | null; height: number | null; format: string | null }[];
    const insertPhoto = db.prepare(`INSERT INTO photos (root_id, rel_path, file_name, folder, size, mtime_ms, content_hash, width, height, format,
        taken_at, sort_date, status, created_at, updated_at) VALUES (?, ?, ?, 'big', ?, ?, ?, ?, ?, ?, ?, ?, 'ok', ?, ?)`);
    const insertStage = db.prepare(`INSERT INTO photo_stage (photo_id, stage, done_at, attempts) VALUES (?, 'thumbnail', ?, 1)`);
    const insertText = db.prepare(`INSERT INTO photo_text (photo_id, timeline_key, caption, tags, file_name, folder, camera)
      VALUES (?, ${timelineKeySql('?', '?')}, ?, '', ?, 'big', '')`);
    const now = new Date().toISOString();
    const start = Date.UTC(2026, 10, 20, 12, 0, 0);
    const total = opts.count - seedRows.length;
    const texts: [number, string, string, string][] = [];
    // Bulk load of the full-text index, as test/bench/library.ts does: rows written one by one
    // through the insert trigger inside one big transaction take quadratic time (64 s for 100,000
    // photos, 0.8 s as one ordered insert).
    const ftsTrigger = (db.prepare(`SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'photo_text_ai'`).get() as { sql: string }).sql;
    db.transaction(() => {
      db.exec('DROP TRIGGER photo_text_ai');
      for (let i = 0; i < total; i++) {
        // ~20 photos a day going back in time: 100k photos span ~14 years.
        const t = new Date(start - i * 72 * 60_000 - (i % 7) * 60_000);
        const sort = t.toISOString().slice(0, 19);
        const seed = seedRows.length ? seedRows[i % seedRows.length]! : null;
        const name = `IMG_${String(i).padStart(6, '0')}.jpg`;
        const id = Number(insertPhoto.run(root.id, `big/${name}`, name, seed?.size ?? 1000, t.getTime(), seed?.content_hash ?? null,
          seed?.width ?? 400, seed?.height ?? 300, seed?.format ?? 'jpeg', sort, sort, now, now).lastInsertRowid);
        if (seed) insertStage.run(id, now);
        texts.push([id, sort, CAPTIONS[i % CAPTIONS.length]!, name]);
      }
      for (const [id, sort, caption, name] of texts) insertText.run(id, sort, id, caption, name);
      // In the index's rowid order (main/db/timeline-key.ts), for the photos added here (not the seeds').
      if (texts.length) {
        db.prepare(`INSERT INTO photos_fts(rowid, caption, tags, file_name, folder, camera, place, facets)
          SELECT timeline_key, caption, tags, file_name, folder, camera, place, facets FROM photo_text
          WHERE photo_id >= ? ORDER BY timeline_key`).run(texts[0]![0]);
      }
      db.exec(ftsTrigger);
    })();
    return { rootDir, count: seedRows.length + total, seedCount: seedRows.length, captions: CAPTIONS };
  } finally {
    await ctx.close();
  }
}

export const bigLibraryPaths = (base: string) => ({ dataDir: path.join(base, 'data'), rootDir: path.join(base, 'photos') });
