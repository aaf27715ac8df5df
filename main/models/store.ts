// The model store: SmolVLM models in the Hugging Face cache layout (see hub-cache.ts). Pulls only the files
// the chosen dtypes need from `${HF_ENDPOINT}`, verified and resumable; imports local folders for offline
// machines under the `local/` namespace; lists and removes. A model already in the cache is used without
// any network request.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import path from 'node:path';
import { DEFAULT_MODEL, DEFAULT_MODEL_REVISION } from '../../shared/constants';
import type { Device, DownloadProgress, Dtype } from '../../shared/contract/models';
import { onnxFilesFor, sessionDtypes, SESSION_NAMES, type ConcreteDtype, type SessionDtypes, type SessionName } from './dtypes';
import { assertRepoId, isRepoId, listFiles, RepoCache, repoFromFolderName } from './hub-cache';
import { fetchListing, resolveUrl, type HubFile, type RepoListing } from './hub-api';
import { downloadBlob, type RetryOptions } from './download';
import { hubFailing, hubUnreachable, networkFailure } from './hub-errors';
import { AppError } from '../../shared/errors';
import { assertSmolVlmFolder, externalDataFiles, inspectLayout, OPTIONAL_CONFIG_FILES, REQUIRED_CONFIG_FILES } from './layout';
import { ProgressMeter } from './progress';

export const HF_DEFAULT_ENDPOINT = 'https://huggingface.co';
/** Namespace of models imported from a folder (never fetched from a hub). */
export const LOCAL_NAMESPACE = 'local';

export interface ModelStoreOptions {
  /** The cache this store writes: HF_HOME/hub or DATA/models/hub. */
  hubDir: string;
  /** Hub base URL (HF_ENDPOINT); default https://huggingface.co. */
  endpoint?: string;
  /** Other Hugging Face caches to reuse but never write (e.g. ~/.cache/huggingface/hub). */
  readOnlyHubDirs?: string[];
  /** Sent as a bearer token (HF_TOKEN) for private or gated repos. */
  token?: string;
  /** Retries per request after the first attempt (default 5). */
  retries?: number;
  /** First retry delay, doubled each time (default 1000 ms; tests use a few ms). */
  backoffMs?: number;
  /** Minimum time between progress callbacks (default 250 ms). */
  progressIntervalMs?: number;
  /** How snapshot files point at blobs (default: copies on Windows, relative symlinks elsewhere). */
  linkMode?: 'symlink' | 'copy';
}

export interface PullOptions {
  /** Branch, tag or commit; default: the pinned revision for the default model, else `main`. */
  revision?: string;
  dtype?: Dtype;
  /** Device the files are for when dtype is 'auto' (default cpu defaults). */
  device?: Device;
  /** Explicit per-session dtypes (wins over dtype/device). */
  dtypes?: SessionDtypes;
  onProgress?: (p: DownloadProgress) => void;
  signal?: AbortSignal;
}

export interface StoredModel {
  repo: string;
  /** Commit sha of the snapshot ('' when a pull has not placed any file yet). */
  revision: string;
  /** Snapshot folder: what the engine loads. */
  path: string;
  bytes: number;
  /** Required configs present and at least one dtype for each of the three sessions. */
  complete: boolean;
  missing: string[];
  dtypes: Record<SessionName, ConcreteDtype[]>;
  /** Lives in a shared cache this store does not write. */
  readOnly: boolean;
}

export const defaultRevision = (repo: string) => (repo === DEFAULT_MODEL ? DEFAULT_MODEL_REVISION : 'main');

export class ModelStore {
  readonly hubDir: string;
  readonly endpoint: string;
  private readonly blobLocks = new Map<string, Promise<void>>();

  constructor(private readonly opts: ModelStoreOptions) {
    this.hubDir = path.resolve(opts.hubDir);
    this.endpoint = (opts.endpoint || HF_DEFAULT_ENDPOINT).replace(/\/+$/, '');
  }

  private get hubDirs(): { dir: string; readOnly: boolean }[] {
    const others = (this.opts.readOnlyHubDirs ?? []).map((d) => path.resolve(d)).filter((d) => d !== this.hubDir);
    return [{ dir: this.hubDir, readOnly: false }, ...others.map((dir) => ({ dir, readOnly: true }))];
  }

