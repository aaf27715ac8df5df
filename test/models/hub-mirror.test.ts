// The test hub mirror speaks Hugging Face's protocol: checked with plain HTTP and with transformers.js
// itself loading a forged model's config and tokenizer from it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startHubMirror, type HubMirror } from '../support/hub-mirror';
import { tinyModelDir } from '../support/models';
import { makeModelFolder, tempDir } from './fixture';

let mirror: HubMirror;
let src: string;
let tiny: string;
const REPO = 'acme/fixture';
const VE = 'onnx/vision_encoder.onnx';

beforeAll(async () => {
  src = makeModelFolder(tempDir(), { suffixes: [''], onnxBytes: 10_000 });
  tiny = await tinyModelDir();
  mirror = await startHubMirror({ repos: { [REPO]: { dir: src }, 'acme/tiny': { dir: tiny } } });
});
afterAll(() => mirror.close());

describe('hub mirror', () => {
  it('lists a revision like the hub API: sha, siblings, and with blobs=true sizes, blobIds and lfs.sha256', async () => {
    const commit = mirror.commitOf(REPO);
    const plain = await (await fetch(`${mirror.url}/api/models/${REPO}`)).json() as { sha: string; siblings: object[] };
    expect(plain.sha).toBe(commit);
    expect(plain.siblings).toContainEqual({ rfilename: 'config.json' });

    const res = await fetch(`${mirror.url}/api/models/${REPO}/revision/main?blobs=true`);
    const body = await res.json() as { sha: string; siblings: { rfilename: string; size: number; blobId: string; lfs?: { sha256: string; size: number } }[] };
    const data = readFileSync(path.join(src, VE));
    expect(body.siblings.find((s) => s.rfilename === VE)).toEqual({
      rfilename: VE, size: data.length,
      blobId: createHash('sha1').update(`blob ${data.length}\0`).update(data).digest('hex'),
      lfs: { sha256: createHash('sha256').update(data).digest('hex'), size: data.length, pointerSize: 134 },
    });
    expect(body.siblings.find((s) => s.rfilename === 'config.json')?.lfs).toBeUndefined();

    const tree = await (await fetch(`${mirror.url}/api/models/${REPO}/tree/${commit}?recursive=true`)).json() as { type: string; path: string; lfs?: { oid: string } }[];
    expect(tree.find((e) => e.path === 'onnx')).toMatchObject({ type: 'directory' });
    expect(tree.find((e) => e.path === VE)?.lfs?.oid).toBe(createHash('sha256').update(data).digest('hex'));
    const top = await (await fetch(`${mirror.url}/api/models/${REPO}/tree/main`)).json() as { path: string }[];
    expect(top.map((e) => e.path)).not.toContain(VE);
  });

  it('resolves files with HEAD metadata, ranges and hub-style errors', async () => {
    const commit = mirror.commitOf(REPO);
    const data = readFileSync(path.join(src, VE));
    const head = await fetch(`${mirror.url}/${REPO}/resolve/main/${VE}`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(data.length));
    expect(head.headers.get('x-repo-commit')).toBe(commit);
    expect(head.headers.get('x-linked-etag')).toBe(`"${createHash('sha256').update(data).digest('hex')}"`);
    expect(head.headers.get('accept-ranges')).toBe('bytes');

    const part = await fetch(`${mirror.url}/${REPO}/resolve/${commit}/${VE}`, { headers: { range: 'bytes=100-199' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100-199/${data.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(data.subarray(100, 200))).toBe(true);
    const probe = await fetch(`${mirror.url}/${REPO}/resolve/main/config.json`, { headers: { range: 'bytes=0-0' } });
    expect(probe.headers.get('content-range')).toMatch(/^bytes 0-0\/\d+$/);
    await probe.arrayBuffer();
    const past = await fetch(`${mirror.url}/${REPO}/resolve/main/${VE}`, { headers: { range: `bytes=${data.length}-` } });
    expect(past.status).toBe(416);
    await past.arrayBuffer();

    const missing = await fetch(`${mirror.url}/${REPO}/resolve/main/nope.json`);
    expect([missing.status, missing.headers.get('x-error-code')]).toEqual([404, 'EntryNotFound']);
    const badRev = await fetch(`${mirror.url}/${REPO}/resolve/v2/config.json`);
    expect(badRev.headers.get('x-error-code')).toBe('RevisionNotFound');
    const badRepo = await fetch(`${mirror.url}/api/models/acme/none`);
    expect(badRepo.headers.get('x-error-code')).toBe('RepositoryNotFound');
    expect(mirror.requests.at(-1)).toMatchObject({ method: 'GET', path: '/api/models/acme/none', status: 404 });
  });

  it('serves transformers.js (remoteHost = mirror) the forged model config and tokenizer', async () => {
    const { env, AutoConfig, AutoTokenizer } = await import('@huggingface/transformers');
    env.allowLocalModels = false;
    env.remoteHost = `${mirror.url}/`;
    env.cacheDir = tempDir();
    const config = await AutoConfig.from_pretrained('acme/tiny') as unknown as { model_type: string };
    expect(config.model_type).toBe(JSON.parse(readFileSync(path.join(tiny, 'config.json'), 'utf8')).model_type);
    const tokenizer = await AutoTokenizer.from_pretrained('acme/tiny');
    expect(tokenizer.encode('hello').length).toBeGreaterThan(0);
    expect(mirror.requests.some((r) => r.repo === 'acme/tiny' && r.file === 'tokenizer.json' && r.status === 200)).toBe(true);
  });
});
