// The places stage of the indexing pipeline (after metadata): every photo with GPS gets its city,
// region and country from the offline geocoder. Redone when the photo's GPS or the gazetteer's data
// version changes; a place a person chose is never touched. Batched transactions, so a crash loses
// at most one batch and the next run resumes.
import type { AppContext } from '../service/context';
import type { Db } from '../db/connection';
import { geocoder } from './geocoder';
import { dropStaleGpsPlaces, writePlace } from './place-writes';
import { placesCacheDir } from './cache-dir';
import { StageProgress } from '../library/progress';
import { reportProgress } from '../library/state';

export interface PlacesStageSummary {
  geocoded: number;
  /** Photos whose GPS is gone, so their GPS place is too. */
  cleared: number;
  ms: number;
}

const BATCH = 100;
/**
 * One transaction works this long at most, then commits and yields: refreshing the full-text index of
 * a photo costs ≈ 0.5 ms at a million photos, so a whole batch would hold the event loop (HTTP, IPC,
 * searches) for far longer than the 50 ms budget.
 */
const SLICE_MS = 20;

interface Pending { id: number; lat: number; lon: number }

/** GPS photos with no place yet, or whose GPS place is of another data version or other coordinates. */
function pendingBatch(db: Db, version: string, afterId: number): Pending[] {
  return db.prepare(`SELECT p.id, p.lat, p.lon FROM photos p LEFT JOIN photo_places pl ON pl.photo_id = p.id
    WHERE p.id > ? AND p.lat IS NOT NULL AND p.lon IS NOT NULL
      AND (pl.photo_id IS NULL OR (pl.source = 'gps' AND (pl.data_version <> ? OR pl.lat <> p.lat OR pl.lon <> p.lon)))
    ORDER BY p.id LIMIT ?`).all(afterId, version, BATCH) as Pending[];
}

/** Counted in id ranges of this many photos, yielding between them: a million photos take seconds to count. */
const COUNT_CHUNK = 10_000;

async function countPendingPlaces(db: Db, version: string): Promise<number> {
  const count = db.prepare(`SELECT count(*) AS n FROM photos p LEFT JOIN photo_places pl ON pl.photo_id = p.id
    WHERE p.id > ? AND p.id <= ? AND p.lat IS NOT NULL AND p.lon IS NOT NULL
      AND (pl.photo_id IS NULL OR (pl.source = 'gps' AND (pl.data_version <> ? OR pl.lat <> p.lat OR pl.lon <> p.lon)))`);
  const { maxId } = db.prepare('SELECT COALESCE(max(id), 0) AS maxId FROM photos').get() as { maxId: number };
  let n = 0;
  for (let from = 0; from < maxId; from += COUNT_CHUNK) {
    n += (count.get(from, from + COUNT_CHUNK, version) as { n: number }).n;
    await yieldToEventLoop();
  }
  return n;
}

/** dropStaleGpsPlaces over the library in id ranges, yielding between them (a third of a million places take seconds). */
async function dropStalePlaces(db: Db): Promise<number[]> {
  const { maxId } = db.prepare('SELECT COALESCE(max(id), 0) AS maxId FROM photos').get() as { maxId: number };
  const cleared: number[] = [];
  for (let from = 0; from < maxId; from += COUNT_CHUNK) {
    cleared.push(...db.transaction(() => dropStaleGpsPlaces(db, from, from + COUNT_CHUNK))());
    await yieldToEventLoop();
  }
  return cleared;
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Geocodes what is pending. Loads the gazetteer only when there is something to do. */
export async function runPlacesStage(ctx: AppContext, opts: { signal?: AbortSignal } = {}): Promise<PlacesStageSummary> {
  const started = Date.now();
  const db = ctx.db;
  const cleared = await dropStalePlaces(db);
  const changed = new Set<number>(cleared);
  let geocoded = 0;
  // Cheap test first: most rescans have nothing to geocode, and then the gazetteer stays unloaded.
  const anyGps = db.prepare(`SELECT 1 FROM photos p LEFT JOIN photo_places pl ON pl.photo_id = p.id
    WHERE p.lat IS NOT NULL AND p.lon IS NOT NULL AND (pl.photo_id IS NULL OR pl.source = 'gps') LIMIT 1`).get();
  if (anyGps) {
    const geo = geocoder(placesCacheDir(ctx));
    const total = await countPendingPlaces(db, geo.version);
    if (total > 0) {
      const progress = new StageProgress('places', total, (p) => reportProgress(ctx, p));
      let after = 0;
      for (;;) {
        if (opts.signal?.aborted) break;
        const batch = pendingBatch(db, geo.version, after);
        if (!batch.length) break;
        const done = db.transaction(() => {
          const until = performance.now() + SLICE_MS;
          let n = 0;
          for (const row of batch) {
            const place = geo.reverse(row.lat, row.lon);
            const fields = { lat: row.lat, lon: row.lon, city: place?.city ?? null, region: place?.region ?? null, countryCode: place?.countryCode ?? null };
            if (writePlace(db, row.id, 'gps', fields, geo.version)) changed.add(row.id);
            n++;
            if (performance.now() >= until) break;
          }
          return n;
        })();
        geocoded += done;
        progress.tick(done);
        after = batch[done - 1]!.id;
        // Let other work (HTTP requests, IPC, searches) in between slices.
        await yieldToEventLoop();
      }
      progress.finish();
    }
  }
  if (changed.size) ctx.events.emit('library.changed', { photoIds: [...changed] });
  return { geocoded, cleared: cleared.length, ms: Date.now() - started };
}
