// The library CLI as a user runs it: index, search, status, roots, watch — JSON on stdout only,
// readable errors for bad input.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { hashTree, makePhotos } from '../support/photos';
import { removeDir, tempDir } from './helpers';

const CLI = ['--import', 'tsx', 'main/cli/index.ts'];
let tmp: string;
let photos: string;
let more: string;
let dataDir: string;
let originals: Map<string, string>;

function cli(...args: string[]) {
  const res = spawnSync(process.execPath, [...CLI, ...args, '--data-dir', dataDir], { cwd: process.cwd(), encoding: 'utf8', timeout: 60_000 });
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}

/** Several read-only invocations at once (start-up dominates, so they overlap well). */
function cliAsync(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...CLI, ...args, '--data-dir', dataDir], { cwd: process.cwd() });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

beforeAll(async () => {
  tmp = tempDir('cli');
  photos = path.join(tmp, 'Holiday 2023');
  more = path.join(tmp, 'More');
  dataDir = path.join(tmp, 'data');
  await makePhotos(photos, [
    { rel: 'IMG_0001.jpg', seed: 1, exif: { make: 'Canon', model: 'Canon EOS R6', date: '2023:08:14 18:30:00', offset: '+02:00', lat: 45.43, lon: 12.33 } },
    { rel: 'venice/IMG_0002.jpg', seed: 2, exif: { make: 'Apple', model: 'iPhone 14', date: '2023:08:15 09:00:00' } },
    { rel: 'IMG_0003.png', format: 'png', seed: 3 },
  ]);
  await makePhotos(more, [{ rel: 'x.webp', format: 'webp', seed: 9 }]);
  originals = await hashTree(tmp);
});

afterAll(() => removeDir(tmp));

