// The video side of photo rows (issue 12): the columns a summary adds (kind, duration) and the
// detail's VideoInfo. A video is a photos row with a videos row; a Live Photo is a still that a
// videos row names as its live_still_id.
import type { Db } from '../../db/connection';
import type { MediaKind, VideoInfo } from '../../../shared/types';
import { playbackType } from '../../../shared/video';

/** Extra summary columns over `p` (each a primary-key or unique-index lookup). */
export const MEDIA_COLUMNS = `EXISTS (SELECT 1 FROM videos vv WHERE vv.photo_id = p.id) AS is_video,
  (SELECT vl.photo_id FROM videos vl WHERE vl.live_still_id = p.id) AS live_video_id,
  COALESCE((SELECT vd.duration_ms FROM videos vd WHERE vd.photo_id = p.id),
           (SELECT vm.duration_ms FROM videos vm WHERE vm.live_still_id = p.id)) AS duration_ms`;

export interface MediaColumns {
  is_video: number;
  live_video_id: number | null;
  duration_ms: number | null;
}

export const mediaKindOf = (r: MediaColumns): MediaKind => (r.is_video ? 'video' : r.live_video_id !== null ? 'live' : 'photo');

/**
 * Timeline rows: the motion clip of a Live Photo is shown through its still, not as an item of its
 * own. A condition over `p` for listings and searches.
 */
/** `p` is an item of this kind (a Live Photo's motion clip is never an item of its own). */
export function mediaKindSql(kind: MediaKind): string {
  const hasClip = 'EXISTS (SELECT 1 FROM videos mv WHERE mv.photo_id = p.id)';
  const hasMotion = 'EXISTS (SELECT 1 FROM videos ml WHERE ml.live_still_id = p.id)';
  if (kind === 'video') return hasClip;
  if (kind === 'live') return hasMotion;
  return `NOT ${hasClip} AND NOT ${hasMotion}`;
}

/** `p`'s clip (or Live Photo motion) lasts between min and max seconds, inclusive; stills never match. */
export function durationSql(min: number | undefined, max: number | undefined, params: (string | number)[] | unknown[]): string {
  const ms = `COALESCE((SELECT dv.duration_ms FROM videos dv WHERE dv.photo_id = p.id),
    (SELECT dm.duration_ms FROM videos dm WHERE dm.live_still_id = p.id))`;
  const parts: string[] = [];
  if (min !== undefined) { parts.push(`${ms} >= ?`); params.push(Math.round(min * 1000)); }
  if (max !== undefined) { parts.push(`${ms} <= ?`); params.push(Math.round(max * 1000)); }
  return parts.length ? `(${parts.join(' AND ')})` : '1';
}

export const NOT_LIVE_MOTION = `NOT EXISTS (SELECT 1 FROM videos lv WHERE lv.photo_id = p.id AND lv.live_still_id IS NOT NULL)`;

interface VideoRow {
  photo_id: number;
  duration_ms: number | null;
  rotation: number;
  codec: string | null;
  audio_codec: string | null;
  fps: number | null;
  caption_frames_json: string | null;
  format: string | null;
}

/** Detail of a video (or of a Live Photo's motion, for the still); null for a plain photo. */
export function videoInfo(db: Db, id: number): VideoInfo | null {
  const sql = `SELECT v.photo_id, v.duration_ms, v.rotation, v.codec, v.audio_codec, v.fps, v.caption_frames_json, p.format
    FROM videos v JOIN photos p ON p.id = v.photo_id WHERE `;
  const own = db.prepare(`${sql} v.photo_id = ?`).get(id) as VideoRow | undefined;
  const row = own ?? (db.prepare(`${sql} v.live_still_id = ?`).get(id) as VideoRow | undefined);
  if (!row) return null;
  let frames: number[] | null = null;
  try { frames = row.caption_frames_json ? (JSON.parse(row.caption_frames_json) as number[]) : null; } catch { frames = null; }
  return {
    durationMs: row.duration_ms,
    codec: row.codec,
    audioCodec: row.audio_codec,
    fps: row.fps,
    rotation: row.rotation,
    captionFramesMs: frames,
    playbackType: playbackType(row.format, row.codec),
    liveVideoId: own ? null : row.photo_id,
  };
}
