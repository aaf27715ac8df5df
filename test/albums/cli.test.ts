// The albums, duplicates, edit and export commands through the real CLI (separate processes) on a
// known library: JSON output, clear errors and exit codes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { makePhotos } from '../support/photos';
import { insertPhoto, insertRoot, tempContext } from './fixture';

const REPO = path.resolve(__dirname, '../..');
let dir: string;
let dataDir: string;
let photos: string;

function cli(...args: string[]): { code: number | null; out: string; err: string; json: () => unknown } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'main/cli/index.ts', ...args, '--data-dir', dataDir], { cwd: REPO, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr, json: () => JSON.parse(r.stdout) };
}

beforeAll(async () => {
  const t = tempContext('smolalbum-cli-');
  dir = t.dir;
  dataDir = path.join(dir, 'data');
  await makePhotos(path.join(dir, 'photos'), [{ rel: 'a.jpg' }, { rel: 'trip/b.jpg' }, { rel: 'trip/c.jpg' }]);
  photos = realpathSync(path.join(dir, 'photos'));
  const root = insertRoot(t.ctx.db, photos);
  insertPhoto(t.ctx.db, root, { relPath: 'a.jpg', takenAt: '2020-05-01T10:00:00', aiCaption: 'a sunny beach', aiTags: ['beach'], phash: '00ff00ff00ff00ff' });
  insertPhoto(t.ctx.db, root, { relPath: 'trip/b.jpg', takenAt: '2021-05-01T10:00:00', aiCaption: 'a beach at dusk', aiTags: ['beach', 'dusk'], phash: '00ff00ff00ff00fe' });
  insertPhoto(t.ctx.db, root, { relPath: 'trip/c.jpg', takenAt: '2022-05-01T10:00:00', aiCaption: 'a city street', aiTags: ['city'], phash: 'ff00ff00ff00ff00' });
  await t.ctx.close();
}, 60_000);
afterAll(() => {});

describe('albums', () => {
  it('creates a smart album from a JSON rule and shows its photos', () => {
    const created = cli('albums', 'create', 'Beaches', '--rule', '{"op":"and","items":[{"kind":"tag","op":"is","value":"beach"},{"kind":"year","value":2021}]}', '--json');
    expect(created.code).toBe(0);
    expect(created.json()).toMatchObject({ name: 'Beaches', kind: 'smart', count: 1 });
    const shown = cli('albums', 'show', 'Beaches', '--json');
    expect((shown.json() as { photos: { path: string }[] }).photos.map((p) => p.path)).toEqual([path.join(photos, 'trip/b.jpg')]);
  });

  it('rejects an invalid rule with a clear message and exit code 2 (input)', () => {
    const bad = cli('albums', 'create', 'Bad', '--rule', '{"op":"and","items":[{"kind":"year","value":"twenty"}]}');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/Invalid album rule: items\.0/);
    const notJson = cli('albums', 'create', 'Bad', '--rule', '{op:and}');
    expect(notJson.err).toMatch(/Invalid album rule: not valid JSON/);
  });

  it('manual albums: add files and folders by path, list, remove', () => {
    expect(cli('albums', 'create', 'Picks').code).toBe(0);
    const added = cli('albums', 'add', 'Picks', path.join(photos, 'a.jpg'), path.join(photos, 'trip'), '--json');
    expect(added.code).toBe(0);
    expect(added.json()).toMatchObject({ count: 3, added: 3 });
    const missing = cli('albums', 'add', 'Picks', path.join(dir, 'elsewhere.jpg'));
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/Not in the library: .*elsewhere\.jpg/);
    const list = cli('albums', 'list', '--json').json() as { name: string; count: number }[];
    expect(list.map((a) => [a.name, a.count])).toEqual([['Beaches', 1], ['Picks', 3]]);
    expect(cli('albums', 'rm', 'Picks').code).toBe(0);
    expect(cli('albums', 'show', 'Picks').err).toMatch(/No album named "Picks"/);
    expect(cli('albums', 'show', 'tag:beach', '--json').json()).toMatchObject({ kind: 'auto', count: 2 });
  });
});

describe('duplicates, edit, export', () => {
  it('duplicates --json lists near-identical photos', () => {
    const groups = cli('duplicates', '--json').json() as { distance: number; photos: { path: string }[] }[];
    expect(groups).toEqual([{ distance: 1, photos: [expect.objectContaining({ path: path.join(photos, 'a.jpg') }), expect.objectContaining({ path: path.join(photos, 'trip/b.jpg') })] }]);
  });

  it('edit sets a user caption and tags by path', () => {
    const r = cli('edit', path.join(photos, 'trip/c.jpg'), '--caption', 'Main street in Lyon', '--tag', 'Lyon', '--untag', 'city', '--json');
    expect(r.code).toBe(0);
    const [photo] = r.json() as { caption: string; tags: { name: string; source: string }[] }[];
    expect(photo!.caption).toBe('Main street in Lyon');
    expect(photo!.tags).toEqual([{ name: 'Lyon', source: 'user', confidence: null }]);
    const hits = cli('search', 'lyon', '--json').json() as { path: string }[];
    expect(hits.map((h) => h.path)).toEqual([path.join(photos, 'trip/c.jpg')]);
  });

  it('export --xmp and --csv, with usage errors for bad flag mixes', () => {
    const x = cli('export', '--xmp', '--json');
    expect(x.code).toBe(0);
    expect((x.json() as { written: number }).written).toBe(3);
    expect(existsSync(path.join(photos, 'trip/c.jpg.xmp'))).toBe(true);
    const csv = path.join(dir, 'out.csv');
    expect(cli('export', '--csv', csv).code).toBe(0);
    expect(readFileSync(csv, 'utf8')).toContain('Main street in Lyon,Lyon,user,');
    expect(cli('export', '--xmp', '--txt').code).toBe(2);
    expect(cli('export', '--csv', csv, '--out', dir).err).toMatch(/--out is for sidecars/);
    const fmt = cli('export', '--txt', '--format', 'words');
    expect(fmt.code, "invalid input: exit code 2").toBe(2);
    expect(fmt.err).toMatch(/txtFormat/);
  });
});
