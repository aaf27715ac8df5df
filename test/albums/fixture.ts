// A hand-inserted library with known photos: rows written straight into the real schema, the way the
// indexer stores them, so rules, albums and exports are tested against exact expectations.
import path from 'node:path';
import os from 'node:os';
import { mkdtempSync } from 'node:fs';
import { createContext, type AppContext } from '../../main/service/context';
import { nowIso, type Db } from '../../main/db/connection';
import { refreshPhotoText } from '../../main/db/photo-text';
import { addUserTags, saveAiResult, setUserCaption } from '../../main/ai/provenance';

export interface FixturePhoto {
  relPath: string;
  takenAt?: string | null;
  sortDate?: string;
  /** Displayed size (after EXIF rotation), as the indexer stores it. */
  width?: number;
  height?: number;
  orientation?: number | null;
  make?: string | null;
  model?: string | null;
  lat?: number | null;
  lon?: number | null;
  status?: 'ok' | 'offline' | 'error';
  phash?: string | null;
  aiCaption?: string;
  aiTags?: string[];
  userCaption?: string;
  userTags?: string[];
  thumb?: boolean;
}

export function tempContext(prefix = 'smolalbum-test-'): { ctx: AppContext; dir: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { ctx: createContext({ dataDir: path.join(dir, 'data') }), dir };
}

export function insertRoot(db: Db, rootPath: string): number {
  return Number(db.prepare('INSERT INTO roots (path, added_at, enabled) VALUES (?, ?, 1)').run(rootPath, nowIso()).lastInsertRowid);
}

/** The indexer's `folder` column: the root's folder name, then the folders inside it. */
function rootName(db: Db, rootId: number): string {
  return path.basename((db.prepare('SELECT path FROM roots WHERE id = ?').get(rootId) as { path: string }).path);
}

export function insertPhoto(db: Db, rootId: number, p: FixturePhoto): number {
  const now = nowIso();
  const sortDate = p.sortDate ?? p.takenAt ?? '2020-01-01T00:00:00';
  const id = db.transaction(() => {
    const slash = p.relPath.lastIndexOf('/');
    const info = db.prepare(`INSERT INTO photos (root_id, rel_path, file_name, folder, size, mtime_ms, content_hash, width, height,
        format, taken_at, sort_date, camera_make, camera_model, lat, lon, orientation, phash, status, created_at, updated_at)
      VALUES (?, ?, ?, ?, 1000, 0, NULL, ?, ?, 'jpeg', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
      rootId, p.relPath, p.relPath.slice(slash + 1), rootName(db, rootId) + (slash < 0 ? '' : `/${p.relPath.slice(0, slash)}`),
      p.width ?? 400, p.height ?? 300, p.takenAt ?? null, sortDate, p.make ?? null, p.model ?? null,
      p.lat ?? null, p.lon ?? null, p.orientation ?? 1, p.phash ?? null, p.status ?? 'ok', now, now);
    const photoId = Number(info.lastInsertRowid);
    if (p.thumb !== false) {
      db.prepare("INSERT INTO photo_stage (photo_id, stage, done_at) VALUES (?, 'metadata', ?), (?, 'thumbnail', ?)").run(photoId, now, photoId, now);
    }
    refreshPhotoText(db, [photoId]);
    if (p.aiCaption !== undefined || p.aiTags) {
      saveAiResult(db, photoId, { caption: p.aiCaption ?? '', tags: p.aiTags ?? [], model: 'fixture-model', prompt: 'fixture prompt' });
    }
    if (p.userCaption) setUserCaption(db, photoId, p.userCaption);
    if (p.userTags) addUserTags(db, photoId, p.userTags);
    return photoId;
  })();
  return id;
}