  /**
   * A folder the engine can load, without network: a folder path with config.json as is, or an HF repo id
   * found in a cache (the given revision; else the default revision, refs/main, then the newest complete
   * snapshot). `files` (e.g. the dtype's onnx files) must all be present. Null when not available locally.
   */
  resolveLocal(ref: string, opts: { revision?: string; files?: string[] } = {}): string | null {
    const required = [...REQUIRED_CONFIG_FILES, ...(opts.files ?? [])];
    // Without named files: any loadable folder (configs plus some dtype of each session).
    const has = (dir: string) => required.every((f) => existsSync(path.join(dir, f))) && (opts.files !== undefined || inspectLayout(listFiles(dir)).complete);
    if (existsSync(path.join(ref, 'config.json'))) return has(ref) ? path.resolve(ref) : null;
    if (!isRepoId(ref)) return null;
    for (const { dir } of this.hubDirs) {
      const cache = new RepoCache(dir, ref);
      const revisions = opts.revision ? [opts.revision] : [defaultRevision(ref), 'main'];
      for (const rev of revisions) {
        const commit = cache.resolveRef(rev);
        if (commit && has(cache.snapshotDir(commit))) return cache.snapshotDir(commit);
      }
      if (opts.revision) continue;
      const newest = cache.snapshots()
        .map((c) => cache.snapshotDir(c))
        .filter(has)
        .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
      if (newest) return newest;
    }
    return null;
  }

  /** Fetches what `repo` needs for the dtypes into the cache (nothing when already there) and returns it. */
  async pull(repo: string, opts: PullOptions = {}): Promise<StoredModel> {
    assertRepoId(repo);
    if (repo.startsWith(`${LOCAL_NAMESPACE}/`)) throw new AppError('input', `${repo} is an imported model; import its folder again instead of pulling it`);
    const revision = opts.revision ?? defaultRevision(repo);
    const dtypes = opts.dtypes ?? sessionDtypes(opts.device ?? 'cpu', opts.dtype ?? 'auto');
    const onnx = onnxFilesFor(dtypes);

    // Already in a cache: no request at all.
    const local = this.resolveLocal(repo, { revision, files: onnx });
    if (local) return this.describe(repo, local);

    const headers: Record<string, string> = { 'user-agent': 'smolalbum/0.1' };
    if (this.opts.token) headers.authorization = `Bearer ${this.opts.token}`;
    const emit = opts.onProgress ?? (() => {});
    let meter: ProgressMeter | null = null;
    const retry: RetryOptions = {
      retries: this.opts.retries ?? 5, backoffMs: this.opts.backoffMs ?? 1000, signal: opts.signal,
      onRetry: (r) => (meter ? meter.retrying(r) : emit({ repo, file: '', bytes: 0, total: 0, bytesPerSec: 0, etaMs: null, done: false, retry: r })),
    };
    try {
      const listing = await fetchListing(this.endpoint, repo, revision, headers, retry);
      const wanted = this.wantedFiles(listing, onnx);
      const cache = new RepoCache(this.hubDir, repo, this.opts.linkMode);
      mkdirSync(cache.blobsDir, { recursive: true });
      mkdirSync(cache.snapshotDir(listing.commit), { recursive: true });
      cache.writeRef(revision, listing.commit);

      const total = wanted.reduce((sum, f) => sum + f.size, 0);
      meter = new ProgressMeter(repo, total, emit, this.opts.progressIntervalMs);
      await this.fetchFiles(repo, cache, listing.commit, wanted, meter, headers, retry);
      meter.report(true);
      return this.describe(repo, cache.snapshotDir(listing.commit));
    } catch (err) {
      if (!opts.signal?.aborted) throw this.hubError(err);
      const why = opts.signal.reason instanceof Error && opts.signal.reason.name !== 'AbortError' ? `: ${opts.signal.reason.message}` : '';
      throw new AppError('cancelled', `The download of ${repo} was stopped${why}. What arrived is kept; pulling again resumes it.`, { cause: err });
    }
  }

