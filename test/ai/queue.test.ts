// The durable queue's SQL on a hand-inserted library: which photos get jobs, recovery after a kill,
// the retry cap, cancel/resume, re-runs, and photos that go offline while queued.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../main/service/context';
import { nowIso } from '../../main/db/connection';
import {
  cancelQueued, claimNext, completeJob, enqueueMissing, jobCounts, MAX_ATTEMPTS, queueRerun, recoverInterrupted,
  resumeCancelled, retryOrFail,
} from '../../main/ai/queue';
import { aiWorker } from '../../main/ai/worker';
import { insertPhoto, insertRoot, tempContext } from '../albums/fixture';

let ctx: AppContext;
let root: number;
beforeAll(() => {
  ({ ctx } = tempContext('smolalbum-queue-'));
  root = insertRoot(ctx.db, '/lib');
});
afterAll(() => ctx.close());

const jobsOf = (id: number) => ctx.db.prepare('SELECT state, attempts, error, model FROM jobs WHERE photo_id = ? ORDER BY id').all(id) as
  { state: string; attempts: number; error: string | null; model: string | null }[];
/** What completeJob writes for a photo: its AI caption, AI tags and the done 'ai' stage. */
const aiWritten = (id: number) => ctx.db.prepare(`SELECT
    (SELECT count(*) FROM captions WHERE photo_id = $id AND source = 'ai') AS captions,
    (SELECT count(*) FROM photo_tags WHERE photo_id = $id AND source = 'ai') AS tags,
    (SELECT count(*) FROM photo_stage WHERE photo_id = $id AND stage = 'ai' AND done_at IS NOT NULL) AS stageDone`).get({ id });
const reset = () => ctx.db.exec('DELETE FROM photos; DELETE FROM jobs;');

describe('enqueueMissing', () => {
  it('queues online photos with a thumbnail, once', () => {
    reset();
    const ok = insertPhoto(ctx.db, root, { relPath: 'a.jpg' });
    const noThumb = insertPhoto(ctx.db, root, { relPath: 'b.jpg', thumb: false });
    const offline = insertPhoto(ctx.db, root, { relPath: 'c.jpg', status: 'offline' });
    expect(enqueueMissing(ctx.db)).toBe(1);
    expect(enqueueMissing(ctx.db)).toBe(0);
    expect(jobsOf(ok)).toEqual([{ state: 'queued', attempts: 0, error: null, model: null }]);
    expect(jobsOf(noThumb)).toEqual([]);
    expect(jobsOf(offline)).toEqual([]);
  });

  it('a captioned photo is queued again only when the indexer clears its AI record (new content)', () => {
    reset();
    const id = insertPhoto(ctx.db, root, { relPath: 'a.jpg' });
    enqueueMissing(ctx.db);
    const job = claimNext(ctx.db)!;
    completeJob(ctx.db, job, { caption: 'x', tags: ['y'], model: 'm', prompt: null });
    expect(enqueueMissing(ctx.db)).toBe(0);
    ctx.db.prepare("DELETE FROM photo_stage WHERE photo_id = ? AND stage = 'ai'").run(id);
    expect(enqueueMissing(ctx.db)).toBe(1);
    expect(jobsOf(id).map((j) => j.state)).toEqual(['queued']); // the finished job is history
  });
});

