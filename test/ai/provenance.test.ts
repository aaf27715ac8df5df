// Provenance and priority (user > xmp > ai) at the repository level, and XMP import rules: sidecar
// names, malformed sidecars, and our own exported text never coming back as xmp-source text.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { AppContext } from '../../main/service/context';
import { createService } from '../../main/service/index';
import { invoke } from '../../main/service/invoke';
import type { Service } from '../../shared/api';
import { addUserTags, removeTags, saveAiResult, saveXmpMetadata, setUserCaption } from '../../main/ai/provenance';
import { importXmpMetadata, sidecarCandidates } from '../../main/ai/xmp-import';
import { mergeXmp } from '../../main/export/xmp-doc';
import { nowIso } from '../../main/db/connection';
import { insertPhoto, insertRoot, tempContext } from '../albums/fixture';

let ctx: AppContext;
let service: Service;
let dir: string;
let root: number;
let rootPath: string;

beforeAll(() => {
  ({ ctx, dir } = tempContext('smolalbum-prov-'));
  service = createService(ctx);
  rootPath = path.join(dir, 'photos');
  mkdirSync(rootPath, { recursive: true });
  root = insertRoot(ctx.db, rootPath);
});
afterAll(() => ctx.close());

const shown = async (id: number) => {
  const p = await service['photos.get']({ id });
  return { caption: p.caption, captions: p.captions.map((c) => `${c.source}:${c.text}`), tags: p.tags.map((t) => `${t.source}:${t.name}`) };
};
const search = async (q: string) => (await service['photos.search']({ query: q, filters: {}, limit: 50 })).hits.map((h) => h.id);

