// main/media and small pure pieces: content sniffing, candidate names, the walker, the atomic write,
// EXIF date/offset handling, hidden names, dHash.
import { describe, expect, it } from 'vitest';
import { promises as fs, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { isCandidateName, isImageName, IMAGE_ACCEPT } from '../../shared/media';
import { sniffFormat } from '../../main/media/sniff';
import { writeFileAtomic, writeFileAtomicSync } from '../../main/media/atomic-write';
import { createSecretStore } from '../../main/engine/secrets';
import { kindOf } from '../../shared/errors';
import { normaliseDate, takenAt } from '../../main/library/metadata';
import { isHiddenName, isIgnoredRel, listFiles } from '../../main/media/walk';
import { dHash, hashDistance } from '../../main/library/thumbs';
import { pictureOf } from '../support/photos';

const bytes = (...parts: (string | number[])[]) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));
const ftyp = (major: string, ...compat: string[]) => bytes([0, 0, 0, 24], 'ftyp', major, [0, 0, 0, 0], ...compat);

describe('format sniffing', () => {
  it('knows each format by its magic bytes', () => {
    expect(sniffFormat(bytes([0xff, 0xd8, 0xff, 0xe0], 'rest-of-header'))).toBe('jpeg');
    expect(sniffFormat(bytes([0x89], 'PNG\r\n\x1a\n....'))).toBe('png');
    expect(sniffFormat(bytes('GIF89a', 'xxxxxxxx'))).toBe('gif');
    expect(sniffFormat(bytes('RIFF', [1, 2, 3, 4], 'WEBPVP8 '))).toBe('webp');
    expect(sniffFormat(bytes([0x49, 0x49, 0x2a, 0], 'xxxxxxxxxx'))).toBe('tiff');
    expect(sniffFormat(bytes([0x4d, 0x4d, 0, 0x2a], 'xxxxxxxxxx'))).toBe('tiff');
    expect(sniffFormat(ftyp('avif', 'mif1', 'miaf'))).toBe('avif');
    expect(sniffFormat(ftyp('mif1', 'avif'))).toBe('avif');
    expect(sniffFormat(ftyp('heic', 'mif1'))).toBe('heic');
    expect(sniffFormat(ftyp('mif1', 'heic'))).toBe('heic'); // iPhone-style: generic major, HEVC compatible
    expect(sniffFormat(ftyp('mif1', 'miaf'))).toBe('heif');
    expect(sniffFormat(ftyp('crx ', 'isom'))).toBe('cr3');
    expect(sniffFormat(ftyp('isom', 'mp41'))).toBeNull(); // an MP4 video
    expect(sniffFormat(bytes('hello, this is text'))).toBeNull();
    expect(sniffFormat(bytes([0xff, 0xd8]))).toBeNull(); // too short to say
  });

  it('tells RAW kinds apart: by their own magic, and TIFF-structured ones by name', () => {
    const tiffLE = bytes([0x49, 0x49, 0x2a, 0], [8, 0, 0, 0], 'xxxxxxxx');
    expect(sniffFormat(bytes([0x49, 0x49, 0x2a, 0], [16, 0, 0, 0], 'CR', [2, 0], 'xxxx'))).toBe('cr2');
    expect(sniffFormat(bytes('FUJIFILMCCD-RAW 0201'))).toBe('raf');
    expect(sniffFormat(bytes('IIRO', [8, 0, 0, 0], 'xxxxxxxx'))).toBe('orf');
    expect(sniffFormat(bytes([0x49, 0x49, 0x55, 0], [8, 0, 0, 0], 'xxxxxxxx'))).toBe('rw2');
    expect(sniffFormat(tiffLE, 'DSC_0001.NEF')).toBe('nef');
    expect(sniffFormat(tiffLE, 'a/b/IMG.dng')).toBe('dng');
    expect(sniffFormat(tiffLE, 'scan.tif')).toBe('tiff');
    expect(sniffFormat(tiffLE)).toBe('tiff');
  });

  it('looks at image and video names and names without an extension, in any case', () => {
    for (const n of ['a.JPG', 'b.jpeg', 'c.HEIC', 'd.tif', 'e.webp', 'IMG_0001', 'f.hif', 'g.CR3', 'h.nef', 'i.ARW', 'j.dng', 'movie.mp4', 'IMG_1.MOV', 'clip.webm']) expect(isCandidateName(n), n).toBe(true);
    for (const n of ['notes.txt', 'a.jpg.xmp', 'doc.pdf', 'song.mp3']) expect(isCandidateName(n), n).toBe(false);
    // Stills only (uploads, chat, caption): RAWs are library-only.
    expect(isImageName('x.heif')).toBe(true);
    expect(isImageName('x.nef')).toBe(false);
    expect(IMAGE_ACCEPT.split(',')).toEqual(expect.arrayContaining(['image/*', '.heic', '.heif']));
  });

  it('ignores hidden and system entries', () => {
    for (const n of ['.DS_Store', '._IMG_1.jpg', 'Thumbs.db', 'desktop.ini', '@eaDir', '$RECYCLE.BIN', '__MACOSX']) expect(isHiddenName(n), n).toBe(true);
    expect(isHiddenName('holiday.jpg')).toBe(false);
    expect(isIgnoredRel('2021/@eaDir/x.jpg')).toBe(true);
    expect(isIgnoredRel('2021/trip/x.jpg')).toBe(false);
  });
});

