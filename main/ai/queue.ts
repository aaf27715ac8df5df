// The durable AI queue: one `caption` job row per photo in `jobs` (queued → running → done | failed,
// or cancelled). Pure SQL, no coupling with the indexer: photos whose thumbnail is done and that have
// no current job are enqueued by `enqueueMissing`, which is safe to call at any time.
import { countersWithPrefix } from '../db/counters';
import type { Db } from '../db/connection';
import { nowIso } from '../db/connection';
import { saveAiResult, type AiResult } from './provenance';
import { absolutePath } from '../library/repo';
import { NOT_PAIRED_RAW } from '../media/raw-pairs';
import { cachedStatement } from '../db/statements';

export const CAPTION_JOB = 'caption';
/** Tries per photo before its job is marked failed. */
export const MAX_ATTEMPTS = 3;

export interface Job {
  id: number;
  photo_id: number;
  attempts: number;
  model: string | null;
}

export interface JobCounts { done: number; queued: number; running: number; failed: number; cancelled: number }

/**
 * A photo needs a job when its thumbnail is done, it is online, the AI stage has no record for it
 * (the indexer clears that record when the file's content changes) and no job is open or cancelled.
 */
const NEEDS_JOB = `
  FROM photos p JOIN photo_stage s ON s.photo_id = p.id AND s.stage = 'thumbnail' AND s.done_at IS NOT NULL AND s.error IS NULL
  WHERE p.status IN ('ok','damaged')
    AND NOT EXISTS (SELECT 1 FROM photo_stage a WHERE a.photo_id = p.id AND a.stage = 'ai')
    AND NOT EXISTS (SELECT 1 FROM videos lv WHERE lv.photo_id = p.id AND lv.live_still_id IS NOT NULL)
    AND ${NOT_PAIRED_RAW}
    AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.kind = '${CAPTION_JOB}' AND j.photo_id = p.id
                    AND j.state IN ('queued','running','cancelled'))`;

/** Queues a caption job for every photo that needs one; returns how many were queued. */
export function enqueueMissing(db: Db): number {
  return db.transaction(() => {
    const now = nowIso();
    // Finished jobs of a photo that needs a new one are history: one job row per photo.
    cachedStatement(db, `DELETE FROM jobs WHERE kind = '${CAPTION_JOB}' AND state IN ('done','failed','cancelled')
      AND photo_id IN (SELECT p.id ${NEEDS_JOB})`).run();
    return cachedStatement(db, `INSERT INTO jobs (kind, photo_id, state, attempts, model, error, updated_at)
      SELECT '${CAPTION_JOB}', p.id, 'queued', 0, NULL, NULL, ? ${NEEDS_JOB}`).run(now).changes;
  })();
}

/** After a crash or kill: jobs left running go back to the queue (the interruption is not the photo's fault). */
export function recoverInterrupted(db: Db): number {
  return cachedStatement(db, `UPDATE jobs SET state = 'queued', attempts = max(attempts - 1, 0), updated_at = ?
    WHERE kind = '${CAPTION_JOB}' AND state = 'running'`).run(nowIso()).changes;
}

/** Takes the oldest queued job and marks it running (one statement, so two workers never share one). */
export function claimNext(db: Db): Job | null {
  return (cachedStatement(db, `UPDATE jobs SET state = 'running', attempts = attempts + 1, updated_at = ?
    WHERE id = (SELECT id FROM jobs WHERE kind = '${CAPTION_JOB}' AND state = 'queued' ORDER BY id LIMIT 1)
    RETURNING id, photo_id, attempts, model`).get(nowIso()) as Job | undefined) ?? null;
}

/**
 * The photos (not videos: their keyframes are made on claim) of the next `n` queued jobs, in the
 * order claimNext takes them. Read only: the worker has their images made ahead.
 */
export function queuedPhotos(db: Db, n: number): { photoId: number; path: string }[] {
  const rows = cachedStatement(db, `SELECT j.photo_id, r.path AS root, p.rel_path AS rel FROM jobs j
    JOIN photos p ON p.id = j.photo_id JOIN roots r ON r.id = p.root_id
    WHERE j.kind = '${CAPTION_JOB}' AND j.state = 'queued' AND p.status IN ('ok','damaged')
      AND NOT EXISTS (SELECT 1 FROM videos v WHERE v.photo_id = p.id)
    ORDER BY j.id LIMIT ?`).all(n) as { photo_id: number; root: string; rel: string }[];
  return rows.map((r) => ({ photoId: r.photo_id, path: absolutePath(r.root, r.rel) }));
}

/**
 * Stores the caption and tags and marks the job done in ONE transaction: a kill leaves either both or
 * neither. Only a job still running is completed (false otherwise): a job finishes exactly once.
 */
export function completeJob(db: Db, job: Job, result: AiResult): boolean {
  return db.transaction(() => {
    const now = nowIso();
    const claimed = cachedStatement(db, "UPDATE jobs SET state = 'done', error = NULL, model = ?, updated_at = ? WHERE id = ? AND state = 'running'").run(result.model, now, job.id);
    if (claimed.changes === 0) return false;
    saveAiResult(db, job.photo_id, result);
    cachedStatement(db, `INSERT INTO photo_stage (photo_id, stage, done_at, attempts, error) VALUES (?, 'ai', ?, ?, NULL)
      ON CONFLICT(photo_id, stage) DO UPDATE SET done_at = excluded.done_at, attempts = excluded.attempts, error = NULL`)
      .run(job.photo_id, now, job.attempts);
    return true;
  })();
}

