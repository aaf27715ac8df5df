// Export: XMP sidecars read back with exiftool equal what was written (fresh and merged), malformed
// sidecars and read-only folders give clear errors with nothing lost, .txt / CSV / JSONL content,
// the --out mirror tree, and originals byte-identical throughout.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { AppContext } from '../../main/service/context';
import { createService } from '../../main/service/index';
import type { Service } from '../../shared/api';
import { hashTree, makePhotos } from '../support/photos';
import { insertPhoto, insertRoot, tempContext } from '../albums/fixture';
import { mergeXmp, readXmpFields } from '../../main/export/xmp-doc';
import { spawnWithoutDacOverride } from '../support/unprivileged';

const REPO = path.resolve(__dirname, '../..');
let ctx: AppContext;
let service: Service;
let dir: string;
let photos: string;
let before: Map<string, string>;
const ids: Record<string, number> = {};

interface ExifXmp { Description?: string; Subject?: string | string[]; TagsList?: string | string[]; HierarchicalSubject?: string | string[]; Rating?: number; Title?: string; Label?: string }

/** What exiftool reads from a sidecar (lists normalised to arrays). */
function exiftoolRead(file: string): ExifXmp & { list: (k: keyof ExifXmp) => string[] } {
  const out = JSON.parse(execFileSync('exiftool', ['-j', '-charset', 'filename=utf8', '-XMP:all', file], { encoding: 'utf8' }))[0] as ExifXmp;
  return { ...out, list: (k) => { const v = out[k]; return v === undefined ? [] : (Array.isArray(v) ? v : [v]).map(String); } };
}

const originals = () => [...before.keys()].filter((k) => /\.(jpg|png)$/.test(k));

beforeAll(async () => {
  ({ ctx, dir } = tempContext('smolalbum-export-'));
  service = createService(ctx);
  photos = path.join(dir, 'photos');
  await makePhotos(photos, [
    { rel: 'beach.jpg' }, { rel: 'trip/mountain.jpg' }, { rel: 'trip/notes.png', format: 'png' },
    { rel: 'empty.jpg' }, { rel: 'trip/merge.jpg' }, { rel: 'trip/bad.jpg' },
  ]);
  photos = realpathSync(photos);
  const root = insertRoot(ctx.db, photos);
  ids.beach = insertPhoto(ctx.db, root, {
    relPath: 'beach.jpg', takenAt: '2021-07-14T10:00:00', make: 'Canon', model: 'EOS 5D', lat: 43.25, lon: 5.5,
    aiCaption: 'A dog & a "ball" <on> the sand', aiTags: ['dog', 'beach', 'new york, ny'], userTags: ['Holidays 2021'],
  });
  ids.mountain = insertPhoto(ctx.db, root, {
    relPath: 'trip/mountain.jpg', takenAt: '2021-12-24T09:00:00', aiCaption: 'snowy peak', aiTags: ['snow'], userCaption: 'Mont Blanc at dawn — été',
  });
  ids.notes = insertPhoto(ctx.db, root, { relPath: 'trip/notes.png', aiTags: ['text'] });
  ids.empty = insertPhoto(ctx.db, root, { relPath: 'empty.jpg' });
  ids.merge = insertPhoto(ctx.db, root, { relPath: 'trip/merge.jpg', aiCaption: 'a red house', aiTags: ['house'] });
  ids.bad = insertPhoto(ctx.db, root, { relPath: 'trip/bad.jpg', aiCaption: 'a blue car', aiTags: ['car'] });
  // A sidecar another tool wrote (rating, title, old keywords) and a broken one.
  execFileSync('exiftool', ['-q', '-o', path.join(photos, 'trip/merge.jpg.xmp'), '-XMP-xmp:Rating=4', '-XMP-dc:Title=Old title',
    '-XMP-xmp:Label=Red', '-XMP-dc:Subject=old keyword', '-XMP-dc:Description=old description',
    '-XMP-digiKam:TagsList=Old/keyword', '-XMP-lr:HierarchicalSubject=Old|keyword', path.join(photos, 'trip/merge.jpg')]);
  writeFileSync(path.join(photos, 'trip/bad.jpg.xmp'), '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><oops></x:xmpmeta>');
  before = await hashTree(photos);
});
afterAll(async () => { await ctx.close(); });

