// A real HTTP server on 127.0.0.1 that speaks the parts of the Hugging Face Hub protocol the model store
// and transformers.js use, serving local folders, with per-file fault injection and a request log.
//
//   GET|HEAD /{org}/{name}/resolve/{rev}/{file}      file bytes; Range → 206 + content-range
//   GET /api/models/{org}/{name}/revision/{rev}      model info; ?blobs=true adds size/blobId/lfs to siblings
//   GET /api/models/{org}/{name}/tree/{rev}[/{dir}]  tree entries (?recursive=true)
//   GET /api/models/{org}/{name}                     model info at main
//   GET|HEAD /cdn/{sha256}                           LFS bytes after the resolve 302 (option lfsRedirect)
//
// As on the real hub: `main` (and any ref given) resolves to the repo's commit sha; LFS files (onnx,
// safetensors, …) carry `lfs.sha256` in the listing and `x-linked-etag`/`x-linked-size` on resolve; plain
// files are identified by their git blob sha1 (`blobId`, `etag`); every resolve answer has `x-repo-commit`.
import http from 'node:http';
import { once } from 'node:events';
import { createHash } from 'node:crypto';
import { createReadStream, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';

export interface MirrorRepoSpec {
  /** Folder whose files (recursively) form the repo. */
  dir: string;
  /** Commit sha served for `main`; default: a sha1 derived from the file list. */
  revision?: string;
  /** Extra ref names (branches/tags) that resolve to the commit. */
  refs?: string[];
}

export interface FileFault {
  /** Answer with this status (e.g. 404, 500) instead of the file. */
  status?: number;
  /** Destroy the connection after sending this many body bytes of a response. */
  dropAfterBytes?: number;
  /** How many responses get dropped (default 1; Infinity: always). */
  dropTimes?: number;
  /** How many responses get `status` (default: always). */
  statusTimes?: number;
  /** Flip bytes of the served content (sizes stay the same). */
  corrupt?: boolean;
  /** Delay before each chunk of the body, in ms. */
  delayPerChunkMs?: number;
  /** Body chunk size in bytes (default 16 KiB). */
  chunkSize?: number;
}

export interface MirrorRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: string;
  range: string | null;
  status: number;
  /** Body bytes actually written (a dropped response shows what got out). */
  bytesSent: number;
  repo?: string;
  file?: string;
  authorization: string | null;
}

export interface MirrorFile {
  path: string;
  abs: string;
  size: number;
  sha256: string;
  /** git blob sha1: `sha1("blob <size>\0" + content)`. */
  gitSha1: string;
  lfs: boolean;
}

export interface HubMirror {
  /** e.g. http://127.0.0.1:43123 (no trailing slash) — use as HF_ENDPOINT. */
  url: string;
  requests: MirrorRequest[];
  /** Requests for one file of a repo (resolve endpoint only). */
  fileRequests(repo: string, file: string): MirrorRequest[];
  /** Sets (or with undefined clears) the fault of a file; key "org/name/file" or "file" (any repo). */
  setFault(key: string, fault: FileFault | undefined): void;
  commitOf(repo: string): string;
  files(repo: string): MirrorFile[];
  close(): Promise<void>;
}

const LFS_PATTERN = /\.(onnx|onnx_data(_\d+)?|safetensors|bin|pt|gguf|msgpack|h5)$/;

function walk(dir: string, base = dir): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const abs = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(abs, base));
    else if (entry.isFile()) out.push(path.relative(base, abs).split(path.sep).join('/'));
  }
  return out.sort();
}

function describeFile(dir: string, rel: string): MirrorFile {
  const abs = path.join(dir, rel);
  const data = readFileSync(abs);
  const gitSha1 = createHash('sha1').update(`blob ${data.length}\0`).update(data).digest('hex');
  return {
    path: rel, abs, size: data.length,
    sha256: createHash('sha256').update(data).digest('hex'),
    gitSha1,
    lfs: LFS_PATTERN.test(rel),
  };
}

interface RepoState { id: string; commit: string; refs: Set<string>; files: Map<string, MirrorFile> }

function loadRepo(id: string, spec: MirrorRepoSpec): RepoState {
  const files = new Map(walk(spec.dir).map((rel) => [rel, describeFile(spec.dir, rel)]));
  const commit = spec.revision ?? createHash('sha1')
    .update([...files.values()].map((f) => `${f.path}:${f.sha256}`).join('\n')).digest('hex');
  return { id, commit, refs: new Set(['main', ...(spec.refs ?? [])]), files };
}

/** Query flags as clients send them: `true`, `True` (Python requests), `1`. */
const isTrue = (v: string | null) => v !== null && ['true', '1'].includes(v.toLowerCase());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resolves on 'drain' or 'close' and leaves no listener behind. */
function drained(res: http.ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => { res.off('drain', done); res.off('close', done); resolve(); };
    res.on('drain', done);
    res.on('close', done);
  });
}

