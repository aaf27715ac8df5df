// Smart-album rules against a known, hand-inserted library: each condition kind, AND/OR nesting,
// live updates (rules run at query time) and clear rejection of invalid rules.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../main/service/context';
import { createService } from '../../main/service/index';
import { invoke } from '../../main/service/invoke';
import type { Service } from '../../shared/api';
import type { RuleCondition, RuleGroup } from '../../shared/rules';
import { compileRule, parseRule } from '../../main/albums/rule-sql';
import { insertPhoto, insertRoot, tempContext } from './fixture';

let ctx: AppContext;
let service: Service;
const ids: Record<string, number> = {};

beforeAll(() => {
  ({ ctx } = tempContext());
  service = createService(ctx);
  const a = insertRoot(ctx.db, '/photos/a');
  const b = insertRoot(ctx.db, '/photos/b');
  ids.beach = insertPhoto(ctx.db, a, {
    relPath: 'trips/2021/beach.jpg', takenAt: '2021-07-14T10:00:00', make: 'Canon', model: 'EOS 5D',
    lat: 43.1, lon: 5.9, width: 4000, height: 3000, aiCaption: 'a dog running on a sandy beach', aiTags: ['dog', 'beach', 'sand'],
  });
  ids.mountain = insertPhoto(ctx.db, a, {
    relPath: 'trips/2021/alps/mountain.jpg', takenAt: '2021-12-24T09:00:00', make: 'NIKON CORPORATION', model: 'D750',
    width: 3000, height: 4000, aiCaption: 'snowy mountain peak under blue sky', aiTags: ['mountain', 'snow'],
  });
  ids.rotated = insertPhoto(ctx.db, a, {
    relPath: 'family/portrait.jpg', takenAt: '2022-07-01T18:30:00', make: 'Apple', model: 'iPhone 13',
    width: 3000, height: 4000, orientation: 6, lat: 48.85, lon: 2.35, aiCaption: 'a smiling child', aiTags: ['child', 'dog'],
    userTags: ['Family'],
  });
  ids.offline = insertPhoto(ctx.db, b, {
    relPath: 'scans/old.png', takenAt: '1999-07-05T12:00:00', width: 800, height: 600, status: 'offline',
    aiCaption: 'old photograph of a house', aiTags: ['house'],
  });
  ids.undated = insertPhoto(ctx.db, b, {
    relPath: 'trips-extra/cat.jpg', takenAt: null, sortDate: '2023-03-02T08:00:00', width: 500, height: 500,
    userCaption: 'our cat on the sofa', userTags: ['cat'],
  });
});
afterAll(async () => { await ctx.close(); });

const and = (...items: (RuleCondition | RuleGroup)[]): RuleGroup => ({ op: 'and', items });
const or = (...items: (RuleCondition | RuleGroup)[]): RuleGroup => ({ op: 'or', items });

async function matching(rule: RuleGroup): Promise<string[]> {
  const album = await service['albums.create']({ name: `t${Math.random()}`, rule });
  const page = await service['albums.photos']({ id: album.id, limit: 1000 });
  await service['albums.remove']({ id: album.id as number });
  const byId = new Map(Object.entries(ids).map(([k, v]) => [v, k]));
  expect(page.total).toBe(page.items.length);
  return page.items.map((p) => byId.get(p.id)!).sort();
}

