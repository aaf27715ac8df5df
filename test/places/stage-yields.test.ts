// The places stage shares the event loop with everything else (web mode serves HTTP from it, the
// desktop app its IPC): geocoding thousands of photos commits and yields in small slices, so other
// work runs in between — at a million photos one photo's full-text refresh costs ≈ 0.5 ms.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { nowIso } from '../../main/db/connection';
import { insertRoot } from '../../main/db/roots';
import { refreshPhotoText } from '../../main/db/photo-text';
import { runPlacesStage } from '../../main/places/stage';
import { openLibrary, removeDir, tempDir, type TestLibrary } from '../library/helpers';

let tmp: string;
let lib: TestLibrary;
const N = 3_000;

beforeAll(() => {
  tmp = tempDir('places-yields');
  lib = openLibrary(tmp);
  const db = lib.ctx.db;
  const root = insertRoot(db, `${tmp}/photos`).id;
  const now = nowIso();
  const insert = db.prepare(`INSERT INTO photos (root_id, rel_path, file_name, folder, size, mtime_ms, sort_date, lat, lon, status, created_at, updated_at)
    VALUES (?, ?, ?, 'photos', 1, 0, '2024-05-01T12:00:00', ?, ?, 'ok', ?, ?) RETURNING id`);
  db.transaction(() => {
    const ids: number[] = [];
    // Around Paris, Kyoto and New York.
    const spots = [[48.85, 2.35], [35.01, 135.77], [40.71, -74.0]] as const;
    for (let i = 0; i < N; i++) {
      const [lat, lon] = spots[i % 3]!;
      ids.push((insert.get(root, `p${i}.jpg`, `p${i}.jpg`, lat + (i % 10) / 1000, lon, now, now) as { id: number }).id);
    }
    refreshPhotoText(db, ids);
  })();
});
afterAll(async () => { await lib?.close(); removeDir(tmp); });

it('geocodes in slices and lets other work run between them', async () => {
  let turns = 0;
  let running = true;
  const other = () => { turns++; if (running) setImmediate(other); };
  setImmediate(other);
  const summary = await runPlacesStage(lib.ctx);
  running = false;
  expect(summary.geocoded).toBe(N);
  // At most 100 photos a transaction: the event loop came round at least N / 100 times.
  expect(turns).toBeGreaterThanOrEqual(N / 100);
  const kyoto = lib.ctx.db.prepare(`SELECT count(*) AS n FROM photo_places WHERE country_code = 'JP'`).get() as { n: number };
  expect(kyoto.n).toBe(N / 3);
});

it('drops the GPS place of a photo whose GPS is gone, in whichever id range it lies', async () => {
  const db = lib.ctx.db;
  const first = (db.prepare(`SELECT id FROM photos WHERE file_name = 'p0.jpg'`).get() as { id: number }).id;
  // A photo past the first id range the stage works through.
  const far = 25_000;
  const now = nowIso();
  db.prepare(`INSERT INTO photos (id, root_id, rel_path, file_name, folder, size, mtime_ms, sort_date, lat, lon, status, created_at, updated_at)
    SELECT ?, root_id, 'far.jpg', 'far.jpg', 'photos', 1, 0, '2024-05-01T12:00:00', 48.85, 2.35, 'ok', ?, ? FROM photos WHERE id = ?`).run(far, now, now, first);
  refreshPhotoText(db, [far]);
  expect((await runPlacesStage(lib.ctx)).geocoded).toBe(1);
  db.prepare('UPDATE photos SET lat = NULL, lon = NULL WHERE id IN (?, ?)').run(first, far);
  const summary = await runPlacesStage(lib.ctx);
  expect(summary.cleared).toBe(2);
  expect(db.prepare('SELECT count(*) AS n FROM photo_places WHERE photo_id IN (?, ?)').get(first, far)).toEqual({ n: 0 });
});