describe('claim, recover, retry', () => {
  it('a job left running by a killed process is queued again without counting the try', () => {
    reset();
    const id = insertPhoto(ctx.db, root, { relPath: 'a.jpg' });
    enqueueMissing(ctx.db);
    expect(claimNext(ctx.db)).toMatchObject({ photo_id: id, attempts: 1 });
    expect(claimNext(ctx.db)).toBeNull();
    expect(recoverInterrupted(ctx.db)).toBe(1);
    expect(jobsOf(id)).toEqual([{ state: 'queued', attempts: 0, error: null, model: null }]);
  });

  it('completeJob stores caption, tags and the done state together or not at all', () => {
    // A write that fails stands for a kill between two statements: whichever of the three fails,
    // none of the others may stay (a kill lands there only by chance; this failure is certain).
    const failing = [
      'BEFORE INSERT ON captions',
      "BEFORE UPDATE ON jobs WHEN NEW.state = 'done'",
      "BEFORE INSERT ON photo_stage WHEN NEW.stage = 'ai'",
      "BEFORE UPDATE ON photo_stage WHEN NEW.stage = 'ai'",
    ];
    const result = { caption: 'a red house', tags: ['house', 'red'], model: 'm', prompt: 'p' };
    for (const when of failing) {
      reset();
      const id = insertPhoto(ctx.db, root, { relPath: 'a.jpg' });
      enqueueMissing(ctx.db);
      const job = claimNext(ctx.db)!;
      // An earlier, failed 'ai' stage row, so the photo_stage write is an UPDATE for the last trigger.
      if (when.includes('UPDATE ON photo_stage')) {
        ctx.db.prepare("INSERT INTO photo_stage (photo_id, stage, done_at, attempts, error) VALUES (?, 'ai', NULL, 1, 'x')").run(id);
      }
      ctx.db.exec(`CREATE TRIGGER fail_write ${when} BEGIN SELECT RAISE(ABORT, 'simulated crash'); END`);
      try {
        expect(() => completeJob(ctx.db, job, result), when).toThrow(/simulated crash/);
      } finally {
        ctx.db.exec('DROP TRIGGER fail_write');
      }
      expect(aiWritten(id), when).toEqual({ captions: 0, tags: 0, stageDone: 0 });
      expect(jobsOf(id).map((j) => j.state), when).toEqual(['running']);
      // With nothing failing, all of it is written.
      completeJob(ctx.db, job, result);
      expect(aiWritten(id)).toEqual({ captions: 1, tags: 2, stageDone: 1 });
      expect(jobsOf(id).map((j) => j.state)).toEqual(['done']);
    }
  });

  it('retries up to the cap, then fails with the message recorded on the job and the photo', () => {
    reset();
    const id = insertPhoto(ctx.db, root, { relPath: 'a.jpg' });
    enqueueMissing(ctx.db);
    for (let i = 1; i < MAX_ATTEMPTS; i++) expect(retryOrFail(ctx.db, claimNext(ctx.db)!, `boom ${i}`, true)).toBe('queued');
    expect(retryOrFail(ctx.db, claimNext(ctx.db)!, 'boom last', true)).toBe('failed');
    expect(jobsOf(id)).toEqual([{ state: 'failed', attempts: MAX_ATTEMPTS, error: 'boom last', model: null }]);
    expect(ctx.db.prepare("SELECT error FROM photo_stage WHERE photo_id = ? AND stage = 'ai'").get(id)).toEqual({ error: 'boom last' });
    expect(enqueueMissing(ctx.db)).toBe(0); // failed stays failed until a re-run
    expect(queueRerun(ctx.db, [id], 'm2')).toBe(1);
    expect(jobsOf(id)).toEqual([{ state: 'queued', attempts: 0, error: null, model: 'm2' }]);
  });

  it('permanent errors fail at once', () => {
    reset();
    insertPhoto(ctx.db, root, { relPath: 'a.jpg' });
    enqueueMissing(ctx.db);
    expect(retryOrFail(ctx.db, claimNext(ctx.db)!, 'not an image', false)).toBe('failed');
  });
});

describe('cancel, resume, rerun', () => {
  it('cancelled jobs are not re-queued by enqueueMissing, and come back on resume', () => {
    reset();
    const a = insertPhoto(ctx.db, root, { relPath: 'a.jpg' });
    insertPhoto(ctx.db, root, { relPath: 'b.jpg' });
    enqueueMissing(ctx.db);
    expect(cancelQueued(ctx.db)).toBe(2);
    expect(enqueueMissing(ctx.db)).toBe(0);
    expect(jobCounts(ctx.db)).toMatchObject({ queued: 0, cancelled: 2 });
    expect(resumeCancelled(ctx.db)).toBe(2);
    expect(jobsOf(a).map((j) => j.state)).toEqual(['queued']);
  });

  it('rerun of everything keeps one job per photo and updates the model of open jobs', () => {
    reset();
    const a = insertPhoto(ctx.db, root, { relPath: 'a.jpg' });
    const b = insertPhoto(ctx.db, root, { relPath: 'b.jpg' });
    insertPhoto(ctx.db, root, { relPath: 'c.jpg', status: 'offline' });
    enqueueMissing(ctx.db);
    completeJob(ctx.db, claimNext(ctx.db)!, { caption: 'x', tags: [], model: 'm1', prompt: null });
    expect(queueRerun(ctx.db, null, 'm2')).toBe(2);
    expect(jobsOf(a)).toEqual([{ state: 'queued', attempts: 0, error: null, model: 'm2' }]);
    expect(jobsOf(b)).toEqual([{ state: 'queued', attempts: 0, error: null, model: 'm2' }]);
  });
});

describe('photos that go offline while queued', () => {
  it('lose their job without a failure and are queued again when back', async () => {
    reset();
    const id = insertPhoto(ctx.db, root, { relPath: 'a.jpg' });
    enqueueMissing(ctx.db);
    ctx.db.prepare("UPDATE photos SET status = 'offline' WHERE id = ?").run(id);
    // The worker never reaches the engine for an offline photo (this context has none).
    const run = await aiWorker(ctx).run({});
    expect(run).toMatchObject({ captioned: 0, failed: 0, stoppedBy: 'drained' });
    expect(jobsOf(id)).toEqual([]);
    ctx.db.prepare("UPDATE photos SET status = 'ok', updated_at = ? WHERE id = ?").run(nowIso(), id);
    expect(enqueueMissing(ctx.db)).toBe(1);
  });

  it('without an engine the run stops with the reason and the job stays queued', async () => {
    const run = await aiWorker(ctx).run({});
    expect(run).toMatchObject({ stoppedBy: 'engine', error: expect.stringMatching(/No inference engine/) });
    expect(jobCounts(ctx.db)).toMatchObject({ queued: 1, running: 0, failed: 0 });
  });
});
