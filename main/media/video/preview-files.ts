// Where a video's playable files are: the clip of an item (a video itself, or a Live Photo still's
// motion) and its cached browser-playable preview, kept in the thumbnail cache by content hash so the
// original is never touched and a moved clip keeps its preview.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Db } from '../../db/connection';
import type { AppContext } from '../../service/context';
import { PREVIEW_TYPE, type PreviewCodec } from '../../../shared/video';

/** The video row to play for item `id`: itself when it is a video, its motion clip when it is a Live Photo still. */
export function motionClipId(db: Db, id: number): number | null {
  const row = db.prepare(`SELECT photo_id FROM videos WHERE photo_id = ?
    UNION ALL SELECT photo_id FROM videos WHERE live_still_id = ? LIMIT 1`).get(id, id) as { photo_id: number } | undefined;
  return row?.photo_id ?? null;
}

export const PREVIEW_EXT: Readonly<Record<PreviewCodec, string>> = { h264: 'mp4', vp9: 'webm' };

export function previewPath(thumbsDir: string, contentHash: string, codec: PreviewCodec): string {
  return path.join(thumbsDir, contentHash.slice(0, 2), `${contentHash}-720p-${codec}.${PREVIEW_EXT[codec]}`);
}

/** The cached preview of a clip when it has been made, else null. */
export function previewFile(ctx: AppContext, clipId: number, codec: PreviewCodec): { file: string; mime: string } | null {
  const row = ctx.db.prepare('SELECT content_hash FROM photos WHERE id = ?').get(clipId) as { content_hash: string | null } | undefined;
  if (!row?.content_hash) return null;
  const file = previewPath(ctx.paths.thumbs, row.content_hash, codec);
  return existsSync(file) ? { file, mime: PREVIEW_TYPE[codec].split(';')[0]! } : null;
}