describe('each condition kind', () => {
  const cases: [string, RuleCondition, string[]][] = [
    ['text matches caption words (prefix)', { kind: 'text', value: 'sand' }, ['beach']],
    ['text needs every word', { kind: 'text', value: 'dog beach' }, ['beach']],
    ['text matches user captions', { kind: 'text', value: 'sofa' }, ['undated']],
    ['text matches tags', { kind: 'text', value: 'snow' }, ['mountain']],
    ['tag is (any source, case-insensitive)', { kind: 'tag', op: 'is', value: 'DOG' }, ['beach', 'rotated']],
    ['tag is (user tag)', { kind: 'tag', op: 'is', value: 'family' }, ['rotated']],
    ['tag is not', { kind: 'tag', op: 'isNot', value: 'dog' }, ['mountain', 'offline', 'undated']],
    ['date range inclusive both ends', { kind: 'dateRange', from: '2021-07-14', to: '2022-07-01' }, ['beach', 'mountain', 'rotated']],
    ['date range open start', { kind: 'dateRange', to: '2021-07-13' }, ['offline']],
    ['date range uses file date when undated', { kind: 'dateRange', from: '2023-01-01' }, ['undated']],
    ['year', { kind: 'year', value: 2021 }, ['beach', 'mountain']],
    ['month (any year)', { kind: 'month', value: 7 }, ['beach', 'offline', 'rotated']],
    ['folder relative to a root', { kind: 'folder', value: 'trips' }, ['beach', 'mountain']],
    ['folder nested', { kind: 'folder', value: 'trips/2021/alps/' }, ['mountain']],
    ['folder starting with the root folder name', { kind: 'folder', value: 'b/trips-extra' }, ['undated']],
    ['folder name alone is the whole root', { kind: 'folder', value: 'a' }, ['beach', 'mountain', 'rotated']],
    ['folder absolute', { kind: 'folder', value: '/photos/b' }, ['offline', 'undated']],
    ['folder absolute is not a string prefix', { kind: 'folder', value: '/photos/b/trips' }, []],
    ['folder has no wildcards', { kind: 'folder', value: 'trips_extra' }, []],
    ['folder above the roots', { kind: 'folder', value: '/photos' }, ['beach', 'mountain', 'offline', 'rotated', 'undated']],
    ['camera make or model, case-insensitive', { kind: 'camera', value: 'nikon' }, ['mountain']],
    ['camera model', { kind: 'camera', value: 'iphone' }, ['rotated']],
    ['has GPS', { kind: 'hasGps', value: true }, ['beach', 'rotated']],
    ['has no GPS', { kind: 'hasGps', value: false }, ['mountain', 'offline', 'undated']],
    ['landscape (displayed size)', { kind: 'orientation', value: 'landscape' }, ['beach', 'offline']],
    ['portrait (displayed size, rotated by EXIF)', { kind: 'orientation', value: 'portrait' }, ['mountain', 'rotated']],
    ['status', { kind: 'status', value: 'offline' }, ['offline']],
  ];
  for (const [name, cond, expected] of cases) {
    it(name, async () => { expect(await matching(and(cond))).toEqual(expected); });
  }
});

describe('nesting', () => {
  it('AND of conditions', async () => {
    expect(await matching(and({ kind: 'tag', op: 'is', value: 'dog' }, { kind: 'hasGps', value: true }, { kind: 'year', value: 2022 })))
      .toEqual(['rotated']);
  });
  it('OR of conditions', async () => {
    expect(await matching(or({ kind: 'tag', op: 'is', value: 'cat' }, { kind: 'camera', value: 'canon' }))).toEqual(['beach', 'undated']);
  });
  it('AND containing OR containing AND', async () => {
    const rule = and(
      { kind: 'status', value: 'ok' },
      or(
        and({ kind: 'year', value: 2021 }, { kind: 'orientation', value: 'portrait' }),
        { kind: 'text', value: 'cat' },
      ),
    );
    expect(await matching(rule)).toEqual(['mountain', 'undated']);
  });
  it('compiles to one SQL expression with bound parameters only', () => {
    const c = compileRule(and({ kind: 'text', value: "x' OR 1=1 --" }, { kind: 'folder', value: "a'b" }));
    expect(c.where).not.toContain("a'b");
    expect(c.params).toContain('("x"* AND "OR"* AND "1"* AND "1"*)');
  });
});