  /** A network or hub failure as an AppError naming the cause and what to do; anything else unchanged. */
  private hubError(err: unknown): unknown {
    const status = err instanceof AppError ? err.details?.status : undefined;
    if (typeof status === 'number') {
      // A hub answer that outlived the retries (5xx, 408, 429) says so and what to do.
      if (status >= 500 || status === 408 || status === 429) return hubFailing(this.endpoint, status, (err as AppError).message, err);
      return err;
    }
    if (err instanceof AppError) return err;
    const net = networkFailure(err, this.endpoint);
    if (net) return hubUnreachable(this.endpoint, net, err);
    return err;
  }

  private async fetchFiles(
    repo: string, cache: RepoCache, commit: string, wanted: HubFile[], meter: ProgressMeter,
    headers: Record<string, string>, retry: RetryOptions,
  ): Promise<void> {
    for (const file of wanted) {
      meter.setFile(file.path);
      const blob = cache.blobPath(file.etag);
      await this.withBlobLock(blob, async () => {
        if (existsSync(blob) && statSync(blob).size === file.size) { meter.addPresent(file.size); return; }
        await downloadBlob({
          url: resolveUrl(this.endpoint, repo, commit, file.path),
          dest: blob, size: file.size, expected: file.expected, headers, ...retry,
          onBytes: (delta) => meter.add(delta),
          onResume: (bytes) => meter.addPresent(bytes),
        });
      });
      cache.linkSnapshotFile(commit, file.path, file.etag);
    }
  }

  /** Config files, then each ONNX file after its external-data companions (a linked .onnx means loadable). */
  private wantedFiles(listing: RepoListing, onnx: string[]): HubFile[] {
    const pick = (name: string): HubFile => {
      const f = listing.files.get(name);
      if (!f) throw new Error(`The listing of ${listing.repo} gives no size and hash for ${name}; cannot verify the download`);
      return f;
    };
    const missingConfigs = REQUIRED_CONFIG_FILES.filter((f) => !listing.names.has(f));
    if (missingConfigs.length) {
      throw new Error(`${listing.repo}@${listing.commit.slice(0, 8)} is not a SmolVLM ONNX model: it has no ${missingConfigs.join(', ')}`);
    }
    const missingOnnx = onnx.filter((f) => !listing.names.has(f));
    if (missingOnnx.length) {
      const available = inspectLayout([...listing.names]).dtypes;
      const offered = SESSION_NAMES.map((s) => `${s}: ${available[s].join(', ') || 'none'}`).join('; ');
      throw new Error(`${listing.repo}@${listing.commit.slice(0, 8)} has no ${missingOnnx.join(', ')} (dtypes offered — ${offered})`);
    }
    const configs = [...REQUIRED_CONFIG_FILES, ...OPTIONAL_CONFIG_FILES.filter((f) => listing.names.has(f))];
    return [
      ...configs.map(pick),
      ...onnx.flatMap((f) => [...externalDataFiles(f, listing.names).map(pick), pick(f)]),
    ];
  }

  /** Two pulls in one process never write the same partial blob at once. */
  private async withBlobLock(blob: string, fn: () => Promise<void>): Promise<void> {
    while (this.blobLocks.has(blob)) await this.blobLocks.get(blob)!.catch(() => {});
    const run = fn();
    this.blobLocks.set(blob, run);
    try { await run; } finally { this.blobLocks.delete(blob); }
  }

