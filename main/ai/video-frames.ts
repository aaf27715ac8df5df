// What the AI reads for a video (issue 12): N keyframes (default 4, setting `ai.videoKeyframes`),
// evenly spaced, cached beside its thumbnails, sent as one multi-image prompt. Their times are kept
// with the caption as provenance.
import type { Db } from '../db/connection';
import { setSetting } from '../models/settings';
import type { AppContext } from '../service/context';
import { DEFAULT_KEYFRAMES, ensureKeyframes, KEYFRAMES_KEY, MAX_KEYFRAMES, type Keyframe } from '../media/video/frames';
import { sniffVideoFile } from '../media/video/formats';
import { probeVideo } from '../media/video/probe';
import { hashFile } from '../media/file-hash';
import { cachedStatement } from '../db/statements';


/** Frames per video caption: the setting when it is a whole number from 1 to 8, else 4. */
export function keyframeCount(db: Db): number {
  const row = cachedStatement(db, 'SELECT value_json FROM settings WHERE key = ?').get(KEYFRAMES_KEY) as { value_json: string } | undefined;
  const n = row ? Number(JSON.parse(row.value_json)) : NaN;
  return Number.isInteger(n) && n >= 1 && n <= MAX_KEYFRAMES ? n : DEFAULT_KEYFRAMES;
}

export function setKeyframeCount(db: Db, n: number): void {
  setSetting(db, KEYFRAMES_KEY, n);
}

interface ClipRow { content_hash: string | null; duration_ms: number | null }

/** The keyframes of a video item, or null when the item is not a video. */
export async function videoKeyframes(ctx: AppContext, photoId: number, original: string, signal?: AbortSignal, n = keyframeCount(ctx.db)): Promise<Keyframe[] | null> {
  const row = cachedStatement(ctx.db, `SELECT p.content_hash, v.duration_ms FROM photos p JOIN videos v ON v.photo_id = p.id
    WHERE p.id = ?`).get(photoId) as ClipRow | undefined;
  if (!row?.content_hash) return null;
  return ensureKeyframes(original, ctx.paths.thumbs, row.content_hash, row.duration_ms, n, signal);
}

/**
 * The keyframes of any video file (a dropped clip, not in the library): cached by content hash like
 * a library video's, so dropping the same clip again decodes nothing. Null when the file is not a video.
 */
export async function fileKeyframes(ctx: AppContext, file: string, signal?: AbortSignal, n = keyframeCount(ctx.db)): Promise<Keyframe[] | null> {
  if (!(await sniffVideoFile(file))) return null;
  const [hash, meta] = await Promise.all([hashFile(file), probeVideo(file, signal)]);
  return ensureKeyframes(file, ctx.paths.thumbs, hash, meta.durationMs, n, signal);
}

/** Records which frames the stored AI caption saw (inside the caller's transaction). */
export function saveCaptionFrames(db: Db, photoId: number, frames: readonly Keyframe[]): void {
  cachedStatement(db, 'UPDATE videos SET caption_frames_json = ? WHERE photo_id = ?').run(JSON.stringify(frames.map((f) => f.timeMs)), photoId);
}
