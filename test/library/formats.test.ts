// Small pure pieces: content sniffing, candidate names, EXIF date/offset handling, hidden names, dHash.
import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { isCandidateName, sniffFormat } from '../../main/library/formats';
import { normaliseDate, takenAt } from '../../main/library/metadata';
import { isHiddenName, isIgnoredRel } from '../../main/library/walk';
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
    expect(sniffFormat(ftyp('isom', 'mp41'))).toBeNull(); // an MP4 video
    expect(sniffFormat(bytes('hello, this is text'))).toBeNull();
    expect(sniffFormat(bytes([0xff, 0xd8]))).toBeNull(); // too short to say
  });

  it('looks at image and video names and names without an extension, in any case', () => {
    for (const n of ['a.JPG', 'b.jpeg', 'c.HEIC', 'd.tif', 'e.webp', 'IMG_0001', 'movie.mp4', 'IMG_1.MOV', 'clip.webm']) expect(isCandidateName(n), n).toBe(true);
    for (const n of ['notes.txt', 'a.jpg.xmp', 'doc.pdf', 'song.mp3']) expect(isCandidateName(n), n).toBe(false);
  });

  it('ignores hidden and system entries', () => {
    for (const n of ['.DS_Store', '._IMG_1.jpg', 'Thumbs.db', 'desktop.ini', '@eaDir', '$RECYCLE.BIN', '__MACOSX']) expect(isHiddenName(n), n).toBe(true);
    expect(isHiddenName('holiday.jpg')).toBe(false);
    expect(isIgnoredRel('2021/@eaDir/x.jpg')).toBe(true);
    expect(isIgnoredRel('2021/trip/x.jpg')).toBe(false);
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
