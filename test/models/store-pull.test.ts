// Downloads through a real HTTP hub mirror on 127.0.0.1: layout, dtype selection, resume, verification,
// errors, retries, progress, cache reuse.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { startHubMirror, type HubMirror } from '../support/hub-mirror';
import { ModelStore } from '../../main/models/store';
import type { DownloadProgress } from '../../shared/contract/models';
import { makeModelFolder, tempDir } from './fixture';

const REPO = 'acme/tiny-vlm';
const Q8 = 'onnx/decoder_model_merged_quantized.onnx';
let src: string;
let mirror: HubMirror;

beforeAll(async () => {
  src = makeModelFolder(tempDir(), { onnxBytes: 300_000 });
  mirror = await startHubMirror({ repos: { [REPO]: { dir: src }, 'acme/other': { dir: src, refs: ['v1'] } } });
});
afterAll(() => mirror.close());

function freshStore(opts: Partial<ConstructorParameters<typeof ModelStore>[0]> = {}) {
  return new ModelStore({ hubDir: tempDir(), endpoint: mirror.url, backoffMs: 5, retries: 3, ...opts });
}

const resolvesSince = (from: number) => mirror.requests.slice(from).filter((r) => r.path.includes('/resolve/'));

describe('pull', () => {
  it('fetches only the files of the chosen dtypes into the HF cache layout', async () => {
    const store = freshStore();
    const from = mirror.requests.length;
    const model = await store.pull(REPO);
    const commit = mirror.commitOf(REPO);

    expect(model).toMatchObject({ repo: REPO, revision: commit, complete: true });
    expect(model.dtypes).toEqual({ vision_encoder: ['fp32'], embed_tokens: ['fp32'], decoder_model_merged: ['q8'] });
    const fetched = resolvesSince(from).map((r) => r.file).sort();
    expect(fetched).toEqual([
      'config.json', 'generation_config.json', 'onnx/decoder_model_merged_quantized.onnx', 'onnx/embed_tokens.onnx',
      'onnx/vision_encoder.onnx', 'preprocessor_config.json', 'processor_config.json', 'special_tokens_map.json',
      'tokenizer.json', 'tokenizer_config.json',
    ]);
    // Downloads name the commit, never a moving branch.
    expect(resolvesSince(from).every((r) => r.path.includes(`/resolve/${commit}/`))).toBe(true);

    const repoDir = path.join(store.hubDir, 'models--acme--tiny-vlm');
    expect(readFileSync(path.join(repoDir, 'refs', 'main'), 'utf8')).toBe(commit);
    expect(model.path).toBe(path.join(repoDir, 'snapshots', commit));
    // Blobs are named like huggingface_hub's: sha256 for LFS files, git blob sha1 otherwise.
    const byPath = new Map(mirror.files(REPO).map((f) => [f.path, f]));
    const q8 = path.join(model.path, Q8);
    expect(lstatSync(q8).isSymbolicLink()).toBe(true);
    expect(readlinkSync(q8)).toBe(`../../../blobs/${byPath.get(Q8)!.sha256}`);
    expect(readlinkSync(path.join(model.path, 'config.json'))).toBe(`../../blobs/${byPath.get('config.json')!.gitSha1}`);
    expect(readFileSync(q8).equals(readFileSync(path.join(src, Q8)))).toBe(true);
    expect(readdirSync(path.join(repoDir, 'blobs')).some((n) => n.endsWith('.incomplete'))).toBe(false);
    expect(store.resolveLocal(REPO)).toBe(model.path);
  });

  it('an explicit dtype applies to all three sessions; a second dtype reuses the config blobs', async () => {
    const store = freshStore();
    await store.pull(REPO, { dtype: 'fp16' });
    const from = mirror.requests.length;
    const model = await store.pull(REPO, { dtype: 'fp32' });
    expect(resolvesSince(from).map((r) => r.file).sort()).toEqual([
      'onnx/decoder_model_merged.onnx', 'onnx/embed_tokens.onnx', 'onnx/vision_encoder.onnx',
    ]);
    expect(model.dtypes.decoder_model_merged).toEqual(['fp32', 'fp16']);
  });

  it('resumes a dropped connection with a Range request, fetching no byte twice', async () => {
    const store = freshStore();
    const size = statSync(path.join(src, Q8)).size;
    mirror.setFault(`${REPO}/${Q8}`, { dropAfterBytes: 123_457, dropTimes: 1 });
    try {
      const model = await store.pull(REPO);
      const reqs = mirror.fileRequests(REPO, Q8).slice(-2);
      expect(reqs[0]).toMatchObject({ range: null, bytesSent: 123_457 });
      // Resumed where the bytes on disk end (at most what was sent), and only the rest came again.
      const resumeAt = Number(/^bytes=(\d+)-$/.exec(reqs[1].range ?? '')?.[1]);
      expect(resumeAt).toBeGreaterThan(100_000);
      expect(resumeAt).toBeLessThanOrEqual(123_457);
      expect(reqs[1]).toMatchObject({ status: 206, bytesSent: size - resumeAt });
      expect(readFileSync(path.join(model.path, Q8)).equals(readFileSync(path.join(src, Q8)))).toBe(true);
    } finally {
      mirror.setFault(`${REPO}/${Q8}`, undefined);
    }
  });

  it('keeps the partial when retries run out and resumes it on the next pull', async () => {
    const store = freshStore({ retries: 1 });
    const size = statSync(path.join(src, Q8)).size;
    mirror.setFault(`${REPO}/${Q8}`, { dropAfterBytes: 50_000, dropTimes: Infinity });
    const before = mirror.fileRequests(REPO, Q8).length;
    await expect(store.pull(REPO)).rejects.toThrow(/connection closed|terminated|other side closed|socket/i);
    const partials = readdirSync(path.join(store.hubDir, 'models--acme--tiny-vlm', 'blobs')).filter((n) => n.endsWith('.incomplete'));
    expect(partials).toHaveLength(1);
    // The retry resumed the first attempt's bytes instead of starting over.
    const failed = mirror.fileRequests(REPO, Q8).slice(before);
    expect(failed.map((r) => r.range?.replace(/\d+/, 'N') ?? null)).toEqual([null, 'bytes=N-']);
    const onDisk = statSync(path.join(store.hubDir, 'models--acme--tiny-vlm', 'blobs', partials[0])).size;
    expect(onDisk).toBeGreaterThan(50_000);
    expect(store.list()[0]).toMatchObject({ repo: REPO, complete: false });

    mirror.setFault(`${REPO}/${Q8}`, undefined);
    const model = await store.pull(REPO);
    const resumed = mirror.fileRequests(REPO, Q8).slice(before + 2);
    expect(resumed.map((r) => r.range)).toEqual([`bytes=${onDisk}-`]);
    expect(resumed[0].bytesSent).toBe(size - onDisk);
    expect(readFileSync(path.join(model.path, Q8)).equals(readFileSync(path.join(src, Q8)))).toBe(true);
  });

  it('rejects bytes that fail the sha256 of the listing and removes the partial', async () => {
    const store = freshStore();
    mirror.setFault(`${REPO}/${Q8}`, { corrupt: true });
    try {
      await expect(store.pull(REPO)).rejects.toThrow(/decoder_model_merged_quantized\.onnx failed verification: expected sha256 [0-9a-f]{64}.*partial download was removed/);
      const blobs = readdirSync(path.join(store.hubDir, 'models--acme--tiny-vlm', 'blobs'));
      expect(blobs.some((n) => n.endsWith('.incomplete'))).toBe(false);
      expect(blobs).not.toContain(mirror.files(REPO).find((f) => f.path === Q8)!.sha256);
      expect(store.resolveLocal(REPO)).toBeNull();
    } finally {
      mirror.setFault(`${REPO}/${Q8}`, undefined);
    }
  });

  it('also verifies plain (non-LFS) files by their git blob sha1', async () => {
    const store = freshStore();
    mirror.setFault(`${REPO}/tokenizer.json`, { corrupt: true });
    try {
      await expect(store.pull(REPO)).rejects.toThrow(/tokenizer\.json failed verification: expected git-sha1/);
    } finally {
      mirror.setFault(`${REPO}/tokenizer.json`, undefined);
    }
  });

  it('a 404 on a file is a clear error and is not retried', async () => {
    const store = freshStore();
    mirror.setFault(`${REPO}/onnx/vision_encoder.onnx`, { status: 404 });
    const before = mirror.fileRequests(REPO, 'onnx/vision_encoder.onnx').length;
    try {
      await expect(store.pull(REPO)).rejects.toThrow(/404 .*onnx\/vision_encoder\.onnx/);
      expect(mirror.fileRequests(REPO, 'onnx/vision_encoder.onnx').length - before).toBe(1);
    } finally {
      mirror.setFault(`${REPO}/onnx/vision_encoder.onnx`, undefined);
    }
  });

  it('retries server errors with backoff', async () => {
    const store = freshStore();
    mirror.setFault(`${REPO}/onnx/embed_tokens.onnx`, { status: 503, statusTimes: 2 });
    const before = mirror.fileRequests(REPO, 'onnx/embed_tokens.onnx').length;
    try {
      const model = await store.pull(REPO);
      expect(model.complete).toBe(true);
      expect(mirror.fileRequests(REPO, 'onnx/embed_tokens.onnx').slice(before).map((r) => r.status)).toEqual([503, 503, 200]);
    } finally {
      mirror.setFault(`${REPO}/onnx/embed_tokens.onnx`, undefined);
    }
  });

  it('unknown repo, unknown revision and a missing dtype give readable errors', async () => {
    const store = freshStore();
    await expect(store.pull('acme/nope')).rejects.toThrow(`Model acme/nope was not found on ${mirror.url}`);
    expect(mirror.requests.filter((r) => r.repo === 'acme/nope')).toHaveLength(1); // final: not retried
    await expect(store.pull(REPO, { revision: 'v9' })).rejects.toThrow(`Revision "v9" of ${REPO} was not found`);
    await expect(store.pull(REPO, { dtype: 'q4' })).rejects.toThrow(
      /has no onnx\/vision_encoder_q4\.onnx, onnx\/embed_tokens_q4\.onnx, onnx\/decoder_model_merged_q4\.onnx \(dtypes offered — vision_encoder: fp32, fp16, q8/,
    );
    await expect(store.pull('not a repo')).rejects.toThrow(/is not a model id/);
  });

  it('a tag or a commit resolves to the commit sha; the ref is recorded', async () => {
    const store = freshStore();
    const commit = mirror.commitOf('acme/other');
    const byTag = await store.pull('acme/other', { revision: 'v1' });
    expect(byTag.revision).toBe(commit);
    expect(readFileSync(path.join(store.hubDir, 'models--acme--other', 'refs', 'v1'), 'utf8')).toBe(commit);
    const byCommit = await freshStore().pull('acme/other', { revision: commit });
    expect(byCommit.revision).toBe(commit);
  });

  it('reports progress from a slow server: growing bytes, speed and ETA, then done', async () => {
    const store = freshStore({ progressIntervalMs: 20 });
    mirror.setFault(`${REPO}/onnx/vision_encoder.onnx`, { delayPerChunkMs: 15, chunkSize: 16 * 1024 });
    const events: DownloadProgress[] = [];
    try {
      await store.pull(REPO, { onProgress: (p) => events.push(p) });
    } finally {
      mirror.setFault(`${REPO}/onnx/vision_encoder.onnx`, undefined);
    }
    const during = events.filter((e) => e.file === 'onnx/vision_encoder.onnx' && !e.done);
    expect(during.length).toBeGreaterThanOrEqual(5);
    for (let i = 1; i < events.length; i++) expect(events[i].bytes).toBeGreaterThanOrEqual(events[i - 1].bytes);
    expect(during.some((e) => e.bytesPerSec > 0 && typeof e.etaMs === 'number' && e.etaMs > 0)).toBe(true);
    // About 16 KiB per 15 ms: far below the loopback's speed, so the meter sees the throttle.
    expect(Math.max(...during.map((e) => e.bytesPerSec))).toBeLessThan(20e6);
    const last = events.at(-1)!;
    expect(last).toMatchObject({ repo: REPO, done: true, etaMs: 0 });
    expect(last.bytes).toBe(last.total);
    expect(last.total).toBe(mirror.files(REPO).filter((f) => !f.path.endsWith('.md') && (!f.path.startsWith('onnx/') ||
      ['onnx/vision_encoder.onnx', 'onnx/embed_tokens.onnx', Q8].includes(f.path))).reduce((s, f) => s + f.size, 0));
  });
});

describe('interruptions and hub variants', () => {
  it('an aborted pull rejects, keeps its partial, and the next pull resumes it', async () => {
    const store = freshStore({ progressIntervalMs: 0 });
    mirror.setFault(`${REPO}/${Q8}`, { delayPerChunkMs: 20, chunkSize: 16 * 1024 });
    const abort = new AbortController();
    try {
      await expect(store.pull(REPO, {
        signal: abort.signal,
        onProgress: (p) => { if (p.file === Q8 && p.bytes > 0 && !abort.signal.aborted) setTimeout(() => abort.abort(), 60); },
      })).rejects.toThrow(`The download of ${REPO} was stopped. What arrived is kept; pulling again resumes it.`);
    } finally {
      mirror.setFault(`${REPO}/${Q8}`, undefined);
    }
    const blobs = path.join(store.hubDir, 'models--acme--tiny-vlm', 'blobs');
    const partial = readdirSync(blobs).find((n) => n.endsWith('.incomplete'))!;
    const kept = statSync(path.join(blobs, partial)).size;
    expect(kept).toBeGreaterThan(0);
    expect(readdirSync(blobs).some((n) => n.endsWith('.lock'))).toBe(false);
    const before = mirror.fileRequests(REPO, Q8).length;
    await store.pull(REPO);
    expect(mirror.fileRequests(REPO, Q8).slice(before).map((r) => r.range)).toEqual([`bytes=${kept}-`]);
  });

  it('refuses a blob another live process is writing; takes over a lock left by a dead one', async () => {
    const store = freshStore();
    const blobs = path.join(store.hubDir, 'models--acme--tiny-vlm', 'blobs');
    mkdirSync(blobs, { recursive: true });
    const lock = path.join(blobs, `${mirror.files(REPO).find((f) => f.path === Q8)!.sha256}.lock`);
    writeFileSync(lock, String(process.ppid)); // the test runner: alive
    await expect(store.pull(REPO)).rejects.toThrow(/is being downloaded by another process \(pid \d+\)/);
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    writeFileSync(lock, String(dead));
    expect((await store.pull(REPO)).complete).toBe(true);
    expect(existsSync(lock)).toBe(false);
  });

  it('follows the hub\'s 302 to a CDN for LFS files, resuming there too, and sends HF_TOKEN', async () => {
    const cdnMirror = await startHubMirror({
      repos: { [REPO]: { dir: src } }, lfsRedirect: true,
      faults: { [Q8]: { dropAfterBytes: 70_000 } },
    });
    try {
      const store = new ModelStore({ hubDir: tempDir(), endpoint: cdnMirror.url, backoffMs: 5, token: 'hf_test' });
      const model = await store.pull(REPO);
      expect(readFileSync(path.join(model.path, Q8)).equals(readFileSync(path.join(src, Q8)))).toBe(true);
      const q8 = cdnMirror.fileRequests(REPO, Q8);
      expect(q8.map((r) => [r.path.startsWith('/cdn/') ? 'cdn' : 'hub', r.status])).toEqual([['hub', 302], ['cdn', 200], ['hub', 302], ['cdn', 206]]);
      expect(q8[3].range).toMatch(/^bytes=\d+-$/);
      expect(cdnMirror.requests.find((r) => r.path.startsWith('/api/'))?.authorization).toBe('Bearer hf_test');
    } finally {
      await cdnMirror.close();
    }
  });
});

describe('layout variants and concurrency', () => {
  it('copy mode (Windows) puts real files in the snapshot', async () => {
    const store = freshStore({ linkMode: 'copy' });
    const model = await store.pull(REPO);
    const q8 = path.join(model.path, Q8);
    expect(lstatSync(q8).isSymbolicLink()).toBe(false);
    expect(readFileSync(q8).equals(readFileSync(path.join(src, Q8)))).toBe(true);
    expect(store.resolveLocal(REPO)).toBe(model.path);
  });

  it('two simultaneous pulls of one model fetch each file once', async () => {
    const store = freshStore();
    const from = mirror.requests.length;
    const [a, b] = await Promise.all([store.pull(REPO), store.pull(REPO)]);
    expect(a.path).toBe(b.path);
    const files = resolvesSince(from).map((r) => r.file);
    expect(files.filter((f) => f === Q8)).toHaveLength(1);
    expect(new Set(files).size).toBe(files.length);
  });
});

describe('cache reuse', () => {
  it('a model already in the cache is used with zero requests', async () => {
    const store = freshStore();
    const first = await store.pull(REPO);
    const from = mirror.requests.length;
    // A new store on the same cache, as after a restart, with the hub unreachable.
    const offline = new ModelStore({ hubDir: store.hubDir, endpoint: 'http://127.0.0.1:9', retries: 0 });
    expect(await offline.pull(REPO)).toMatchObject({ path: first.path, complete: true });
    expect(await offline.pull(REPO, { revision: first.revision })).toMatchObject({ path: first.path });
    expect(mirror.requests.length).toBe(from);
  });

  it('reuses a snapshot laid out by Python tools (in a read-only shared cache) without any request', async () => {
    const shared = tempDir();
    const commit = 'a'.repeat(40);
    const snap = path.join(shared, 'models--acme--py-vlm', 'snapshots', commit);
    makeModelFolder(snap, { suffixes: ['', '_quantized'], onnxBytes: 1000 });
    const refs = path.join(shared, 'models--acme--py-vlm', 'refs');
    mkdirSync(refs, { recursive: true });
    writeFileSync(path.join(refs, 'main'), commit);
    const from = mirror.requests.length;
    const store = freshStore({ readOnlyHubDirs: [shared] });
    const model = await store.pull('acme/py-vlm');
    expect(model).toMatchObject({ path: snap, revision: commit, readOnly: true, complete: true });
    expect(store.resolveLocal('acme/py-vlm')).toBe(snap);
    expect(store.list().map((m) => m.repo)).toContain('acme/py-vlm');
    expect(() => store.remove('acme/py-vlm')).toThrow(/shared Hugging Face cache/);
    expect(existsSync(snap)).toBe(true);
    expect(mirror.requests.length).toBe(from);
  });
});
