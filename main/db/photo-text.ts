// Keeps photo_text (the FTS5 external content) in step with a photo's file name, folder, camera,
// effective caption and tags, and place — for timeline items only (main/media/timeline-item.ts). Call inside the same transaction as the change it reflects.
import type { Db } from './connection';
import { cachedStatement } from './statements';
import { TIMELINE_ITEM } from '../media/timeline-item';
import { sourceRankSql } from './source-rank';
import { timelineKeySql } from './timeline-key';
import { facetsSql } from './facets';

/** Source priority in SQL, for the callers that take it from here (built in ./source-rank.ts). */
export { sourceRankSql } from './source-rank';

/** Effective caption: the one of the strongest source (shared/types.ts SOURCE_PRIORITY). */
export const EFFECTIVE_CAPTION_SQL = `
  (SELECT c.text FROM captions c WHERE c.photo_id = p.id
   ORDER BY ${sourceRankSql('c.source')} LIMIT 1)`;

export function refreshPhotoText(db: Db, photoIds: Iterable<number>): void {
  const stmt = cachedStatement(db, `
    INSERT INTO photo_text (photo_id, timeline_key, facets, caption, tags, file_name, folder, camera, place)
    SELECT p.id, ${timelineKeySql('p.sort_date', 'p.id')}, ${facetsSql('p')},
           COALESCE(${EFFECTIVE_CAPTION_SQL}, ''),
           COALESCE((SELECT group_concat(name, ' ') FROM (
               SELECT DISTINCT t.name FROM photo_tags pt JOIN tags t ON t.id = pt.tag_id WHERE pt.photo_id = p.id)), ''),
           p.file_name, p.folder,
           trim(COALESCE(p.camera_make, '') || ' ' || COALESCE(p.camera_model, '') || ' ' || COALESCE(p.lens, '')),
           COALESCE((SELECT pl.search_text FROM photo_places pl WHERE pl.photo_id = p.id), '')
    FROM photos p WHERE p.id = ? AND ${TIMELINE_ITEM}
    ON CONFLICT(photo_id) DO UPDATE SET
      caption = excluded.caption, tags = excluded.tags, file_name = excluded.file_name,
      folder = excluded.folder, camera = excluded.camera, place = excluded.place
    WHERE photo_text.caption IS NOT excluded.caption OR photo_text.tags IS NOT excluded.tags
       OR photo_text.file_name IS NOT excluded.file_name OR photo_text.folder IS NOT excluded.folder
       OR photo_text.camera IS NOT excluded.camera OR photo_text.place IS NOT excluded.place`);
  // A motion clip or the RAW of a pair is found through the item that shows it, never on its own.
  const drop = cachedStatement(db, `DELETE FROM photo_text WHERE photo_id IN (SELECT p.id FROM photos p WHERE p.id = ? AND NOT (${TIMELINE_ITEM}))`);
  for (const id of photoIds) { stmt.run(id); drop.run(id); }
}
