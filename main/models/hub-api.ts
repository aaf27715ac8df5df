// The hub's listing of a revision (`GET /api/models/REPO/revision/REV?blobs=true`, as huggingface_hub's
// model_info(files_metadata=True)): the commit sha plus each file's size and hash. LFS files carry
// `lfs.sha256`; plain files only their git blob sha1 (`blobId`). The hash doubles as the cache blob name.
import { hubHttpError, withRetries, type ExpectedHash, type RetryOptions } from './download';

export interface HubFile {
  path: string;
  size: number;
  /** Blob name in the cache: sha256 for LFS files, git blob sha1 otherwise (huggingface_hub's etag). */
  etag: string;
  expected: ExpectedHash;
}

export interface RepoListing {
  repo: string;
  commit: string;
  /** Files with a size and hash the download can be verified against. */
  files: Map<string, HubFile>;
  /** Every file name the revision lists (some may lack hash metadata). */
  names: Set<string>;
}

interface Sibling { rfilename?: unknown; size?: unknown; blobId?: unknown; lfs?: { sha256?: unknown; size?: unknown } | null }

const HEX40 = /^[0-9a-f]{40}$/;
const HEX64 = /^[0-9a-f]{64}$/;

export const resolveUrl = (endpoint: string, repo: string, commit: string, file: string) =>
  `${endpoint}/${repo}/resolve/${encodeURIComponent(commit)}/${file.split('/').map(encodeURIComponent).join('/')}`;

function listingError(res: Response, endpoint: string, repo: string, revision: string): Error {
  const code = res.headers.get('x-error-code');
  // A 4xx status: final, not retried.
  if (code === 'RevisionNotFound') return hubHttpError(`Revision "${revision}" of ${repo} was not found on ${endpoint}`, res.status, res.url);
  if (res.status === 404 || res.status === 401 || code === 'RepositoryNotFound') {
    return hubHttpError(`Model ${repo} was not found on ${endpoint} (HTTP ${res.status}; private or gated models need HF_TOKEN)`, res.status, res.url);
  }
  return hubHttpError(`Listing ${repo}@${revision} on ${endpoint} failed: HTTP ${res.status} ${res.statusText}`, res.status, res.url);
}

function parseSibling(s: Sibling, file: string): HubFile | null {
  const lfsSha = s.lfs?.sha256;
  if (typeof lfsSha === 'string' && HEX64.test(lfsSha)) {
    const size = Number(s.lfs?.size ?? s.size);
    return { path: file, size, etag: lfsSha, expected: { algo: 'sha256', hex: lfsSha } };
  }
  if (typeof s.blobId === 'string' && HEX40.test(s.blobId) && typeof s.size === 'number') {
    return { path: file, size: s.size, etag: s.blobId, expected: { algo: 'git-sha1', hex: s.blobId } };
  }
  return null;
}

export async function fetchListing(
  endpoint: string, repo: string, revision: string, headers: Record<string, string>, retry: RetryOptions,
): Promise<RepoListing> {
  const url = `${endpoint}/api/models/${repo}/revision/${encodeURIComponent(revision)}?blobs=true`;
  const body = await withRetries(retry, async () => {
    const res = await fetch(url, { headers, signal: retry.signal });
    if (!res.ok) { await res.body?.cancel(); throw listingError(res, endpoint, repo, revision); }
    return (await res.json()) as { sha?: unknown; siblings?: unknown };
  });
  if (typeof body.sha !== 'string' || !HEX40.test(body.sha) || !Array.isArray(body.siblings)) {
    throw new Error(`${url} did not return a model listing (no commit sha or file list)`);
  }
  const files = new Map<string, HubFile>();
  const names = new Set<string>();
  for (const s of body.siblings as Sibling[]) {
    if (typeof s.rfilename !== 'string') continue;
    names.add(s.rfilename);
    const f = parseSibling(s, s.rfilename);
    if (f) files.set(f.path, f);
  }
  return { repo, commit: body.sha, files, names };
}