  /** Copies a SmolVLM folder into the store as `local/<name>` (the folder is only read). */
  async importFolder(dir: string, opts: { name?: string; onProgress?: (p: DownloadProgress) => void } = {}): Promise<StoredModel> {
    const src = path.resolve(dir);
    if (!existsSync(src) || !statSync(src).isDirectory()) throw new AppError('input', `${src} is not a folder`);
    const files = listFiles(src).filter((f) => /^[^/]+\.json$/.test(f) || /^onnx\/[^/]+\.onnx(_data(_\d+)?)?$/.test(f));
    assertSmolVlmFolder(src, files);
    const name = (opts.name ?? path.basename(src)).replace(/[^\w.-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 96) || 'model';
    const repo = `${LOCAL_NAMESPACE}/${name}`;
    const cache = new RepoCache(this.hubDir, repo, this.opts.linkMode);
    mkdirSync(cache.blobsDir, { recursive: true });

    const total = files.reduce((sum, f) => sum + statSync(path.join(src, f)).size, 0);
    const meter = new ProgressMeter(repo, total, opts.onProgress ?? (() => {}), this.opts.progressIntervalMs);
    const hashes: { file: string; sha256: string }[] = [];
    for (const file of files) {
      meter.setFile(file);
      hashes.push({ file, sha256: await this.copyIntoBlobs(cache, path.join(src, file), (n) => meter.add(n)) });
    }
    // A revision derived from the content: importing the same folder twice gives the same snapshot.
    const commit = createHash('sha1').update(hashes.map((h) => `${h.file}:${h.sha256}`).join('\n')).digest('hex');
    for (const h of hashes) cache.linkSnapshotFile(commit, h.file, h.sha256);
    cache.writeRef('main', commit);
    meter.report(true);
    return this.describe(repo, cache.snapshotDir(commit));
  }

  private async copyIntoBlobs(cache: RepoCache, file: string, onBytes: (n: number) => void): Promise<string> {
    const tmp = path.join(cache.blobsDir, `import-${process.pid}-${Date.now()}.incomplete`);
    const hash = createHash('sha256');
    const tap = new Transform({
      transform(chunk: Buffer, _enc, cb) { hash.update(chunk); onBytes(chunk.length); cb(null, chunk); },
    });
    try {
      await pipeline(createReadStream(file), tap, createWriteStream(tmp));
    } catch (err) {
      rmSync(tmp, { force: true });
      throw new Error(`Could not copy ${file}: ${(err as Error).message}`);
    }
    const sha256 = hash.digest('hex');
    const blob = cache.blobPath(sha256);
    if (existsSync(blob)) rmSync(tmp); else renameSync(tmp, blob);
    return sha256;
  }

  /** Every SmolVLM model in the caches, one entry per snapshot (an interrupted pull shows as incomplete). */
  list(): StoredModel[] {
    const out: StoredModel[] = [];
    for (const { dir, readOnly } of this.hubDirs) {
      if (!existsSync(dir)) continue;
      for (const folder of readdirSync(dir).sort()) {
        const repo = repoFromFolderName(folder);
        if (!repo || !isRepoId(repo)) continue;
        const cache = new RepoCache(dir, repo);
        const pulling = !readOnly && cache.incompleteBlobs().length > 0;
        for (const commit of cache.snapshots()) {
          const entry = this.describe(repo, cache.snapshotDir(commit), readOnly);
          if (pulling || isSmolVlm(entry)) out.push(entry);
        }
      }
    }
    return out;
  }

  /** Deletes a model (every snapshot and blob) from this store's cache. */
  remove(repo: string): boolean {
    assertRepoId(repo);
    const cache = new RepoCache(this.hubDir, repo);
    if (!existsSync(cache.dir)) {
      const shared = this.hubDirs.find((h) => h.readOnly && existsSync(new RepoCache(h.dir, repo).dir));
      if (shared) throw new AppError('forbidden', `${repo} lives in the shared Hugging Face cache ${shared.dir}; SmolAlbum does not delete it`);
      return false;
    }
    for (const blob of this.blobLocks.keys()) {
      if (blob.startsWith(cache.dir + path.sep)) throw new AppError('conflict', `${repo} is being downloaded; cancel the download before removing it`);
    }
    rmSync(cache.dir, { recursive: true, force: true });
    return true;
  }

  private describe(repo: string, snapshot: string, readOnly = !snapshot.startsWith(this.hubDir + path.sep)): StoredModel {
    const files = listFiles(snapshot);
    const report = inspectLayout(files);
    const bytes = files.reduce((sum, f) => sum + statSync(path.join(snapshot, f)).size, 0);
    const isSnapshot = path.basename(path.dirname(snapshot)) === 'snapshots';
    return {
      repo, revision: isSnapshot ? path.basename(snapshot) : '', path: snapshot, bytes,
      complete: report.complete, missing: report.missing, dtypes: report.dtypes, readOnly,
    };
  }
}

/** A snapshot worth listing: it has SmolVLM session files or a SmolVLM config (other models in a shared cache are skipped). */
function isSmolVlm(entry: StoredModel): boolean {
  if (SESSION_NAMES.some((s) => entry.dtypes[s].length)) return true;
  try {
    const config = JSON.parse(readFileSync(path.join(entry.path, 'config.json'), 'utf8')) as { model_type?: unknown };
    return config.model_type === 'idefics3' || config.model_type === 'smolvlm';
  } catch {
    return false;
  }
}
