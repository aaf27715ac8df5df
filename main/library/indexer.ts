// The indexing pipeline (README.md, "What indexing does"): discover (walk + stat diff, written at once so a crash forgets
// nothing) → read pending photos (hash, metadata, thumbnails; bounded concurrency) → batched writes
// → places (offline reverse geocoding of GPS photos, main/places/stage.ts).
// Missing files go offline, never away; a new file with the content of an offline photo is that
// photo, moved. Every write is a transaction, so a crash leaves a library the next run resumes.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { AppContext } from '../service/context';
import type { Db } from '../db/connection';
import { rootRows, type RootRow } from '../db/roots';
import {
  applyError, applyRead, findMoveTarget, insertDiscovered, knownByRel, loadKnown, markChanged, markOffline,
  markRestored, mergeMove, PENDING_SQL, sameContent, type FileLocation, type KnownPhoto,
} from '../db/photo-writes';
import { nowIso } from '../db/connection';
import { walkRoot, isIgnoredRel, noMediaFolder, toRel, fromRel, describeFsError, NO_MEDIA_MARKER } from '../media/walk';
import { isCandidateName } from '../../shared/media';
import { sniffFile } from '../media/sniff';
import { sniffVideoFile } from '../media/video/formats';
import { pairLivePhotos } from '../media/video/live-photos';
import { refreshPhotoText } from '../db/photo-text';
import { pairRawFiles } from '../media/raw-pairs';
import { readPhoto, type ReadOutcome } from './read-photo';
import { defaultConcurrency, runPool, semaphore } from './pool';
import { StageProgress } from './progress';
import { libraryState, reportProgress, serialise } from './state';
import type { PhotoStatus, ScanIssue, ScanSummary } from '../../shared/types';
import { aiWorker } from '../ai/worker';
import { runPlacesStage } from '../places/stage';
import { kickPreviews } from './preview-stage';

export interface ScanOptions {
  /** Only these roots (default: every enabled root). */
  rootIds?: number[];
  signal?: AbortSignal;
  concurrency?: number;
}

const emptySummary = (): ScanSummary => ({
  added: 0, changed: 0, unchanged: 0, moved: 0, offline: 0, restored: 0, errors: 0, thumbnails: 0, ms: 0, issues: [],
});

/** Scans roots and resolves once metadata and thumbnails are done. One scan at a time per library. */
export function scanRoots(ctx: AppContext, opts: ScanOptions = {}): Promise<ScanSummary> {
  return serialise(ctx, () => runScan(ctx, opts));
}

/**
 * Starts scanning a root without waiting for it (a folder just added). Closing the library stops it
 * between files (what is done is kept; the next scan resumes); a failure is logged, never thrown.
 */
export function scanInBackground(ctx: AppContext, rootId: number): void {
  const stop = new AbortController();
  const scan = scanRoots(ctx, { rootIds: [rootId], signal: stop.signal })
    .then(() => undefined, (err: unknown) => { ctx.log.warn(`Scanning folder #${rootId} failed: ${(err as Error).message}`); });
  ctx.onClose(async () => { stop.abort(); await scan; });
}

/** Resolves once every scan started so far (background ones included) has finished. */
export function scansSettled(ctx: AppContext): Promise<void> {
  return serialise(ctx, async () => undefined);
}

async function runScan(ctx: AppContext, opts: ScanOptions): Promise<ScanSummary> {
  const started = Date.now();
  const run = new Run(ctx, opts);
  try {
    const roots = rootRows(ctx.db, { enabledOnly: true }).filter((r) => !opts.rootIds || opts.rootIds.includes(r.id));
    const discover = new StageProgress('discover', null, (p) => reportProgress(ctx, p));
    for (const root of roots) {
      if (opts.signal?.aborted) break;
      await run.discoverRoot(root, discover);
    }
    discover.finish();
    run.emitChanged();
    if (roots.length && !opts.signal?.aborted) await run.process(pendingIn(ctx.db, roots.map((r) => r.id)));
    if (!opts.signal?.aborted) await runPlacesStage(ctx, { signal: opts.signal });
  } finally {
    libraryState(ctx).progress = null;
  }
  // Every scanned photo has its grid thumbnail: the low-priority preview stage takes over (app only).
  kickPreviews(ctx);
  run.summary.ms = Date.now() - started;
  return run.summary;
}

export interface IndexedFile {
  path: string;
  /** The photo's id, or null when the file is not (or no longer) in the library. */
  id: number | null;
  status: PhotoStatus | 'skipped';
  message?: string;
}

export interface IndexPathsResult {
  summary: ScanSummary;
  files: IndexedFile[];
}

