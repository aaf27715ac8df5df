// Crash safety: the indexing CLI is killed with SIGKILL at random moments (while files are added,
// changed, moved, deleted and restored between runs). After every kill the database is intact, no
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

function runIndex(killAfterMs: number | null): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...CLI, 'index', photos, '--data-dir', dataDir, '--json', '--no-ai'], { cwd: process.cwd() });
    let stdout = '';
    let stderr = '';
    let timer: NodeJS.Timeout | null = null;
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => {
      stderr += d;
      // Count from the moment the scan starts, not from process start-up.
      if (killAfterMs !== null && !timer && stderr.includes('Indexing')) timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => { if (timer) clearTimeout(timer); resolve({ code, signal, stdout, stderr }); });
  });
}

interface Row { id: number; rel_path: string; status: string; content_hash: string | null; done: number }

function inspect(): Row[] {
  const db = new Database(path.join(dataDir, 'library.sqlite'));
  try {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(db.pragma('foreign_key_check')).toEqual([]);
    return db.prepare(`SELECT p.id, p.rel_path, p.status, p.content_hash,
        (SELECT count(*) FROM photo_stage s WHERE s.photo_id = p.id AND s.done_at IS NOT NULL) AS done
      FROM photos p ORDER BY p.rel_path`).all() as Row[];
  } finally {
    db.close();
  }
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
    for (let run = 0; run < RUNS; run++) {
      // Change the folder between runs so crashes also land in changed, moved, offline and restored paths.
      const rowsBefore = run ? inspect() : [];
      const idOf = (rel: string) => rowsBefore.find((r) => r.rel_path === rel && r.content_hash)?.id;
      if (run === 3) {
        await fs.mkdir(path.join(photos, 'sorted'), { recursive: true });
        for (const n of ['03', '07', '11']) {
          const id = idOf(`photo-${n}.jpg`);
          await fs.rename(path.join(photos, `photo-${n}.jpg`), path.join(photos, 'sorted', `moved-${n}.jpg`));
          if (id) movedIds.set(`sorted/moved-${n}.jpg`, id);
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

      const delay = Math.round(50 + random() * 750);
      const res = await runIndex(delay);
      log.push(`run ${run}: kill after ${delay} ms → ${res.signal ?? `exit ${res.code}`}`);
      if (res.signal !== 'SIGKILL') expect(res.code, res.stderr).toBe(0);

      const rows = inspect();
      const rels = rows.map((r) => r.rel_path);
      expect(new Set(rels).size, 'no duplicate paths').toBe(rels.length);
      const hashes = rows.filter((r) => r.content_hash && r.status === 'ok').map((r) => r.content_hash);
      expect(new Set(hashes).size, 'no photo twice').toBe(hashes.length);
      const present = new Set(await presentFiles());
      expect(rows.filter((r) => r.status === 'ok' && !present.has(r.rel_path)), 'no ok row without its file').toEqual([]);
    }

    const final = await runIndex(null);
    expect(final.code, final.stderr).toBe(0);
    const rows = inspect();
    const files = await presentFiles();
    expect(rows.filter((r) => r.status === 'ok').map((r) => r.rel_path)).toEqual(files);
    expect(rows.filter((r) => r.status !== 'ok'), `every photo is back online\n${log.join('\n')}`).toEqual([]);
    expect(rows.every((r) => r.done === 2), 'metadata and thumbnail done for all').toBe(true);
    expect(rows).toHaveLength(PHOTOS);
    for (const [rel, id] of movedIds) expect(rows.find((r) => r.rel_path === rel)?.id, `${rel} kept its id`).toBe(id);
    // The thumbnail cache holds only complete files.
    for (const r of rows) {
      const grid = path.join(dataDir, 'thumbs', r.content_hash!.slice(0, 2), `${r.content_hash}-256.webp`);
      expect((await fs.stat(grid)).size).toBeGreaterThan(0);
    }
    console.log(log.join('\n'));
  }, 240_000);
});