describe('the walker', () => {
  it('skips hidden/system entries, never follows links (loops, ways out), reads names in human order', async () => {
    const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'media-walk-'));
    try {
      const root = path.join(tmp, 'root');
      const outside = path.join(tmp, 'outside');
      await fs.mkdir(path.join(root, 'sub', '@eaDir'), { recursive: true });
      await fs.mkdir(outside);
      for (const f of ['IMG_10.jpg', 'IMG_2.jpg', 'notes.txt', '.hidden.jpg', 'sub/a.heic', 'sub/@eaDir/thumb.jpg', 'sub/raw.CR2']) await fs.writeFile(path.join(root, f), 'x');
      await fs.writeFile(path.join(outside, 'secret.jpg'), 'x');
      await fs.symlink('..', path.join(root, 'sub', 'loop'));
      await fs.symlink(outside, path.join(root, 'escape'));
      await fs.symlink(path.join(outside, 'secret.jpg'), path.join(root, 'link.jpg'));
      const rel = (files: string[]) => files.map((f) => path.relative(root, f).split(path.sep).join('/'));
      expect(rel(await listFiles(root))).toEqual(['IMG_2.jpg', 'IMG_10.jpg', 'sub/a.heic', 'sub/raw.CR2']);
      expect(rel(await listFiles(root, { accept: isImageName }))).toEqual(['IMG_2.jpg', 'IMG_10.jpg', 'sub/a.heic']);
      expect(await listFiles(root, { limit: 1 })).toHaveLength(2); // one over the limit tells the caller "too many"
    } finally {
      await fs.rm(tmp, { recursive: true, force: true });
    }
  });
});

describe('the atomic write', () => {
  it('replaces whole files, leaves no temporary file, keeps an existing one when asked, names the file on failure', async () => {
    const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'media-write-'));
    try {
      const file = path.join(tmp, 'a.txt');
      await writeFileAtomic(file, 'one');
      await writeFileAtomic(file, Buffer.from('two'));
      expect(await fs.readFile(file, 'utf8')).toBe('two');
      await writeFileAtomic(file, (t) => fs.writeFile(t, 'three'));
      expect(await fs.readFile(file, 'utf8')).toBe('three');
      const conflict = await writeFileAtomic(file, 'four', { noReplace: true }).catch((e: unknown) => e);
      expect(kindOf(conflict)).toBe('conflict');
      expect(await fs.readFile(file, 'utf8')).toBe('three');
      // A content function that fails (a decoder, a check) leaves nothing behind and keeps its error.
      await expect(writeFileAtomic(path.join(tmp, 'b.txt'), async (t) => { await fs.writeFile(t, 'half'); throw new Error('bad input'); })).rejects.toThrow('bad input');
      await expect(writeFileAtomic(path.join(tmp, 'missing', 'c.txt'), 'x')).rejects.toThrow(/cannot write .*c\.txt: the folder .* does not exist/);
      expect((await fs.readdir(tmp)).sort()).toEqual(['a.txt']);
    } finally {
      await fs.rm(tmp, { recursive: true, force: true });
    }
  });

  it('has a synchronous form with a mode and a content function, and the secret store writes through it as 0600', async () => {
    const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'media-write-sync-'));
    try {
      const file = path.join(tmp, 'state.json');
      writeFileAtomicSync(file, 'one', { mode: 0o600 });
      expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
      writeFileAtomicSync(file, (t) => { writeFileSync(t, 'copied'); });
      expect(await fs.readFile(file, 'utf8')).toBe('copied');
      expect(() => writeFileAtomicSync(path.join(tmp, 'x.txt'), () => { throw new Error('no copy'); })).toThrow('no copy');
      const secrets = createSecretStore(path.join(tmp, 'secrets.json'));
      secrets.set('k', 'v');
      expect(secrets.get('k')).toBe('v');
      expect((await fs.stat(path.join(tmp, 'secrets.json'))).mode & 0o777).toBe(0o600);
      expect((await fs.readdir(tmp)).sort()).toEqual(['secrets.json', 'state.json']);
    } finally {
      await fs.rm(tmp, { recursive: true, force: true });
    }
  });
});

describe('date taken', () => {
  it('keeps the offset the camera recorded, else the wall-clock time as shot', () => {
    expect(takenAt({ DateTimeOriginal: '2021:06:01 12:34:56', OffsetTimeOriginal: '+02:00' })).toBe('2021-06-01T12:34:56+02:00');
    expect(takenAt({ DateTimeOriginal: '2021:06:01 12:34:56' })).toBe('2021-06-01T12:34:56');
    expect(takenAt({ DateTimeOriginal: '2021:06:01 12:34:56', OffsetTimeOriginal: '-0930' })).toBe('2021-06-01T12:34:56-09:30');
    expect(takenAt({ CreateDate: '2019-01-02T03:04:05Z' })).toBe('2019-01-02T03:04:05Z');
    expect(takenAt({ DateTimeOriginal: '0000:00:00 00:00:00', CreateDate: '2020:02:29 23:59:59' })).toBe('2020-02-29T23:59:59');
    expect(normaliseDate('2021:13:01 00:00:00')).toBeNull();
    expect(normaliseDate('garbage')).toBeNull();
    expect(normaliseDate('2021:06:01 12:34:56', '+99:00')).toBe('2021-06-01T12:34:56');
  });
});

describe('perceptual hash', () => {
  it('is close for the same picture at another size and far for a different one', async () => {
    const a = await pictureOf(400, 300, 1).png().toBuffer();
    const aSmall = await sharp(a).resize(120).jpeg({ quality: 60 }).toBuffer();
    const b = await sharp(await pictureOf(400, 300, 2).png().toBuffer()).rotate(180).png().toBuffer();
    const [ha, has, hb] = await Promise.all([dHash(sharp(a)), dHash(sharp(aSmall)), dHash(sharp(b))]);
    expect(ha).toMatch(/^[0-9a-f]{16}$/);
    expect(hashDistance(ha, has)).toBeLessThanOrEqual(6);
    expect(hashDistance(ha, hb)).toBeGreaterThan(20);
  });
});