/** A failed try: back to the queue while tries remain (and the error may pass), else failed with the message. */
export function retryOrFail(db: Db, job: Job, message: string, retryable: boolean): 'queued' | 'failed' {
  const state = retryable && job.attempts < MAX_ATTEMPTS ? 'queued' : 'failed';
  db.transaction(() => {
    const now = nowIso();
    cachedStatement(db, 'UPDATE jobs SET state = ?, error = ?, updated_at = ? WHERE id = ?').run(state, message, now, job.id);
    if (state === 'failed') {
      cachedStatement(db, `INSERT INTO photo_stage (photo_id, stage, done_at, attempts, error) VALUES (?, 'ai', NULL, ?, ?)
        ON CONFLICT(photo_id, stage) DO UPDATE SET done_at = NULL, attempts = excluded.attempts, error = excluded.error`)
        .run(job.photo_id, job.attempts, message);
    }
  })();
  return state;
}

/** Puts a running job back without counting the try (pause, cancel, engine unavailable). */
export function releaseJob(db: Db, job: Job, state: 'queued' | 'cancelled' = 'queued'): void {
  cachedStatement(db, "UPDATE jobs SET state = ?, attempts = max(attempts - 1, 0), updated_at = ? WHERE id = ? AND state = 'running'")
    .run(state, nowIso(), job.id);
}

/** The photo went offline (or away) while queued: forget the job; enqueueMissing queues it again once the photo is back. */
export function dropJob(db: Db, job: Job): void {
  cachedStatement(db, 'DELETE FROM jobs WHERE id = ?').run(job.id);
}

export function cancelQueued(db: Db): number {
  return cachedStatement(db, `UPDATE jobs SET state = 'cancelled', updated_at = ? WHERE kind = '${CAPTION_JOB}' AND state = 'queued'`).run(nowIso()).changes;
}

/** `ai start` after a cancel: the cancelled jobs are queued again. */
export function resumeCancelled(db: Db): number {
  return cachedStatement(db, `UPDATE jobs SET state = 'queued', updated_at = ? WHERE kind = '${CAPTION_JOB}' AND state = 'cancelled'`).run(nowIso()).changes;
}

/**
 * Re-captions the given photos (or every online photo with a thumbnail): their finished jobs are
 * replaced by queued ones carrying the model to use; an open job just takes the new model.
 */
export function queueRerun(db: Db, photoIds: readonly number[] | null, model: string | null): number {
  return db.transaction(() => {
    const now = nowIso();
    const selected = photoIds
      ? `SELECT p.id FROM photos p JOIN json_each(?) e ON e.value = p.id`
      : 'SELECT p.id FROM photos p';
    const target = `${selected} JOIN photo_stage s ON s.photo_id = p.id AND s.stage = 'thumbnail' AND s.done_at IS NOT NULL AND s.error IS NULL WHERE p.status IN ('ok','damaged')`;
    const args = photoIds ? [JSON.stringify(photoIds)] : [];
    db.prepare(`UPDATE jobs SET model = ?, updated_at = ? WHERE kind = '${CAPTION_JOB}' AND state IN ('queued','running') AND photo_id IN (${target})`)
      .run(model, now, ...args);
    db.prepare(`DELETE FROM jobs WHERE kind = '${CAPTION_JOB}' AND state IN ('done','failed','cancelled') AND photo_id IN (${target})`).run(...args);
    db.prepare(`INSERT INTO jobs (kind, photo_id, state, attempts, model, error, updated_at)
      SELECT '${CAPTION_JOB}', t.id, 'queued', 0, ?, NULL, ? FROM (${target}) t
      WHERE NOT EXISTS (SELECT 1 FROM jobs j WHERE j.kind = '${CAPTION_JOB}' AND j.photo_id = t.id AND j.state IN ('queued','running'))`)
      .run(model, now, ...args);
    return (db.prepare(`SELECT count(*) AS n FROM jobs WHERE kind = '${CAPTION_JOB}' AND state IN ('queued','running') AND photo_id IN (${target})`)
      .get(...args) as { n: number }).n;
  })();
}

export function jobCounts(db: Db): JobCounts {
  // Kept by triggers (main/db/counters.ts): no count over every job of a big library.
  const c = countersWithPrefix(db, `jobs:${CAPTION_JOB}:`);
  return { done: c.done ?? 0, queued: c.queued ?? 0, running: c.running ?? 0, failed: c.failed ?? 0, cancelled: c.cancelled ?? 0 };
}

/** Absolute path of the photo a job captions, or null when it is gone or offline. */
export function jobPhotoPath(db: Db, photoId: number): string | null {
  const row = cachedStatement(db, `SELECT r.path AS root, p.rel_path AS rel FROM photos p JOIN roots r ON r.id = p.root_id
    WHERE p.id = ? AND p.status IN ('ok','damaged')`).get(photoId) as { root: string; rel: string } | undefined;
  return row ? absolutePath(row.root, row.rel) : null;
}
