// Crash safety of the AI stage: the CLI is killed (SIGKILL) at several points while it captions —
// during `index`, then during `ai start` runs — and the next run resumes. After every kill the
// library is consistent (a done job always has its caption, no duplicates); at the end every photo
// has exactly one AI caption and nothing is lost.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { makePhotos } from '../support/photos';
import { tinyModelDir } from '../support/models';

const REPO = path.resolve(__dirname, '../..');
const PHOTOS = 12;
let dir: string;
let dataDir: string;
let photos: string;
let model: string;

function cli(args: string[]): ChildProcess {
  // Its own process group, so the kill also takes the inference process it forked.
  return spawn(process.execPath, ['--import', 'tsx', 'main/cli/index.ts', ...args, '--data-dir', dataDir],
    { cwd: REPO, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
}

const exited = (child: ChildProcess) => new Promise<number | null>((resolve) => {
  if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
  else child.once('exit', (code) => resolve(code));
});

function query<T>(sql: string): T[] {
  const db = new Database(path.join(dataDir, 'library.sqlite'), { readonly: true, fileMustExist: true });
  try { return db.prepare(sql).all() as T[]; } finally { db.close(); }
}
/** A count that fails loudly: an SQL error is never a zero. */
const count = (sql: string): number => query<{ n: number }>(sql)[0]!.n;
const aiCaptions = () => count("SELECT count(*) AS n FROM captions WHERE source = 'ai'");

/** For polling while the CLI starts: null until its library file and tables exist, then a strict count. */
function countOnceCreated(sql: string): number | null {
  if (!existsSync(path.join(dataDir, 'library.sqlite'))) return null;
  try {
    return count(sql);
  } catch (err) {
    if (/no such table/.test((err as Error).message)) return null;
    throw err;
  }
}

type CaptionRow = { photo_id: number; text: string; created_at: string };
/** AI captions seen after earlier kills: a later run must never write them again. */
const seen = new Map<number, CaptionRow>();

/** Runs the CLI until `ready()` holds, then SIGKILLs its process group at that moment. */
async function killWhen(args: string[], ready: () => boolean): Promise<void> {
  const child = cli(args);
  let stderr = '';
  child.stderr!.on('data', (d) => { stderr += String(d); });
  const done = exited(child);
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (ready()) break;
    if (child.exitCode !== null) throw new Error(`the CLI ended before the kill point: ${stderr}`);
    if (Date.now() > deadline) throw new Error(`kill point not reached: ${stderr}`);
    await new Promise((r) => setTimeout(r, 15));
  }
  process.kill(-child.pid!, 'SIGKILL');
  await done;
}

function expectConsistent(): void {
  expect(query<{ integrity_check: string }>('PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
  // Caption and job state are written in one transaction: a done job always has its caption, and a
  // caption always has its done job (the counts are compared, so no UNIQUE constraint does the work).
  const done = query<{ photo_id: number }>("SELECT photo_id FROM jobs WHERE state = 'done' ORDER BY photo_id").map((r) => r.photo_id);
  const captioned = query<{ photo_id: number }>("SELECT photo_id FROM captions WHERE source = 'ai' ORDER BY photo_id").map((r) => r.photo_id);
  expect(captioned).toEqual(done);
  // One job per photo, whatever its state.
  const jobs = query<{ photo_id: number }>('SELECT photo_id FROM jobs').map((r) => r.photo_id);
  expect(jobs.length).toBe(new Set(jobs).size);
  expect(jobs.length).toBeLessThanOrEqual(PHOTOS);
  // No photo captioned twice: a caption stored before an earlier kill is never written again.
  const now = query<CaptionRow>("SELECT photo_id, text, created_at FROM captions WHERE source = 'ai'");
  for (const row of now) {
    const earlier = seen.get(row.photo_id);
    if (earlier) expect(row, `photo ${row.photo_id} was captioned again`).toEqual(earlier);
    else seen.set(row.photo_id, row);
  }
}

beforeAll(async () => {
  model = await tinyModelDir();
  dir = mkdtempSync(path.join(os.tmpdir(), 'smolalbum-resume-'));
  dataDir = path.join(dir, 'data');
  photos = path.join(dir, 'photos');
  await makePhotos(photos, Array.from({ length: PHOTOS }, (_, i) => ({ rel: `p${String(i).padStart(2, '0')}.jpg`, seed: 100 + i })));
}, 60_000);
afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

describe('killing the AI stage', () => {
  it('resumes after kills at several points with no duplicate or lost captions', async () => {
    // 1: during `index`, once the queue exists but before the first caption is stored.
    await killWhen(['index', photos, '--model', model], () => (countOnceCreated("SELECT count(*) AS n FROM jobs WHERE state = 'running'") ?? 0) > 0
      && countOnceCreated("SELECT count(*) AS n FROM captions WHERE source = 'ai'") === 0);
    expectConsistent();
    expect(aiCaptions()).toBe(0);
    // 2 and 3: during `ai start` runs, after some captions.
    for (const target of [3, 8]) {
      await killWhen(['ai', 'start', '--model', model], () => aiCaptions() >= target);
      expectConsistent();
      // The kill landed with work left: not every photo has its caption yet.
      expect(aiCaptions()).toBeLessThan(PHOTOS);
      expect(query<{ state: string }>("SELECT state FROM jobs WHERE state = 'running'").length).toBeLessThanOrEqual(1);
    }
    const partial = aiCaptions();
    expect(partial).toBeGreaterThanOrEqual(8);
    expect(partial).toBeLessThan(PHOTOS);

    // The next run finishes the queue: the job left running is queued again, done ones are not redone.
    const before = query<{ photo_id: number; created_at: string }>("SELECT photo_id, created_at FROM captions WHERE source = 'ai'");
    const final = cli(['ai', 'start', '--model', model, '--json']);
    let out = '';
    final.stdout!.on('data', (d) => { out += String(d); });
    expect(await exited(final)).toBe(0);
    const result = JSON.parse(out) as { done: number; queued: number; running: number; failed: number; run: { captioned: number } };
    expect(result).toMatchObject({ done: PHOTOS, queued: 0, running: 0, failed: 0 });
    expect(result.run.captioned).toBe(PHOTOS - partial);
    expectConsistent();
    const after = query<{ photo_id: number; created_at: string; model: string }>("SELECT photo_id, created_at, model FROM captions WHERE source = 'ai'");
    expect(after).toHaveLength(PHOTOS);
    expect(new Set(after.map((c) => c.model))).toEqual(new Set([model]));
    for (const b of before) expect(after.find((a) => a.photo_id === b.photo_id)?.created_at).toBe(b.created_at);
    expect(count("SELECT count(*) AS n FROM photo_stage WHERE stage = 'ai' AND done_at IS NOT NULL")).toBe(PHOTOS);
    expect(count("SELECT count(*) AS n FROM jobs")).toBe(PHOTOS);
  }, 180_000);
});