/**
 * Indexes individual files through the same path as a scan (the watcher and "add these photos to my
 * library" use it). Only files inside an enabled root are taken; a path that no longer exists takes
 * its photo offline.
 */
export function indexPaths(ctx: AppContext, absFilePaths: readonly string[], opts: Omit<ScanOptions, 'rootIds'> = {}): Promise<IndexPathsResult> {
  return serialise(ctx, async () => {
    const started = Date.now();
    const run = new Run(ctx, opts);
    const roots = rootRows(ctx.db, { enabledOnly: true });
    const files: IndexedFile[] = [];
    const pendingIds = new Set<number>();
    for (const input of absFilePaths) {
      const r = await run.discoverFile(roots, input);
      files.push(r.file);
      if (r.pending) pendingIds.add(r.pending);
    }
    run.emitChanged();
    try {
      if (pendingIds.size) {
        await run.process(pendingByIds(ctx.db, [...pendingIds]));
        await runPlacesStage(ctx, { signal: opts.signal });
      }
    } finally {
      libraryState(ctx).progress = null;
    }
    for (const f of files) {
      if (f.id === null) continue;
      f.id = run.movedTo.get(f.id) ?? f.id;
      const row = ctx.db.prepare('SELECT status, error FROM photos WHERE id = ?').get(f.id) as { status: PhotoStatus; error: string | null } | undefined;
      if (row) { f.status = row.status; if (row.error) f.message = row.error; }
    }
    run.summary.ms = Date.now() - started;
    kickPreviews(ctx);
    return { summary: run.summary, files };
  });
}

interface PendingPhoto {
  id: number;
  root_id: number;
  root_path: string;
  rel_path: string;
  content_hash: string | null;
}

// `+p.status`: the status index must not drive (it would walk every 'ok' photo of every root, ~0.5 s
// at a million photos, to find the few of the root being scanned); the root's own index does.
const PENDING_SELECT = `SELECT p.id, p.root_id, r.path AS root_path, p.rel_path, p.content_hash
  FROM photos p JOIN roots r ON r.id = p.root_id WHERE +p.status = 'ok' AND ${PENDING_SQL}`;

function pendingIn(db: Db, rootIds: number[]): PendingPhoto[] {
  return db.prepare(`${PENDING_SELECT} AND p.root_id IN (${rootIds.map(() => '?').join(',')}) ORDER BY p.id`).all(...rootIds) as PendingPhoto[];
}

function pendingByIds(db: Db, ids: number[]): PendingPhoto[] {
  const stmt = db.prepare(`${PENDING_SELECT} AND p.id = ?`);
  return ids.map((id) => stmt.get(id) as PendingPhoto | undefined).filter((p): p is PendingPhoto => p !== undefined);
}

/** Batches of reads written per transaction: big enough to be cheap, small enough to lose little. */
const FLUSH_EVERY = 64;
const FLUSH_MS = 500;

/** The state of one scan or indexPaths call. */
class Run {
  readonly summary = emptySummary();
  /** Placeholder id → id of the offline photo it turned out to be. */
  readonly movedTo = new Map<number, number>();
  private readonly addedNow = new Set<number>();
  private readonly offlineNow = new Set<number>();
  private touched = new Set<number>();

  constructor(private readonly ctx: AppContext, private readonly opts: Omit<ScanOptions, 'rootIds'>) {}

  private get db(): Db { return this.ctx.db; }

  private issue(p: string, message: string): void {
    const issue: ScanIssue = { path: p, message };
    this.summary.issues.push(issue);
    this.summary.errors++;
  }

  emitChanged(): void {
    if (!this.touched.size) return;
    this.ctx.events.emit('library.changed', { photoIds: [...this.touched] });
    this.touched = new Set();
  }