describe('albums stay current', () => {
  it('a smart album includes a matching photo added later, without refresh', async () => {
    const album = await service['albums.create']({ name: 'Dogs', rule: and({ kind: 'tag', op: 'is', value: 'dog' }) });
    expect(album.count).toBe(2);
    const root = ctx.db.prepare('SELECT id FROM roots WHERE path = ?').get('/photos/a') as { id: number };
    const added = insertPhoto(ctx.db, root.id, { relPath: 'new/puppy.jpg', takenAt: '2024-01-01T00:00:00', aiCaption: 'a puppy', aiTags: ['dog'] });
    const after = await service['albums.get']({ id: album.id });
    expect(after.count).toBe(3);
    expect(after.coverId).toBe(added);
    const page = await service['albums.photos']({ id: album.id, limit: 10 });
    expect(page.items[0]!.id).toBe(added);
    // A newer match whose thumbnail is not made yet counts, but the cover stays a photo that has one.
    const unthumbed = insertPhoto(ctx.db, root.id, { relPath: 'new/just-found.jpg', takenAt: '2025-01-01T00:00:00', aiTags: ['dog'], thumb: false });
    expect(await service['albums.get']({ id: album.id })).toMatchObject({ count: 4, coverId: added });
    ctx.db.prepare('DELETE FROM photos WHERE id = ?').run(unthumbed);
    ctx.db.prepare('DELETE FROM photos WHERE id = ?').run(added);
    expect((await service['albums.get']({ id: album.id })).count).toBe(2);
    await service['albums.remove']({ id: album.id as number });
  });

  it('pages with a cursor through a manual album', async () => {
    const album = await service['albums.create']({ name: 'Picks' });
    expect(album.kind).toBe('manual');
    await service['albums.addPhotos']({ id: album.id as number, photoIds: [ids.beach!, ids.mountain!, ids.undated!] });
    const first = await service['albums.photos']({ id: album.id, limit: 2 });
    expect(first.items.map((p) => p.id)).toEqual([ids.undated, ids.mountain]);
    const second = await service['albums.photos']({ id: album.id, limit: 2, cursor: first.nextCursor! });
    expect(second.items.map((p) => p.id)).toEqual([ids.beach]);
    expect(second.nextCursor).toBeNull();
    await service['albums.removePhotos']({ id: album.id as number, photoIds: [ids.beach!] });
    expect((await service['albums.get']({ id: album.id })).count).toBe(2);
    await expect(service['albums.create']({ name: 'picks' })).rejects.toThrow(/already exists/);
    await service['albums.remove']({ id: album.id as number });
  });

  it('auto albums: top tags, years and months', async () => {
    const list = await service['albums.list']({ includeAuto: true });
    const byId = new Map(list.map((a) => [a.id, a]));
    expect(byId.get('tag:dog')?.count).toBe(2);
    expect(byId.get('year:2021')?.count).toBe(2);
    expect(byId.get('month:2021-07')).toMatchObject({ count: 1, name: 'July 2021', kind: 'auto' });
    const page = await service['albums.photos']({ id: 'month:2021-12', limit: 10 });
    expect(page.items.map((p) => p.id)).toEqual([ids.mountain]);
  });
});

describe('invalid rules are rejected clearly', () => {
  it('through the contract (zod)', async () => {
    await expect(invoke(service, 'albums.create', { name: 'x', rule: { op: 'and', items: [] } }))
      .rejects.toThrow(/at least one condition/);
    await expect(invoke(service, 'albums.create', { name: 'x', rule: { op: 'and', items: [{ kind: 'colour', value: 'red' }] } }))
      .rejects.toThrow(/Invalid input for albums.create/);
    await expect(invoke(service, 'albums.create', { name: 'x', rule: { op: 'xor', items: [{ kind: 'year', value: 2020 }] } }))
      .rejects.toThrow(/op/);
    await expect(invoke(service, 'albums.preview', { rule: { op: 'and', items: [{ kind: 'month', value: 13 }] } }))
      .rejects.toThrow(/items\.0/);
    await expect(invoke(service, 'albums.preview', { rule: { op: 'and', items: [{ kind: 'dateRange' }] } }))
      .rejects.toThrow(/dateRange needs from or to/);
  });
  it('rules that validate but cannot match are refused', async () => {
    await expect(service['albums.create']({ name: 'x', rule: and({ kind: 'text', value: '!!!' }) })).rejects.toThrow(/no searchable word/);
    expect(() => parseRule('{not json')).toThrow(expect.objectContaining({ kind: 'input', message: expect.stringMatching(/^Invalid album rule: not valid JSON/) }));
    expect(() => parseRule('{"op":"and","items":[{"kind":"year","value":"2020"}]}')).toThrow(/Invalid album rule: items\.0/);
    expect((await service['albums.list']({ includeAuto: false })).filter((a) => a.name === 'x')).toEqual([]);
  });
  it('a manual album refuses rules and a smart one refuses photos', async () => {
    const smart = await service['albums.create']({ name: 'S', rule: and({ kind: 'year', value: 2021 }) });
    await expect(service['albums.addPhotos']({ id: smart.id as number, photoIds: [ids.beach!] })).rejects.toThrow(/smart album/);
    const manual = await service['albums.create']({ name: 'M' });
    await expect(service['albums.update']({ id: manual.id as number, rule: and({ kind: 'year', value: 2021 }) })).rejects.toThrow(/manual album/);
    await expect(service['albums.get']({ id: 'nope:1' })).rejects.toThrow(/No album/);
  });
});