describe('XMP sidecars', () => {
  let summary: Awaited<ReturnType<Service['export.run']>>;
  beforeAll(async () => { summary = await service['export.run']({ kind: 'xmp', txtFormat: 'caption', overwrite: false }); });

  it('writes one <file>.xmp per photo with text, skipping photos without any', () => {
    expect(summary.files).toEqual([
      path.join(photos, 'beach.jpg.xmp'), path.join(photos, 'trip/merge.jpg.xmp'),
      path.join(photos, 'trip/mountain.jpg.xmp'), path.join(photos, 'trip/notes.png.xmp'),
    ]);
    expect(summary.skipped).toBe(1);
    expect(existsSync(path.join(photos, 'empty.jpg.xmp'))).toBe(false);
  });

  it('exiftool reads back exactly what was written', () => {
    const beach = exiftoolRead(path.join(photos, 'beach.jpg.xmp'));
    expect(beach.Description).toBe('A dog & a "ball" <on> the sand');
    const tags = ['Holidays 2021', 'dog', 'beach', 'new york, ny'];
    expect(beach.list('Subject')).toEqual(tags);
    expect(beach.list('TagsList')).toEqual(tags);
    expect(beach.list('HierarchicalSubject')).toEqual(tags);
    // The user's caption wins over the AI one; non-ASCII survives.
    expect(exiftoolRead(path.join(photos, 'trip/mountain.jpg.xmp')).Description).toBe('Mont Blanc at dawn — été');
    const notes = exiftoolRead(path.join(photos, 'trip/notes.png.xmp'));
    expect(notes.Description).toBeUndefined();
    expect(notes.list('Subject')).toEqual(['text']);
  });

  it('merges into an existing sidecar: other fields kept, ours replaced', () => {
    const merged = exiftoolRead(path.join(photos, 'trip/merge.jpg.xmp'));
    expect(merged.Rating).toBe(4);
    expect(merged.Title).toBe('Old title');
    expect(merged.Label).toBe('Red');
    expect(merged.Description).toBe('a red house');
    expect(merged.list('Subject')).toEqual(['house']);
    expect(merged.list('TagsList')).toEqual(['house']);
    expect(merged.list('HierarchicalSubject')).toEqual(['house']);
    // exiftool reads a wrongly cased property under the same tag name: check the raw packet too.
    const raw = readFileSync(path.join(photos, 'trip/merge.jpg.xmp'), 'utf8');
    expect(raw).not.toMatch(/keyword/);
    expect(rawProperties(raw)).toEqual(expect.arrayContaining(['dc:description', 'dc:subject', 'digiKam:TagsList', 'lr:hierarchicalSubject', 'dc:title']));
    expect(rawProperties(raw).filter((p) => /hierarchicalSubject/i.test(p))).toEqual(['lr:hierarchicalSubject']);
  });

  it('writes the properties under their exact (case-sensitive) names', () => {
    const raw = readFileSync(path.join(photos, 'beach.jpg.xmp'), 'utf8');
    expect(raw).toContain('xmlns:lr="http://ns.adobe.com/lightroom/1.0/"');
    expect(raw).toContain('xmlns:digiKam="http://www.digikam.org/ns/1.0/"');
    expect(rawProperties(raw).sort()).toEqual(['dc:description', 'dc:subject', 'digiKam:TagsList', 'lr:hierarchicalSubject']);
  });

  it('reads the hierarchy of a sidecar exiftool (like Lightroom) wrote', () => {
    const file = path.join(dir, 'lightroom.xmp');
    execFileSync('exiftool', ['-q', '-o', file, '-XMP-lr:HierarchicalSubject=Places|France|Paris', '-XMP-lr:HierarchicalSubject=People|Ann',
      '-XMP-digiKam:TagsList=Places/France/Paris']);
    const fields = readXmpFields(readFileSync(file, 'utf8'));
    expect(fields.hierarchical).toEqual(['Places|France|Paris', 'People|Ann']);
    expect(fields.tagsList).toEqual(['Places/France/Paris']);
  });

  it('a malformed sidecar is a clear error and stays byte-identical', () => {
    const bad = path.join(photos, 'trip/bad.jpg.xmp');
    expect(summary.errors).toEqual([{ path: bad, error: expect.stringMatching(/bad\.jpg\.xmp is malformed \(not well-formed XML.*left unchanged/) }]);
    expect(readFileSync(bad, 'utf8')).toBe('<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><oops></x:xmpmeta>');
  });

  it('a second export changes nothing and leaves no temp files', async () => {
    const again = await service['export.run']({ kind: 'xmp', txtFormat: 'caption', overwrite: false });
    expect(again.written).toBe(0);
    expect(readdirSync(path.join(photos, 'trip')).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('merging keeps unknown prefixes, comments and attribute-form properties', () => {
    const existing = `<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
 <rdf:Description rdf:about="" xmlns:d="http://purl.org/dc/elements/1.1/" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:Rating="2">
  <!-- keep me -->
  <d:subject><rdf:Bag><rdf:li>gone</rdf:li></rdf:Bag></d:subject>
  <d:rights><rdf:Alt><rdf:li xml:lang="x-default">© me &amp; you</rdf:li></rdf:Alt></d:rights>
 </rdf:Description></rdf:RDF></x:xmpmeta>
<?xpacket end="w"?>`;
    const out = mergeXmp(existing, { caption: 'new', tags: ['a', 'b'] });
    expect(out).toContain('<!-- keep me -->');
    expect(out).toContain('xmp:Rating="2"');
    expect(out).toContain('© me &amp; you');
    expect(out).not.toContain('gone');
    expect(readXmpFields(out)).toEqual({ description: 'new', subjects: ['a', 'b'], tagsList: ['a', 'b'], hierarchical: ['a', 'b'] });
  });
});

describe('a read-only folder', () => {
  it('is a clear error, with the existing sidecar and the photos untouched', async () => {
    const ro = path.join(dir, 'readonly');
    await makePhotos(ro, [{ rel: 'a.jpg' }, { rel: 'b.jpg' }]);
    const roReal = realpathSync(ro);
    const root = insertRoot(ctx.db, roReal);
    insertPhoto(ctx.db, root, { relPath: 'a.jpg', aiCaption: 'first', aiTags: ['one'] });
    insertPhoto(ctx.db, root, { relPath: 'b.jpg', aiCaption: 'second', aiTags: ['two'] });
    const existing = mergeXmp(null, { caption: 'kept', tags: ['kept'] });
    writeFileSync(path.join(roReal, 'b.jpg.xmp'), existing);
    const roBefore = await hashTree(roReal);
    chmodSync(roReal, 0o555);
    try {
      // Root ignores permission bits: the CLI runs without the capabilities that bypass them.
      const res = spawnWithoutDacOverride(process.execPath, ['--import', 'tsx', 'main/cli/index.ts', 'export', '--xmp', '--data-dir', path.join(dir, 'data'), '--json'], {
        cwd: REPO, encoding: 'utf8', env: { ...process.env, HOME: dir },
      });
      expect(res.status).toBe(1);
      const out = JSON.parse(res.stdout) as { errors: { path: string; error: string }[] };
      const roErrors = out.errors.filter((e) => e.path.startsWith(roReal));
      expect(roErrors.map((e) => e.path).sort()).toEqual([path.join(roReal, 'a.jpg.xmp'), path.join(roReal, 'b.jpg.xmp')]);
      for (const e of roErrors) expect(e.error).toMatch(/folder .*readonly is not writable \(EACCES\)/);
      expect(res.stderr).toMatch(/Error: cannot write .*a\.jpg\.xmp/);
    } finally {
      chmodSync(roReal, 0o755);
    }
    expect(await hashTree(roReal)).toEqual(roBefore);
  });
});

describe('dataset .txt files', () => {
  it('writes <name>.txt in the chosen format, skipping existing ones unless --overwrite', async () => {
    const first = await service['export.run']({ kind: 'txt', txtFormat: 'tags, caption', overwrite: false, photoIds: [ids.beach!, ids.notes!, ids.empty!] });
    expect(first.written).toBe(2);
    expect(readFileSync(path.join(photos, 'beach.txt'), 'utf8')).toBe('Holidays 2021, dog, beach, new york, ny, A dog & a "ball" <on> the sand\n');
    expect(readFileSync(path.join(photos, 'trip/notes.txt'), 'utf8')).toBe('text\n');
    const skip = await service['export.run']({ kind: 'txt', txtFormat: 'caption', overwrite: false, photoIds: [ids.beach!] });
    expect(skip).toMatchObject({ written: 0, skipped: 1 });
    expect(readFileSync(path.join(photos, 'beach.txt'), 'utf8')).toMatch(/^Holidays/);
    await service['export.run']({ kind: 'txt', txtFormat: 'caption', overwrite: true, photoIds: [ids.beach!] });
    expect(readFileSync(path.join(photos, 'beach.txt'), 'utf8')).toBe('A dog & a "ball" <on> the sand\n');
    await service['export.run']({ kind: 'txt', txtFormat: 'tags', overwrite: true, photoIds: [ids.mountain!] });
    expect(readFileSync(path.join(photos, 'trip/mountain.txt'), 'utf8')).toBe('snow\n');
  });
});

describe('--out mirror tree', () => {
  it('writes sidecars under DIR/<root folder>/<relative path> and nothing beside the photos', async () => {
    const out = path.join(dir, 'mirror');
    const s = await service['export.run']({ kind: 'txt', out, txtFormat: 'caption', overwrite: false, photoIds: [ids.mountain!, ids.merge!] });
    const base = path.join(out, path.basename(photos));
    expect(s.files).toEqual([path.join(base, 'trip/merge.txt'), path.join(base, 'trip/mountain.txt')]);
    expect(readFileSync(path.join(base, 'trip/mountain.txt'), 'utf8')).toBe('Mont Blanc at dawn — été\n');
    const x = await service['export.run']({ kind: 'xmp', out, txtFormat: 'caption', overwrite: false, photoIds: [ids.beach!] });
    expect(x.files).toEqual([path.join(base, 'beach.jpg.xmp')]);
    expect(exiftoolRead(path.join(base, 'beach.jpg.xmp')).Description).toBe('A dog & a "ball" <on> the sand');
  });
});

describe('CSV and JSONL', () => {
  it('JSONL: one object per photo with provenance, date, camera and GPS', async () => {
    const file = path.join(dir, 'out', 'captions.jsonl');
    mkdirSync(path.dirname(file), { recursive: true });
    await service['export.run']({ kind: 'jsonl', out: file, txtFormat: 'caption', overwrite: false });
    const rows = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const beach = rows.find((r) => r.path === path.join(photos, 'beach.jpg'));
    expect(beach).toEqual({
      path: path.join(photos, 'beach.jpg'), caption: 'A dog & a "ball" <on> the sand', tags: ['Holidays 2021', 'dog', 'beach', 'new york, ny'],
      source: 'ai', model: 'fixture-model', takenAt: '2021-07-14T10:00:00', camera: 'Canon EOS 5D', gps: { lat: 43.25, lon: 5.5 },
      city: null, region: null, country: null, mediaType: 'photo', durationS: null,
    });
    expect(rows.find((r) => r.path === path.join(photos, 'trip/mountain.jpg'))).toMatchObject({ source: 'user', model: null, gps: null });
  });

  it('CSV: RFC 4180 quoting, read back by a strict parser', async () => {
    const file = path.join(dir, 'out', 'captions.csv');
    await service['export.run']({ kind: 'csv', out: file, txtFormat: 'caption', overwrite: false, photoIds: [ids.beach!, ids.empty!] });
    const text = readFileSync(file, 'utf8');
    const rows = parseCsv(text);
    expect(rows[0]).toEqual(['path', 'caption', 'tags', 'source', 'model', 'taken_at', 'camera', 'lat', 'lon', 'city', 'region', 'country', 'media_type', 'duration_s']);
    expect(rows[1]).toEqual([path.join(photos, 'beach.jpg'), 'A dog & a "ball" <on> the sand', 'Holidays 2021; dog; beach; new york, ny',
      'ai', 'fixture-model', '2021-07-14T10:00:00', 'Canon EOS 5D', '43.25', '5.5', '', '', '', 'photo', '']);
    expect(rows[2]).toEqual([path.join(photos, 'empty.jpg'), '', '', '', '', '', '', '', '', '', '', '', 'photo', '']);
  });

  it('an unwritable output file is a clear error', async () => {
    await expect(service['export.run']({ kind: 'csv', out: path.join(dir, 'no/such/dir/x.csv'), txtFormat: 'caption', overwrite: false }))
      .rejects.toThrow(/cannot write .*x\.csv: the folder .* does not exist/);
  });
});

describe('originals', () => {
  it('are byte-identical after every export', async () => {
    const after = await hashTree(photos);
    for (const k of originals()) expect(after.get(k), k).toBe(before.get(k));
    expect(originals().length).toBe(6);
  });
});

/** The property element names (prefix:local, as written) inside the packet's rdf:Description elements. */
function rawProperties(xml: string): string[] {
  const props: string[] = [];
  for (const desc of xml.matchAll(/<rdf:Description\b[^>]*>([\s\S]*?)<\/rdf:Description>/g)) {
    for (const m of desc[1]!.matchAll(/<([A-Za-z][\w.-]*:[\w.-]+)[\s>]/g)) if (!m[1]!.startsWith('rdf:')) props.push(m[1]!);
  }
  return props;
}

function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (c === '"') quoted = false; else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; } else if (c === '\r' && text[i + 1] === '\n') { row.push(field); rows.push(row); row = []; field = ''; i++; } else field += c;
  }
  return rows;
}