// Each invocation starts a Node process (~1 s idle, much more on a busy machine).
describe('library CLI', { timeout: 180_000 }, () => {
  it('index adds the folder, scans and prints a JSON summary', () => {
    const r = cli('index', photos, '--json', '--no-ai');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ added: 3, errors: 0, thumbnails: 3, issues: [] });
    const again = cli('index', photos, '--no-ai');
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^Indexed: 0 new, 0 changed, 3 unchanged, 0 errors, 0 thumbnails made in \d+\.\ds\n/);
  });

  it('search --json prints hits with the agreed fields; filters narrow them', async () => {
    const db = new Database(path.join(dataDir, 'library.sqlite'));
    const id = (db.prepare(`SELECT id FROM photos WHERE rel_path = 'venice/IMG_0002.jpg'`).get() as { id: number }).id;
    db.prepare(`INSERT INTO captions (photo_id, text, source, created_at) VALUES (?, 'Gondolas on the Grand Canal', 'ai', datetime())`).run(id);
    expect(db.prepare(`UPDATE photo_text SET caption = 'Gondolas on the Grand Canal' WHERE photo_id = ?`).run(id).changes).toBe(1);
    db.close();
    const [r, camera, date, folder] = await Promise.all([
      cliAsync('search', 'gondola', '--json'),
      cliAsync('search', 'img', '--camera', 'canon', '--json'),
      cliAsync('search', '--from', '2023-08-15', '--to', '2023-08-15', '--json'),
      cliAsync('search', 'holiday', '--folder', 'venice', '--limit', '5', '--json'),
    ]);
    expect(r.code, r.stderr).toBe(0);
    const hits = JSON.parse(r.stdout);
    expect(hits).toHaveLength(1);
    expect(Object.keys(hits[0]).sort()).toEqual(['camera', 'caption', 'durationMs', 'error', 'favourite', 'hasThumb', 'id', 'mediaType', 'path', 'rating', 'score', 'status', 'tags', 'takenAt']);
    expect(hits[0]).toMatchObject({ id, path: path.join(photos, 'venice', 'IMG_0002.jpg'), camera: 'Apple iPhone 14', caption: 'Gondolas on the Grand Canal', tags: [], takenAt: '2023-08-15T09:00:00' });
    expect(JSON.parse(camera.stdout).map((h: { path: string }) => path.basename(h.path))).toEqual(['IMG_0001.jpg']);
    expect(JSON.parse(date.stdout).map((h: { id: number }) => h.id)).toEqual([id]);
    expect(JSON.parse(folder.stdout).map((h: { id: number }) => h.id)).toEqual([id]);
  });

  it('status --json prints the agreed counts', () => {
    const r = cli('status', '--json');
    expect(r.code, r.stderr).toBe(0);
    // The AI counts are the durable queue's (whatever the AI stage of `index` queued).
    const db = new Database(path.join(dataDir, 'library.sqlite'), { readonly: true });
    const jobs = (state: string) => (db.prepare('SELECT count(*) AS n FROM jobs WHERE state = ?').get(state) as { n: number }).n;
    const ai = { done: jobs('done'), queued: jobs('queued'), running: jobs('running'), failed: jobs('failed') };
    db.close();
    expect(JSON.parse(r.stdout)).toEqual({ photos: 3, videos: 0, livePhotos: 0, offline: 0, errors: 0, thumbnails: 3, ai });
  });

  it('roots list | add | remove', () => {
    const added = cli('roots', 'add', more, '--json');
    expect(added.code, added.stderr).toBe(0);
    // Adding a folder indexes it: its one photo is in the library when the command returns.
    expect(JSON.parse(added.stdout)).toMatchObject({ path: more, enabled: true, photoCount: 1 });
    const list = JSON.parse(cli('roots', 'list', '--json').stdout);
    expect(list.map((r: { path: string }) => r.path)).toEqual([photos, more]);
    const removed = cli('roots', 'remove', more, '--json');
    expect(JSON.parse(removed.stdout)).toEqual({ removed: true });
    expect(cli('roots', 'list').stdout).toBe(`#1    ${photos}  (3 photos)\n`);
  });

  it('rejects bad input with a readable message and a non-zero exit', async () => {
    const [badDate, badLimit, unknown, noDir, badSub, missing] = await Promise.all([
      cliAsync('search', 'x', '--from', '2023-13'),
      cliAsync('search', 'x', '--limit', 'lots'),
      cliAsync('search', 'x', '--colour', 'red'),
      cliAsync('index'),
      cliAsync('roots', 'frob'),
      cliAsync('search', 'x', '--folder', ''),
    ]);
    expect(badDate.code, 'invalid input: the command was used wrongly').toBe(2);
    expect(badDate.stderr).toBe('Error: Invalid input for photos.search: filters.from: expected a date as YYYY-MM-DD\n');
    expect(badLimit.stderr).toMatch(/^Error: Invalid input for photos.search: limit: .*expected number/);
    expect(badLimit.stdout).toBe('');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown option '--colour'/);
    expect([noDir.code, badSub.code]).toEqual([2, 2]);
    expect(missing.stderr).toMatch(/^Error: Invalid input for photos.search: filters.folder: Too small/);
    const notThere = cli('index', path.join(tmp, 'does-not-exist'), '--no-ai');
    expect(notThere.code).toBe(1);
    expect(notThere.stderr).toMatch(/Cannot add .*does-not-exist: not found/);
  });

  it('watch indexes new files until interrupted', async () => {
    const child = spawn(process.execPath, [...CLI, 'watch', '--json', '--data-dir', dataDir], { cwd: process.cwd() });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    const watching = new Promise<void>((resolve) => child.stderr.on('data', (d) => { stderr += d; if (stderr.includes('Watching')) resolve(); }));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await watching;
    await makePhotos(tmp, [{ rel: 'incoming.jpg', seed: 50 }]);
    await fs.rename(path.join(tmp, 'incoming.jpg'), path.join(photos, 'incoming.jpg'));
    const deadline = Date.now() + 15_000;
    while (!stdout.includes('"event": "batch"') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    const batch = JSON.parse(stdout.slice(stdout.indexOf('{', stdout.indexOf('"event": "batch"') - 10)));
    expect(batch.files).toEqual([{ path: path.join(photos, 'incoming.jpg'), id: expect.any(Number), status: 'ok' }]);
    expect(JSON.parse(cli('status', '--json').stdout).photos).toBe(4);
  });

  it('never wrote to an original', async () => {
    const now = await hashTree(tmp);
    for (const [rel, sha] of originals) if (!rel.startsWith('data')) expect(now.get(rel), rel).toBe(sha);
  });
});
