// Auto albums: the most used tags, and one album per year and per month. Each is a rule keyed by a
// string id ("tag:beach", "year:2024", "month:2024-07"), so it is evaluated like a smart album.
// Their counts are the counters the schema's triggers keep (main/db/schema.ts, "Status counters"):
// grouping every photo and every tag row instead took ~5 s at a million photos, on the event loop.
import type { Db } from '../db/connection';
import type { Album } from '../../shared/contract/albums';
import { cachedStatement } from '../db/statements';
import { autoAlbumName } from './album-repo';
import { autoAlbumRule } from './album-filter';

const TOP_TAGS = 12;

interface Bucket { key: string; count: number; cover: number | null }

export function autoAlbums(db: Db): Album[] {
  // The cover is the group's most recently added photo (max id): one index lookup per album, through
  // photo_tags(tag_id, photo_id) and photos_month.
  const tags = cachedStatement(db, `
    SELECT 'tag:' || name AS key, n AS count, (SELECT max(pt.photo_id) FROM photo_tags pt WHERE pt.tag_id = top.id) AS cover
    FROM (SELECT t.id, t.name, c.n FROM counters c JOIN tags t ON t.id = CAST(substr(c.name, 5) AS INTEGER)
          WHERE c.name >= 'tag:' AND c.name < 'tag;' AND c.n > 0
          ORDER BY c.n DESC, t.name COLLATE NOCASE LIMIT ?) AS top
    ORDER BY n DESC, name COLLATE NOCASE`).all(TOP_TAGS) as Bucket[];
  const months = cachedStatement(db, `
    SELECT 'month:' || m.month AS key, m.n AS count, (SELECT max(p.id) FROM photos p WHERE substr(p.sort_date, 1, 7) = m.month) AS cover
    FROM (SELECT substr(name, 7) AS month, n FROM counters WHERE name >= 'month:' AND name < 'month;' AND n > 0) AS m
    ORDER BY m.month DESC`).all() as Bucket[];
  const years = new Map<string, Bucket>();
  for (const m of months) {
    const key = `year:${m.key.slice(6, 10)}`;
    const y = years.get(key);
    if (!y) years.set(key, { key, count: m.count, cover: m.cover });
    else { y.count += m.count; y.cover = Math.max(y.cover ?? 0, m.cover ?? 0) || null; }
  }
  return [...tags, ...years.values(), ...months]
    .filter((b) => autoAlbumRule(b.key))
    .map((b) => ({ id: b.key, name: autoAlbumName(b.key), kind: 'auto' as const, rule: autoAlbumRule(b.key), count: b.count, countCapped: false, coverId: b.cover, createdAt: null }));
}
