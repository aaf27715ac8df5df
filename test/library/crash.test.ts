// Crash safety: the indexing CLI is killed with SIGKILL at random points inside its work (while files
// are added, changed, moved, deleted and restored between runs) until 10 kills have landed while work
// was still pending (checked against the files on disk after each kill). After every kill the database is intact, no
// photo is duplicated or lost, and the next run finishes the job.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { hashTree, makePhotos, pictureOf } from '../support/photos';
import { removeDir, tempDir } from './helpers';

const CLI = ['--import', 'tsx', 'main/cli/index.ts'];
const PHOTOS = 40;
const RUNS = 10;

let tmp: string;
let photos: string;
let aside: string;
let dataDir: string;

/** Deterministic "random" kill points, so a failure can be replayed. */
function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 2 ** 32; };
}

interface RunResult { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

/** Stage completions (metadata, thumbnail) written since `since` (an ISO time), read without locking the writer. */
function stagesDoneSince(since: string): number {
  const file = path.join(dataDir, 'library.sqlite');
  let db: Database.Database;
  try { db = new Database(file, { readonly: true, fileMustExist: true }); } catch { return 0; } // not created yet
  try {
    return (db.prepare('SELECT count(*) AS n FROM photo_stage WHERE done_at >= ?').get(since) as { n: number }).n;
  } catch (err) {
    if (/no such table/.test((err as Error).message)) return 0; // the schema is being created
    throw err;
  } finally {
    db.close();
  }
}

/**
 * Runs `index`; with `killAfterStages`, SIGKILLs it once that many stage completions of this run are in
 * the database — a point inside the work, whatever the machine's speed (a timer could fire after a
 * fast run had already finished).
 */
function runIndex(killAfterStages: number | null): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const since = new Date().toISOString();
    const child = spawn(process.execPath, [...CLI, 'index', photos, '--data-dir', dataDir, '--json', '--no-ai'], { cwd: process.cwd() });
    let stdout = '';
    let stderr = '';
    let poll: NodeJS.Timeout | null = null;
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => {
      stderr += d;
      // Watch from the moment the scan starts, not from process start-up.
      if (killAfterStages !== null && !poll && stderr.includes('Indexing')) {
        poll = setInterval(() => {
          if (stagesDoneSince(since) >= killAfterStages) { clearInterval(poll!); child.kill('SIGKILL'); }
        }, 2);
      }
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => { if (poll) clearInterval(poll); resolve({ code, signal, stdout, stderr }); });
  });
}

interface Row { id: number; rel_path: string; status: string; content_hash: string | null; size: number; mtime_ms: number; done: number }

function inspect(): Row[] {
  const db = new Database(path.join(dataDir, 'library.sqlite'));
  try {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(db.pragma('foreign_key_check')).toEqual([]);
    return db.prepare(`SELECT p.id, p.rel_path, p.status, p.content_hash, p.size, p.mtime_ms,
        (SELECT count(*) FROM photo_stage s WHERE s.photo_id = p.id AND s.done_at IS NOT NULL) AS done
      FROM photos p ORDER BY p.rel_path`).all() as Row[];
  } finally {
    db.close();
  }
}

/** Files the library has not caught up with: new or changed on disk, stages not done, or gone. */
async function pendingWork(rows: Row[]): Promise<string[]> {
  const pending: string[] = [];
  const present = await presentFiles();
  const byRel = new Map(rows.map((r) => [r.rel_path, r]));
  for (const rel of present) {
    const row = byRel.get(rel);
    const st = await fs.stat(path.join(photos, rel));
    if (!row || row.status !== 'ok' || row.size !== st.size || row.mtime_ms !== st.mtimeMs || row.done !== 2) pending.push(rel);
  }
  for (const r of rows) if (r.status === 'ok' && !present.includes(r.rel_path)) pending.push(`${r.rel_path} (gone)`);
  return pending;
}

async function presentFiles(): Promise<string[]> {
  return [...(await hashTree(photos)).keys()].map((p) => p.split(path.sep).join('/')).sort();
}

beforeAll(async () => {
  tmp = tempDir('crash');
  photos = path.join(tmp, 'Photos');
  aside = path.join(tmp, 'aside');
  dataDir = path.join(tmp, 'data');
  await fs.mkdir(aside);
  await makePhotos(photos, Array.from({ length: PHOTOS }, (_, i) => ({
    rel: `${i % 4 === 0 ? 'day1/' : i % 4 === 1 ? 'day2/' : ''}photo-${String(i).padStart(2, '0')}.jpg`, width: 640, height: 480, seed: 100 + i,
  })));
});

afterAll(() => removeDir(tmp));

