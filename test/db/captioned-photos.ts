// Test libraries of captioned photos, written straight into SQLite (rows, an AI caption, photo_text).
import type { Db } from '../../main/db/connection';
import { nowIso } from '../../main/db/connection';
import { refreshPhotoText } from '../../main/db/photo-text';

export interface CaptionedPhoto { fileName: string; sortDate: string; caption: string }

/** Adds the photos to the root in one transaction; returns their ids in the same order. */
export function addCaptionedPhotos(db: Db, rootId: number, photos: readonly CaptionedPhoto[]): number[] {
  const now = nowIso();
  const insert = db.prepare(`INSERT INTO photos (root_id, rel_path, file_name, folder, size, mtime_ms, sort_date, status, created_at, updated_at)
    VALUES (?, ?, ?, 'R', 1, 0, ?, 'ok', ?, ?) RETURNING id`);
  const caption = db.prepare(`INSERT INTO captions (photo_id, text, source, created_at) VALUES (?, ?, 'ai', ?)`);
  return db.transaction(() => {
    const ids = photos.map((p) => {
      const { id } = insert.get(rootId, p.fileName, p.fileName, p.sortDate, now, now) as { id: number };
      caption.run(id, p.caption, now);
      return id;
    });
    refreshPhotoText(db, ids);
    return ids;
  })();
}
