// Captioning without a model: folder expansion, prompt placeholders, CSV/JSONL export, .txt saving.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { collectInputs } from '../../main/caption/inputs';
import { fillPrompt, wrapCaption } from '../../main/caption/prompt';
import { toCsv, toJsonl } from '../../main/caption/export';
import { saveTxtFiles, txtPathFor } from '../../main/caption/save-txt';
import type { CaptionItem } from '../../shared/contract/chat';
import { tempDir, writeImage } from '../chat/fixtures';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => { ({ dir, cleanup } = await tempDir('smolalbum-cap-')); });
afterEach(async () => { await cleanup(); });

const item = (over: Partial<CaptionItem>): CaptionItem => ({
  id: '1', name: 'a.jpg', path: '/x/a.jpg', status: 'done', source: 'path', caption: 'a cat', tags: [], error: null, ms: 1, ...over,
});

describe('collectInputs', () => {
  it('expands folders recursively to image files, keeps given files, reports what it cannot use', async () => {
    await mkdir(path.join(dir, 'set', 'sub'), { recursive: true });
    await mkdir(path.join(dir, 'set', '.hidden'), { recursive: true });
    await mkdir(path.join(dir, 'empty'));
    await writeImage(path.join(dir, 'set', 'b.jpg'));
    await writeImage(path.join(dir, 'set', 'a10.png'), { format: 'png' });
    await writeImage(path.join(dir, 'set', 'a2.webp'), { format: 'webp' });
    await writeImage(path.join(dir, 'set', 'sub', 'c.JPG'));
    await writeImage(path.join(dir, 'set', '.hidden', 'h.jpg'));
    await writeFile(path.join(dir, 'set', 'notes.txt'), 'not an image');
    await writeFile(path.join(dir, 'loose.dat'), 'given directly');
    const { inputs, rejected } = await collectInputs(
      [path.join(dir, 'set'), path.join(dir, 'loose.dat'), path.join(dir, 'set', 'b.jpg'), path.join(dir, 'nope'), path.join(dir, 'empty'), 'relative.jpg'],
      ['not-an-upload-id'], path.join(dir, 'uploads'),
    );
    expect(inputs.map((i) => path.relative(dir, i.file))).toEqual([
      'set/a2.webp', 'set/a10.png', 'set/b.jpg', 'set/sub/c.JPG', 'loose.dat',
    ]);
    expect(inputs[3]).toMatchObject({ name: 'c.JPG', folder: 'sub', source: 'path' });
    expect(rejected.map((r) => r.error)).toEqual([
      'No such file or folder.', 'This folder holds no images or videos.', 'Give an absolute path.', 'Unknown upload "not-an-upload-id".',
    ]);
  });
});

describe('prompts and wrapping', () => {
  it('fills {filename} (without extension) and {folder}, and wraps with prefix/suffix as typed', () => {
    expect(fillPrompt('Describe {filename} from {folder}; {filename}!', { filename: 'beach_sunset.jpg', folder: 'Hawaii 2024' }))
      .toBe('Describe beach_sunset from Hawaii 2024; beach_sunset!');
    expect(wrapCaption('a dog', 'ohwx, ', ', 4k')).toBe('ohwx, a dog, 4k');
  });
});

describe('export', () => {
  it('writes RFC 4180 CSV and one JSON object per line', () => {
    const items = [item({ caption: 'a "quoted", two-line\ncaption', tags: ['dog', 'beach'] }), item({ id: '2', name: 'b.jpg', path: '/x/b.jpg', status: 'error', caption: null, error: 'broken' })];
    expect(toCsv(items)).toBe(
      'file,path,caption,tags,status,error\r\n' +
      'a.jpg,/x/a.jpg,"a ""quoted"", two-line\ncaption","dog, beach",done,\r\n' +
      'b.jpg,/x/b.jpg,,,error,broken\r\n');
    const lines = toJsonl(items).trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines).toEqual([
      { file: 'a.jpg', path: '/x/a.jpg', caption: 'a "quoted", two-line\ncaption', tags: ['dog', 'beach'], status: 'done', error: null },
      { file: 'b.jpg', path: '/x/b.jpg', caption: null, tags: [], status: 'error', error: 'broken' },
    ]);
  });
});

describe('saveTxtFiles', () => {
  it('writes IMG.txt beside each captioned image, skips existing ones unless overwrite', async () => {
    const a = await writeImage(path.join(dir, 'a.jpg'));
    const b = await writeImage(path.join(dir, 'b.jpg'));
    const c = await writeImage(path.join(dir, 'c.jpg'));
    await writeFile(txtPathFor(b), 'mine\n');
    const entries = [
      { item: item({ caption: 'cap a' }), input: { file: a, name: 'a.jpg', folder: '', source: 'path' as const } },
      { item: item({ caption: 'cap b' }), input: { file: b, name: 'b.jpg', folder: '', source: 'path' as const } },
      { item: item({ status: 'error', caption: null }), input: { file: c, name: 'c.jpg', folder: '', source: 'path' as const } },
      { item: item({ caption: 'up', source: 'upload', name: 'u.jpg' }), input: { file: '/tmp/x/u.jpg', name: 'u.jpg', folder: '', source: 'upload' as const } },
    ];
    const first = await saveTxtFiles(entries, false);
    expect(first).toMatchObject({ written: 1, skipped: 2 });
    expect(first.errors).toEqual([{ path: 'u.jpg', error: expect.stringMatching(/no folder to save beside/) }]);
    expect(await readFile(path.join(dir, 'a.txt'), 'utf8')).toBe('cap a\n');
    expect(await readFile(path.join(dir, 'b.txt'), 'utf8')).toBe('mine\n');
    expect(existsSync(path.join(dir, 'c.txt'))).toBe(false);
    const second = await saveTxtFiles(entries, true);
    expect(second).toMatchObject({ written: 2, skipped: 1 });
    expect(await readFile(path.join(dir, 'b.txt'), 'utf8')).toBe('cap b\n');
  });
});