  async discoverRoot(root: RootRow, progress: StageProgress): Promise<void> {
    try {
      const st = await fs.stat(root.path);
      if (!st.isDirectory()) throw Object.assign(new Error('not a folder'), { code: 'ENOTDIR' });
    } catch (err) {
      // The whole root is gone (unplugged drive, renamed folder): its photos go offline, nothing is lost.
      this.issue(root.path, `library folder unavailable: ${describeFsError(err)}`);
      const ids = (this.db.prepare(`SELECT id FROM photos WHERE root_id = ? AND status <> 'offline'`).all(root.id) as { id: number }[]).map((r) => r.id);
      this.db.transaction(() => markOffline(this.db, ids))();
      this.noteOffline(ids);
      return;
    }
    const known = loadKnown(this.db, root.id);
    const seen = new Set<string>();
    const unreadable: string[] = [];
    const walk = walkRoot(root.path, {
      signal: this.opts.signal,
      onDirError: (i) => { unreadable.push(i.rel); this.issue(fromRel(root.path, i.rel), `folder skipped: ${i.message}`); },
    });
    for await (const batch of walk) {
      const fresh: FileLocation[] = [];
      for (const e of batch) {
        seen.add(e.rel);
        if (!known.has(e.rel) && await this.isPhotoCandidate(fromRel(root.path, e.rel))) {
          fresh.push({ rootId: root.id, rootPath: root.path, rel: e.rel, size: e.size, mtimeMs: e.mtimeMs });
        }
      }
      this.db.transaction(() => {
        for (const e of batch) {
          const k = known.get(e.rel);
          if (k) this.diffKnown(k, e.size, e.mtimeMs);
        }
        this.noteAdded(insertDiscovered(this.db, fresh));
      })();
      progress.tick(batch.length);
    }
    if (this.opts.signal?.aborted) return;
    // Not seen: offline — except below a folder we could not read, whose state we don't know.
    const inUnreadable = (rel: string) => unreadable.some((d) => d === '' || rel.startsWith(`${d}/`));
    const missing = [...known.values()].filter((k) => k.status !== 'offline' && !seen.has(k.rel_path) && !inUnreadable(k.rel_path)).map((k) => k.id);
    if (missing.length) {
      this.db.transaction(() => markOffline(this.db, missing))();
      this.noteOffline(missing);
    }
  }

  /** Stat diff of a known photo (inside the caller's transaction). */
  private diffKnown(k: KnownPhoto, size: number, mtimeMs: number): boolean {
    if (k.size !== size || k.mtime_ms !== mtimeMs) {
      markChanged(this.db, k.id, size, mtimeMs);
      this.summary.changed++;
      this.touched.add(k.id);
      return true;
    }
    if (k.status === 'offline') {
      markRestored(this.db, [k.id]);
      this.summary.restored++;
      this.touched.add(k.id);
      return k.pending === 1;
    }
    this.summary.unchanged++;
    return (k.status === 'ok' || k.status === 'damaged') && k.pending === 1;
  }

  private noteAdded(ids: number[]): void {
    for (const id of ids) { this.addedNow.add(id); this.touched.add(id); }
    this.summary.added += ids.length;
  }

  private noteOffline(ids: number[]): void {
    for (const id of ids) { this.touched.add(id); this.offlineNow.add(id); }
    this.summary.offline += ids.length;
  }

  /** Image extensions are candidates; files without one are sniffed. Content decides the rest. */
  private async isPhotoCandidate(abs: string): Promise<boolean> {
    const name = path.basename(abs);
    if (name.includes('.') && !name.startsWith('.')) return true;
    return (await sniffFile(abs)) !== null || (await sniffVideoFile(abs)) !== null;
  }

  async discoverFile(roots: RootRow[], input: string): Promise<{ file: IndexedFile; pending?: number }> {
    const abs = path.resolve(input);
    // Where the file itself sits (its folder resolved, not the file): a library file replaced by a
    // symbolic link is still found under its root, and goes offline below (links are not followed,
    // as in a scan), instead of being looked up wherever the link points.
    const real = await fs.realpath(path.dirname(abs)).then((d) => path.join(d, path.basename(abs)), () => abs);
    const root = roots
      .filter((r) => real.startsWith(r.path.endsWith(path.sep) ? r.path : r.path + path.sep))
      .sort((a, b) => b.path.length - a.path.length)[0];
    if (!root) return { file: { path: input, id: null, status: 'skipped', message: 'not inside a library folder' } };
    const rel = toRel(root.path, real);
    if (isIgnoredRel(rel)) return { file: { path: input, id: null, status: 'skipped', message: 'hidden or system file' } };
    const known = knownByRel(this.db, root.id, rel);
    let st;
    try {
      st = await fs.lstat(real);
    } catch {
      st = null;
    }
    // Below a .nomedia marker a file is no part of the library, as for a scan (which does not see it).
    const marked = st?.isFile() ? noMediaFolder(root.path, rel) : null;
    if (!st || !st.isFile() || marked !== null) {
      if (known && known.status !== 'offline') {
        this.db.transaction(() => markOffline(this.db, [known.id]))();
        this.noteOffline([known.id]);
      }
      const why = marked !== null ? `in a folder marked ${NO_MEDIA_MARKER} (${fromRel(root.path, marked)})`
        : !st ? 'file not found' : st.isSymbolicLink() ? 'a symbolic link (links are not followed)' : 'not a file';
      return { file: { path: input, id: known?.id ?? null, status: known ? 'offline' : 'skipped', message: why } };
    }
    if (!known) {
      if (!isCandidateName(path.basename(real)) || !(await this.isPhotoCandidate(real))) {
        return { file: { path: input, id: null, status: 'skipped', message: 'not a photo file name' } };
      }
      const [id] = this.db.transaction(() => insertDiscovered(this.db, [{ rootId: root.id, rootPath: root.path, rel, size: st.size, mtimeMs: st.mtimeMs }]))();
      this.noteAdded([id!]);
      return { file: { path: input, id: id!, status: 'ok' }, pending: id! };
    }
    const pending = this.db.transaction(() => this.diffKnown(known, st.size, st.mtimeMs))();
    return { file: { path: input, id: known.id, status: known.status }, pending: pending ? known.id : undefined };
  }