describe('crash safety', () => {
  it(`survives ${RUNS} kill -9 at random points and then finishes`, async () => {
    const random = seeded(20261125);
    const movedIds = new Map<string, number>();
    const log: string[] = [];
    // Only a kill that leaves work pending counts; one that came too late (a fast machine) is followed
    // by a run killed at its very first completion. At most RUNS extra runs.
    let landed = 0;
    let lastCameLate = false;
    for (let run = 0; landed < RUNS; run++) {
      expect(run, `too many kills came after the work was done:\n${log.join('\n')}`).toBeLessThan(2 * RUNS);
      // Change the folder between runs so crashes also land in changed, moved, offline and restored paths.
      const rowsBefore = run ? inspect() : [];
      if (run === 3) {
        // Move three photos the library already knows by content (the kills leave some unread), so
        // "kept its id" below is checked for each of them.
        await fs.mkdir(path.join(photos, 'sorted'), { recursive: true });
        const pendingNow = new Set(await pendingWork(rowsBefore));
        const known = rowsBefore.filter((r) => r.content_hash && !pendingNow.has(r.rel_path) && /^photo-(?!10|14)\d\d\.jpg$/.test(r.rel_path)).slice(0, 3);
        expect(known).toHaveLength(3);
        for (const r of known) {
          const n = r.rel_path.slice('photo-'.length, -'.jpg'.length);
          await fs.rename(path.join(photos, r.rel_path), path.join(photos, 'sorted', `moved-${n}.jpg`));
          movedIds.set(`sorted/moved-${n}.jpg`, r.id);
        }
      }
      // Every run also rewrites a few photos, so each run has reading and thumbnailing to be killed in.
      if (run > 0) {
        for (let k = 0; k < 6; k++) {
          const n = String(((run * 6 + k) * 7) % PHOTOS).padStart(2, '0');
          const file = (await presentFiles()).find((f) => f.endsWith(`photo-${n}.jpg`));
          if (file) await pictureOf(640, 480, 1000 * run + k).jpeg().toFile(path.join(photos, file));
        }
      }
      if (run === 6) for (const n of ['10', '14']) await fs.rename(path.join(photos, `photo-${n}.jpg`), path.join(aside, `photo-${n}.jpg`));
      if (run === 8) for (const n of ['10', '14']) await fs.rename(path.join(aside, `photo-${n}.jpg`), path.join(photos, `photo-${n}.jpg`));

      // A random point in the first half of this run's work: each pending file needs up to two stage
      // completions (metadata, thumbnail), so after fewer than one per file some are still pending.
      const todo = (await pendingWork(run ? inspect() : [])).length;
      const killAt = lastCameLate ? 0 : Math.floor(random() * todo);
      const res = await runIndex(killAt);
      const rows = inspect();
      const pending = await pendingWork(rows);
      if (res.signal !== 'SIGKILL') expect(res.code, res.stderr).toBe(0);
      lastCameLate = res.signal !== 'SIGKILL' || pending.length === 0;
      if (!lastCameLate) landed++;
      log.push(`run ${run}: ${todo} files to do, kill after ${killAt} stage completions → ${res.signal ?? `exit ${res.code}`}, `
        + `${pending.length} files pending${lastCameLate ? ' (too late: not counted)' : ''}`);

      const rels = rows.map((r) => r.rel_path);
      expect(new Set(rels).size, 'no duplicate paths').toBe(rels.length);
      const hashes = rows.filter((r) => r.content_hash && r.status === 'ok').map((r) => r.content_hash);
      expect(new Set(hashes).size, 'no photo twice').toBe(hashes.length);
      // A file that vanished between runs is marked offline by discovery, which ends before the first
      // stage completion; a kill at 0 completions may land before that (the row is then still 'ok',
      // as it would be after any crash before the scan got there: the next run marks it).
      if (res.signal !== 'SIGKILL' || killAt > 0) {
        const present = new Set(await presentFiles());
        expect(rows.filter((r) => r.status === 'ok' && !present.has(r.rel_path)), 'no ok row without its file').toEqual([]);
      }
    }

    const final = await runIndex(null);
    expect(final.code, final.stderr).toBe(0);
    const rows = inspect();
    const files = await presentFiles();
    expect(await pendingWork(rows)).toEqual([]);
    expect(rows.filter((r) => r.status === 'ok').map((r) => r.rel_path)).toEqual(files);
    expect(rows.filter((r) => r.status !== 'ok'), `every photo is back online\n${log.join('\n')}`).toEqual([]);
    expect(rows.every((r) => r.done === 2), 'metadata and thumbnail done for all').toBe(true);
    expect(landed).toBe(RUNS);
    expect(rows).toHaveLength(PHOTOS);
    expect(movedIds.size).toBe(3);
    for (const [rel, id] of movedIds) expect(rows.find((r) => r.rel_path === rel)?.id, `${rel} kept its id`).toBe(id);
    // The thumbnail cache holds only complete files.
    for (const r of rows) {
      const grid = path.join(dataDir, 'thumbs', r.content_hash!.slice(0, 2), `${r.content_hash}-256.webp`);
      expect((await fs.stat(grid)).size).toBeGreaterThan(0);
    }
    console.log(log.join('\n'));
  }, 600_000);
});
