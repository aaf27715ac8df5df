// Auto albums: the most used tags, and one album per year and per month. Each is a rule keyed by a
// string id ("tag:beach", "year:2024", "month:2024-07"), so it is evaluated like a smart album.
import type { Db } from '../db/connection';
import type { Album } from '../../shared/contract/albums';
import { autoAlbumName } from './album-repo';
import { autoAlbumRule } from './album-filter';

const TOP_TAGS = 12;

interface Bucket { key: string; count: number; cover: number }

export function autoAlbums(db: Db): Album[] {
  // One grouped query per family; the cover is the group's most recently added photo (max id).
  const tags = db.prepare(`
    SELECT 'tag:' || t.name AS key, count(DISTINCT pt.photo_id) AS count, max(pt.photo_id) AS cover
    FROM photo_tags pt JOIN tags t ON t.id = pt.tag_id
    GROUP BY t.id ORDER BY count DESC, t.name COLLATE NOCASE LIMIT ?`).all(TOP_TAGS) as Bucket[];
  const years = db.prepare(`
    SELECT 'year:' || substr(sort_date, 1, 4) AS key, count(*) AS count, max(id) AS cover
    FROM photos GROUP BY substr(sort_date, 1, 4) ORDER BY key DESC`).all() as Bucket[];
  const months = db.prepare(`
    SELECT 'month:' || substr(sort_date, 1, 7) AS key, count(*) AS count, max(id) AS cover
    FROM photos GROUP BY substr(sort_date, 1, 7) ORDER BY key DESC`).all() as Bucket[];
  return [...tags, ...years, ...months]
    .filter((b) => autoAlbumRule(b.key))
    .map((b) => ({ id: b.key, name: autoAlbumName(b.key), kind: 'auto' as const, rule: autoAlbumRule(b.key), count: b.count, countCapped: false, coverId: b.cover, createdAt: null }));
}
