// library.status reads counters kept by triggers instead of counting rows. After every kind of real
// write — a scan, a thumbnail redone, AI jobs queued/claimed/finished/failed, files going offline, a
// damaged file, a folder removed (cascades) — the stored counters must equal a recount.
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimNext, completeJob, enqueueMissing, retryOrFail } from '../../main/ai/queue';
import { recountCounters, storedCounters } from '../../main/db/counters';
import { libraryCounts } from '../../main/library/repo';
import { makePhotos } from '../support/photos';
import { openLibrary, removeDir, tempDir, type TestLibrary } from '../library/helpers';

let tmp: string;
let lib: TestLibrary;
let photosDir: string;

beforeAll(async () => {
  tmp = tempDir('counters');
  photosDir = path.join(tmp, 'photos');
  await makePhotos(photosDir, Array.from({ length: 8 }, (_, i) => ({ rel: `${i < 4 ? 'a' : 'b'}/p${i}.jpg`, seed: i + 1 })));
  writeFileSync(path.join(photosDir, 'a', 'broken.jpg'), 'not a photo');
  lib = openLibrary(tmp);
});
afterAll(async () => {
  await lib?.close();
  removeDir(tmp);
});

const expectConsistent = () => {
  expect(storedCounters(lib.ctx.db)).toEqual(recountCounters(lib.ctx.db));
};

describe('status counters kept by the writes', () => {
  it('follow a scan, with a damaged file', async () => {
    const root = await lib.service['roots.add']({ path: photosDir, scan: false });
    await lib.service['library.rescan']({ rootId: root.id });
    expectConsistent();
    const c = libraryCounts(lib.ctx.db);
    expect(c.photos).toBe(9);
    expect(c.errors).toBe(1);
    expect(c.thumbnails).toBe(8);
  });

  it('follow the AI queue: queued, running, done, failed', () => {
    const db = lib.ctx.db;
    expect(enqueueMissing(db)).toBeGreaterThan(0);
    expectConsistent();
    const first = claimNext(db)!;
    expectConsistent();
    expect(libraryCounts(db).ai.running).toBe(1);
    completeJob(db, first, { caption: 'a test photo', tags: ['test'], model: 'm', prompt: 'p' });
    const second = claimNext(db)!;
    retryOrFail(db, second, 'broken', false);
    expectConsistent();
    const ai = libraryCounts(db).ai;
    expect(ai.done).toBe(1);
    expect(ai.failed).toBe(1);
  });

  it('follow files going offline and a folder being removed (cascades)', async () => {
    rmSync(path.join(photosDir, 'b'), { recursive: true });
    await lib.service['library.rescan']({});
    expectConsistent();
    expect(libraryCounts(lib.ctx.db).offline).toBe(4);
    const [root] = await lib.service['roots.list']({});
    await lib.service['roots.remove']({ id: root!.id });
    expectConsistent();
    expect(libraryCounts(lib.ctx.db)).toMatchObject({ photos: 0, thumbnails: 0, ai: { done: 0, queued: 0, running: 0, failed: 0 } });
  });
});