  /** Reads pending photos with bounded concurrency; results are written in batched transactions. */
  async process(items: PendingPhoto[]): Promise<void> {
    if (!items.length) return;
    const progress = new StageProgress('thumbnail', items.length, (p) => reportProgress(this.ctx, p));
    let buffer: { item: PendingPhoto; outcome: ReadOutcome }[] = [];
    let lastFlush = Date.now();
    const flush = () => {
      const batch = buffer;
      buffer = [];
      lastFlush = Date.now();
      if (batch.length) this.db.transaction(() => { for (const b of batch) this.apply(b.item, b.outcome); })();
      this.emitChanged();
      // The next stage directly: the AI queue takes what this batch made ready.
      if (batch.length) aiWorker(this.ctx).indexed();
    };
    // `concurrency` thumbnails decode at once (the CPU-bound part); twice as many files are in
    // flight so reading, hashing and EXIF of the next ones overlap with decoding instead of idling a core.
    const concurrency = this.opts.concurrency ?? defaultConcurrency(this.ctx.env);
    const gate = semaphore(concurrency);
    await runPool(
      items,
      concurrency * 2,
      (item) => readPhoto(fromRel(item.root_path, item.rel_path), this.ctx.paths.thumbs, gate),
      (outcome, item) => {
        buffer.push({ item, outcome });
        progress.tick();
        if (buffer.length >= FLUSH_EVERY || Date.now() - lastFlush >= FLUSH_MS) flush();
      },
      this.opts.signal,
    );
    flush();
    // Live Photos (a still and its motion clip, issue 12) and RAW+JPEG pairs (issue 10) become one
    // item once both halves are stored; only this run's files can complete a pair.
    const ids = items.map((i) => i.id);
    const paired = this.db.transaction(() => {
      const changed = [...pairLivePhotos(this.db, ids), ...pairRawFiles(this.db, ids)];
      refreshPhotoText(this.db, changed); // the hidden half leaves the search index
      return changed;
    })();
    for (const id of paired) this.touched.add(id);
    this.emitChanged();
    progress.finish();
  }

  private apply(item: PendingPhoto, outcome: ReadOutcome): void {
    const db = this.db;
    if (outcome.kind === 'missing') {
      // Gone between the walk and the read: offline, with the reason on the photo.
      db.prepare(`UPDATE photos SET status = 'offline', error = ?, updated_at = ? WHERE id = ?`)
        .run('the file disappeared before it could be read', nowIso(), item.id);
      this.noteOffline([item.id]);
      return;
    }
    let id = item.id;
    const hash = outcome.hash;
    if (item.content_hash === null && hash) {
      const target = findMoveTarget(db, hash, outcome.size, outcome.mtimeMs, item.id);
      if (target !== null) {
        mergeMove(db, item.id, target, { rootId: item.root_id, rootPath: item.root_path, rel: item.rel_path, size: outcome.size, mtimeMs: outcome.mtimeMs });
        this.movedTo.set(item.id, target);
        this.touched.delete(item.id);
        if (this.addedNow.delete(item.id)) this.summary.added--;
        if (this.offlineNow.delete(target)) this.summary.offline--;
        this.summary.moved++;
        id = target;
      }
    }
    this.touched.add(id);
    if (outcome.kind === 'error') {
      applyError(db, id, outcome);
      this.summary.errors++;
      return;
    }
    // A cached grid says nothing about damage, and its perceptual hash drifts: the same content seen
    // before carries both already (sameContent).
    const seen = outcome.thumbCached ? sameContent(db, outcome.hash) : null;
    applyRead(db, id, { ...outcome, damaged: outcome.damaged ?? seen?.damaged ?? null, phash: seen?.phash ?? outcome.phash });
    if (!outcome.thumbCached && !outcome.noPreview) this.summary.thumbnails++;
  }
}