export async function startHubMirror(opts: {
  repos: Record<string, MirrorRepoSpec>;
  faults?: Record<string, FileFault>;
  /** Answer LFS resolves with a 302 to `/cdn/<sha256>` like huggingface.co (default: serve directly). */
  lfsRedirect?: boolean;
}): Promise<HubMirror> {
  const repos = new Map(Object.entries(opts.repos).map(([id, spec]) => [id, loadRepo(id, spec)]));
  const faults = new Map(Object.entries(opts.faults ?? {}).map(([k, f]) => [k, { ...f }]));
  const requests: MirrorRequest[] = [];

  const resolveRev = (repo: RepoState, rev: string) => (rev === repo.commit || repo.refs.has(rev) ? repo.commit : null);
  const faultFor = (repo: string, file: string) => faults.get(`${repo}/${file}`) ?? faults.get(file);

  function sendJson(res: http.ServerResponse, log: MirrorRequest, status: number, body: unknown, headers: Record<string, string> = {}) {
    const text = JSON.stringify(body);
    log.status = status;
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
    res.end(text);
    log.bytesSent = Buffer.byteLength(text);
  }

  function notFound(res: http.ServerResponse, log: MirrorRequest, code: string, message: string) {
    sendJson(res, log, 404, { error: message }, { 'x-error-code': code, 'x-error-message': message });
  }

  function modelInfo(repo: RepoState, blobs: boolean) {
    return {
      _id: repo.commit.slice(0, 24), id: repo.id, modelId: repo.id, sha: repo.commit,
      private: false, gated: false, disabled: false, lastModified: '2025-01-01T00:00:00.000Z', tags: ['onnx'],
      siblings: [...repo.files.values()].map((f) => (blobs
        ? { rfilename: f.path, blobId: f.gitSha1, size: f.size, ...(f.lfs ? { lfs: { sha256: f.sha256, size: f.size, pointerSize: 134 } } : {}) }
        : { rfilename: f.path })),
    };
  }

  function treeEntries(repo: RepoState, dir: string, recursive: boolean) {
    const prefix = dir ? `${dir.replace(/\/$/, '')}/` : '';
    const entries: unknown[] = [];
    const dirs = new Set<string>();
    for (const f of repo.files.values()) {
      if (!f.path.startsWith(prefix)) continue;
      const rest = f.path.slice(prefix.length);
      const slash = rest.indexOf('/');
      if (slash >= 0 && !recursive) { dirs.add(prefix + rest.slice(0, slash)); continue; }
      if (recursive) for (let i = rest.indexOf('/'); i >= 0; i = rest.indexOf('/', i + 1)) dirs.add(prefix + rest.slice(0, i));
      entries.push({ type: 'file', oid: f.gitSha1, size: f.size, path: f.path, ...(f.lfs ? { lfs: { oid: f.sha256, size: f.size, pointerSize: 134 } } : {}) });
    }
    return [...[...dirs].sort().map((d) => ({ type: 'directory', oid: createHash('sha1').update(d).digest('hex'), size: 0, path: d })), ...entries];
  }

  async function serveFile(req: http.IncomingMessage, res: http.ServerResponse, log: MirrorRequest, repo: RepoState, file: MirrorFile) {
    const fault = faultFor(repo.id, file.path);
    if (fault?.status !== undefined && (fault.statusTimes ?? Infinity) > 0) {
      if (fault.statusTimes !== undefined) fault.statusTimes--;
      if (fault.status === 404) return notFound(res, log, 'EntryNotFound', `${file.path} does not exist on "${repo.commit}"`);
      return sendJson(res, log, fault.status, { error: `injected ${fault.status}` });
    }
    const headers: Record<string, string | number> = {
      'accept-ranges': 'bytes',
      'content-type': 'application/octet-stream',
      etag: `"${file.lfs ? file.sha256 : file.gitSha1}"`,
      'x-repo-commit': repo.commit,
    };
    if (file.lfs) { headers['x-linked-etag'] = `"${file.sha256}"`; headers['x-linked-size'] = file.size; }
    let start = 0;
    let end = file.size - 1;
    let status = 200;
    const range = req.headers.range;
    if (range) {
      const m = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
      if (!m || (m[1] === '' && m[2] === '')) return sendJson(res, log, 416, { error: 'bad range' }, { 'content-range': `bytes */${file.size}` });
      if (m[1] === '') { start = Math.max(0, file.size - Number(m[2])); } else { start = Number(m[1]); if (m[2] !== '') end = Math.min(end, Number(m[2])); }
      if (start >= file.size || start > end) return sendJson(res, log, 416, { error: 'range not satisfiable' }, { 'content-range': `bytes */${file.size}` });
      status = 206;
      headers['content-range'] = `bytes ${start}-${end}/${file.size}`;
    }
    headers['content-length'] = end - start + 1;
    log.status = status;
    res.writeHead(status, headers);
    if (req.method === 'HEAD') { res.end(); return; }

    const chunkSize = fault?.chunkSize ?? 16 * 1024;
    let dropAt = -1;
    if (fault?.dropAfterBytes !== undefined && (fault.dropTimes ?? 1) > 0) {
      fault.dropTimes = (fault.dropTimes ?? 1) - 1; // Infinity stays Infinity
      dropAt = fault.dropAfterBytes;
    }
    const corruptAt = fault?.corrupt ? Math.floor(file.size / 2) : -1;
    let offset = start;
    const stream = createReadStream(file.abs, { start, end, highWaterMark: chunkSize });
    for await (const raw of stream) {
      let chunk = raw as Buffer;
      if (corruptAt >= offset && corruptAt < offset + chunk.length) {
        chunk = Buffer.from(chunk);
        chunk[corruptAt - offset] ^= 0xff;
      }
      if (fault?.delayPerChunkMs) await sleep(fault.delayPerChunkMs);
      if (dropAt >= 0 && log.bytesSent + chunk.length >= dropAt) {
        const part = chunk.subarray(0, dropAt - log.bytesSent);
        if (part.length) await new Promise<void>((r) => res.write(part, () => r()));
        log.bytesSent += part.length;
        // A stalled connection that then dies: the client has time to take what arrived.
        await sleep(30);
        stream.destroy();
        res.socket?.destroy();
        return;
      }
      offset += chunk.length;
      log.bytesSent += chunk.length;
      if (!res.write(chunk)) await drained(res);
      if (res.destroyed) { stream.destroy(); return; }
    }
    res.end();
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://mirror');
    const p = decodeURIComponent(url.pathname);
    const log: MirrorRequest = {
      method: req.method ?? 'GET', path: p, query: url.search, range: req.headers.range ?? null, status: 0, bytesSent: 0,
      authorization: req.headers.authorization ?? null,
    };
    requests.push(log);
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, log, 405, { error: 'method not allowed' });

    let m = /^\/api\/models\/([^/]+\/[^/]+)(?:\/(revision|tree)\/([^/]+)(?:\/(.*))?)?$/.exec(p);
    if (m) {
      const repo = repos.get(m[1]);
      log.repo = m[1];
      if (!repo) return notFound(res, log, 'RepositoryNotFound', `Repository not found: ${m[1]}`);
      const commit = resolveRev(repo, m[3] ?? 'main');
      if (!commit) return notFound(res, log, 'RevisionNotFound', `Invalid rev id: ${m[3]}`);
      if (m[2] === 'tree') return sendJson(res, log, 200, treeEntries(repo, m[4] ?? '', isTrue(url.searchParams.get('recursive'))));
      return sendJson(res, log, 200, modelInfo(repo, isTrue(url.searchParams.get('blobs'))));
    }
    m = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(p);
    if (m) {
      const repo = repos.get(m[1]);
      log.repo = m[1];
      log.file = m[3];
      if (!repo) return notFound(res, log, 'RepositoryNotFound', `Repository not found: ${m[1]}`);
      if (!resolveRev(repo, m[2])) return notFound(res, log, 'RevisionNotFound', `Invalid rev id: ${m[2]}`);
      const file = repo.files.get(m[3]);
      if (!file) return notFound(res, log, 'EntryNotFound', `${m[3]} does not exist on "${m[2]}"`);
      if (opts.lfsRedirect && file.lfs) {
        // The real hub sends LFS files to its CDN with a 302 that carries the file's identity.
        log.status = 302;
        res.writeHead(302, {
          location: `/cdn/${file.sha256}`, 'x-repo-commit': repo.commit, 'x-linked-etag': `"${file.sha256}"`,
          'x-linked-size': file.size, 'content-length': 0,
        });
        return void res.end();
      }
      return serveFile(req, res, log, repo, file);
    }
    m = /^\/cdn\/([0-9a-f]{64})$/.exec(p);
    const cdn = m && [...repos.values()].flatMap((r) => [...r.files.values()].map((f) => ({ r, f }))).find(({ f }) => f.sha256 === m![1]);
    if (cdn) {
      log.repo = cdn.r.id;
      log.file = cdn.f.path;
      return serveFile(req, res, log, cdn.r, cdn.f);
    }
    return sendJson(res, log, 404, { error: 'not found' });
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500).end(String(err));
      else res.destroy();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  const repoOf = (id: string) => {
    const r = repos.get(id);
    if (!r) throw new Error(`mirror has no repo ${id}`);
    return r;
  };
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    fileRequests: (repo, file) => requests.filter((r) => r.repo === repo && r.file === file),
    setFault(key, fault) { if (fault) faults.set(key, { ...fault }); else faults.delete(key); },
    commitOf: (id) => repoOf(id).commit,
    files: (id) => [...repoOf(id).files.values()],
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
