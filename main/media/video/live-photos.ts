// Live Photos (issue 12): an iPhone still (HEIC/JPEG) and a short MOV/MP4 with the same base name in
// the same folder are one item — the still in the grid, the motion on hover and in the detail. The
// clip's row stays (its file is indexed, served by the still's id) but is marked as the still's
// motion (videos.live_still_id), which keeps it out of the timeline and the AI queue.
import path from 'node:path';
import type { Db } from '../../db/connection';
import { isVideoFormat } from '../../../shared/media';

/** A clip longer than this pairs only when it carries Apple's content identifier (then it is one). */
const MAX_UNTAGGED_MOTION_MS = 15_000;

interface ClipRow { id: number; root_id: number; rel_path: string; duration_ms: number | null; content_id: string | null }

/**
 * Pairs unpaired clips of the given items (ids of videos or stills) with their still. Returns the
 * ids whose kind changed (for `library.changed`). Run inside the caller's write path after a batch is
 * stored; one indexed range lookup per clip.
 */
export function pairLivePhotos(db: Db, ids: readonly number[]): number[] {
  const clips = db.prepare(`SELECT p.id, p.root_id, p.rel_path, v.duration_ms, v.content_id FROM videos v JOIN photos p ON p.id = v.photo_id
    JOIN json_each(?) e ON e.value = p.id WHERE v.live_still_id IS NULL`).all(JSON.stringify(ids)) as ClipRow[];
  // A still that arrives after its clip: look at clips beside the given stills too.
  const stills = db.prepare(`SELECT p.root_id, p.rel_path FROM photos p JOIN json_each(?) e ON e.value = p.id
    WHERE NOT EXISTS (SELECT 1 FROM videos v WHERE v.photo_id = p.id)`).all(JSON.stringify(ids)) as { root_id: number; rel_path: string }[];
  const siblings = db.prepare(`SELECT p.id, p.rel_path, p.format FROM photos p WHERE p.root_id = ? AND p.rel_path >= ? AND p.rel_path < ?`);
  const clipBeside = db.prepare(`SELECT p.id, p.root_id, p.rel_path, v.duration_ms, v.content_id FROM videos v JOIN photos p ON p.id = v.photo_id
    WHERE p.root_id = ? AND p.rel_path >= ? AND p.rel_path < ? AND v.live_still_id IS NULL`);
  const seen = new Set(clips.map((c) => c.id));
  for (const s of stills) {
    const base = stripExt(s.rel_path);
    for (const c of clipBeside.all(s.root_id, `${base}.`, `${base}/`) as ClipRow[]) if (!seen.has(c.id)) { seen.add(c.id); clips.push(c); }
  }
  const set = db.prepare('UPDATE videos SET live_still_id = ? WHERE photo_id = ? AND live_still_id IS NULL');
  const taken = db.prepare('SELECT 1 FROM videos WHERE live_still_id = ?');
  const changed: number[] = [];
  for (const clip of clips) {
    if (clip.content_id === null && (clip.duration_ms === null || clip.duration_ms > MAX_UNTAGGED_MOTION_MS)) continue;
    const base = stripExt(clip.rel_path);
    // Same folder, same base name, one extension: "IMG_0001.HEIC" for "IMG_0001.MOV" ('.' < '/' keeps
    // the range inside names that continue with a dot).
    const still = (siblings.all(clip.root_id, `${base}.`, `${base}/`) as { id: number; rel_path: string; format: string | null }[])
      .find((s) => s.id !== clip.id && !s.rel_path.slice(base.length + 1).includes('.') && s.format !== null && !isVideoFormat(s.format));
    if (!still || taken.get(still.id)) continue;
    set.run(still.id, clip.id);
    changed.push(still.id, clip.id);
  }
  return changed;
}

const stripExt = (rel: string): string => {
  const ext = path.posix.extname(rel);
  return ext ? rel.slice(0, -ext.length) : rel;
};