describe('priority user > xmp > ai', () => {
  it('the effective caption follows the priority and an AI re-run never replaces a person\'s text', async () => {
    const id = insertPhoto(ctx.db, root, { relPath: 'a.jpg' });
    saveAiResult(ctx.db, id, { caption: 'a cat on a sofa', tags: ['Cat', 'sofa'], model: 'm1', prompt: 'p' });
    expect((await shown(id)).caption).toBe('a cat on a sofa');
    saveXmpMetadata(ctx.db, id, { description: 'Minou at home', keywords: ['Minou'] });
    expect((await shown(id)).caption).toBe('Minou at home');
    await service['photos.setCaption']({ id, text: '  Our cat Minou  ' });
    saveAiResult(ctx.db, id, { caption: 'a dog on a rug', tags: ['dog'], model: 'm2', prompt: 'p' });
    expect(await shown(id)).toEqual({
      caption: 'Our cat Minou',
      captions: ['user:Our cat Minou', 'xmp:Minou at home', 'ai:a dog on a rug'],
      tags: ['xmp:Minou', 'ai:dog'],
    });
    // Clearing the user caption shows the next one again.
    await service['photos.setCaption']({ id, text: '' });
    expect((await shown(id)).caption).toBe('Minou at home');
  });

  it('user tags stay, removed tags are not re-added by AI, re-adding by hand lifts the block', async () => {
    const id = insertPhoto(ctx.db, root, { relPath: 'b.jpg' });
    saveAiResult(ctx.db, id, { caption: 'beach', tags: ['sea', 'sand', 'people'], model: 'm', prompt: null });
    addUserTags(ctx.db, id, ['Holiday', 'sea']);
    removeTags(ctx.db, id, ['people']);
    saveAiResult(ctx.db, id, { caption: 'beach again', tags: ['sea', 'people', 'sun'], model: 'm', prompt: null });
    const tags = (await shown(id)).tags;
    expect(tags).toEqual(expect.arrayContaining(['ai:sun', 'user:Holiday', 'user:sea']));
    expect(tags.filter((t) => /people/i.test(t))).toEqual([]);
    expect(await search('people')).not.toContain(id);
    addUserTags(ctx.db, id, ['People']);
    saveAiResult(ctx.db, id, { caption: 'beach again', tags: ['people'], model: 'm', prompt: null });
    expect(await search('people')).toContain(id);
  });

  it('search finds caption and tag words at once, and edits are visible immediately', async () => {
    const id = insertPhoto(ctx.db, root, { relPath: 'c.jpg' });
    saveAiResult(ctx.db, id, { caption: 'lighthouse in the fog', tags: ['coast'], model: 'm', prompt: null });
    expect(await search('lighthou')).toEqual([id]);
    expect(await search('coast')).toEqual([id]);
    setUserCaption(ctx.db, id, 'Phare de Cordouan');
    expect(await search('lighthouse')).toEqual([]);
    expect(await search('cordouan')).toEqual([id]);
  });

  it('edits through the contract validate input and name missing photos', async () => {
    await expect(invoke(service, 'photos.addTags', { id: 1, tags: ['  '] })).rejects.toThrow(/tag is empty/);
    await expect(invoke(service, 'photos.setCaption', { id: 0, text: 'x' })).rejects.toThrow(/Invalid input/);
    await expect(service['photos.setCaption']({ id: 99999, text: 'x' })).rejects.toThrow(/No photo #99999/);
  });
});

describe('XMP import', () => {
  const markMetadata = (id: number) => ctx.db.prepare("UPDATE photo_stage SET done_at = ? WHERE photo_id = ? AND stage = 'metadata'").run(nowIso(), id);

  it('looks for <file>.xmp then <name>.xmp', () => {
    expect(sidecarCandidates('/p/IMG_1.JPG')).toEqual(['/p/IMG_1.JPG.xmp', '/p/IMG_1.xmp']);
    expect(sidecarCandidates('/p/.hidden')).toEqual(['/p/.hidden.xmp']);
  });

  it('imports sidecar text over embedded text, keywords united; re-import follows changes', async () => {
    const id = insertPhoto(ctx.db, root, { relPath: 'd.jpg' });
    ctx.db.prepare('UPDATE photos SET xmp_json = ? WHERE id = ?').run(JSON.stringify({ description: 'embedded words', keywords: ['Alps'] }), id);
    writeFileSync(path.join(rootPath, 'd.jpg.xmp'), mergeXmp(null, { caption: 'Sidecar words', tags: ['Summit', 'alps'] }));
    const first = await importXmpMetadata(ctx);
    expect(first.errors).toEqual([]);
    // Keywords compare case-insensitively; the first spelling seen names the tag.
    expect(await shown(id)).toMatchObject({ caption: 'Sidecar words', tags: ['xmp:alps', 'xmp:Summit'] });
    expect((await importXmpMetadata(ctx)).checked).toBe(0); // nothing re-read since
    writeFileSync(path.join(rootPath, 'd.jpg.xmp'), mergeXmp(null, { caption: 'Edited elsewhere', tags: ['Summit'] }));
    await new Promise((r) => setTimeout(r, 5));
    markMetadata(id);
    await importXmpMetadata(ctx);
    expect(await shown(id)).toMatchObject({ caption: 'Edited elsewhere', tags: ['xmp:alps', 'xmp:Summit'] });
  });

  it('a malformed sidecar is reported and the embedded text still imported', async () => {
    const id = insertPhoto(ctx.db, root, { relPath: 'e.jpg' });
    ctx.db.prepare('UPDATE photos SET xmp_json = ? WHERE id = ?').run(JSON.stringify({ keywords: ['Kept'] }), id);
    writeFileSync(path.join(rootPath, 'e.xmp'), '<x:xmpmeta><broken');
    const r = await importXmpMetadata(ctx);
    expect(r.errors).toEqual([{ path: path.join(rootPath, 'e.xmp'), error: expect.stringMatching(/malformed/) }]);
    expect((await shown(id)).tags).toEqual(['xmp:Kept']);
  });

  it('a sidecar we exported ourselves does not turn AI text into xmp text', async () => {
    const id = insertPhoto(ctx.db, root, { relPath: 'f.jpg' });
    saveAiResult(ctx.db, id, { caption: 'a red tram', tags: ['tram', 'street'], model: 'm', prompt: null });
    writeFileSync(path.join(rootPath, 'f.jpg.xmp'), mergeXmp(null, { caption: 'a red tram', tags: ['tram', 'street', 'Lisbon'] }));
    await importXmpMetadata(ctx, { photoIds: [id] });
    expect(await shown(id)).toMatchObject({ captions: ['ai:a red tram'], tags: ['xmp:Lisbon', 'ai:street', 'ai:tram'] });
  });
});
