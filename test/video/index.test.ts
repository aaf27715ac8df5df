// Videos in the library (issue 12): clips generated now with the bundled ffmpeg are indexed with the
// right metadata and upright posters; broken ones get a clear error and the scan goes on; videos
// sort among photos on one timeline.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { makePhotos } from '../support/photos';
import { ffmpeg, makeClip, truncateCopy } from '../support/videos';
import { byRel, openLibrary, removeDir, tempDir, type TestLibrary } from '../library/helpers';
import { resolveMedia } from '../../main/library/media';
import { sniffVideo } from '../../main/media/video/formats';

let lib: TestLibrary;
let root: string;
const CREATED = '2021-07-04T10:20:30Z';

beforeAll(async () => {
  const tmp = tempDir('video-index');
  root = path.join(tmp, 'Camera');
  await Promise.all([
    makeClip({ file: path.join(root, 'h264.mp4'), codec: 'h264', seconds: 2, creationTime: CREATED, location: '+48.8584+002.2945/', audio: true }),
    makeClip({ file: path.join(root, 'vp9.webm'), codec: 'vp9', seconds: 1, width: 256, height: 144, fps: 30, creationTime: '2021-07-05T08:00:00Z' }),
    makeClip({ file: path.join(root, 'rotated.mp4'), pattern: 'topwhite', rotation: 90, seconds: 1, width: 240, height: 320, creationTime: '2021-07-03T08:00:00Z' }),
    makeClip({ file: path.join(root, 'short.mp4'), seconds: 0.2 }),
    makeClip({ file: path.join(root, 'black-lead.mp4'), seconds: 4, blackLead: 1.5 }),
    makeClip({
      file: path.join(root, 'IMG_0042.MOV'), seconds: 1,
      metadata: {
        'com.apple.quicktime.creationdate': '2021-07-04T12:20:30+0200', 'com.apple.quicktime.make': 'Apple',
        'com.apple.quicktime.model': 'iPhone 12', 'com.apple.quicktime.location.ISO6709': '+35.6586+139.7454+010.000/',
        'com.apple.quicktime.content.identifier': 'B7F2C1A0-0000-4000-8000-000000000001',
      },
    }),
  ]);
  // A clip whose index (moov) comes last, cut in half: nothing can say what it holds.
  const tail = path.join(tmp, 'moov-last.mp4');
  await makeClip({ file: tail, seconds: 3 });
  const moovLast = path.join(tmp, 'moov-last-real.mp4');
  await ffmpeg(['-i', tail, '-c', 'copy', moovLast]); // no +faststart: moov at the end
  await truncateCopy(moovLast, path.join(root, 'truncated-moov-last.mp4'), 0.5);
  // Index first (faststart), cut at 60 %: the beginning still plays.
  await truncateCopy(path.join(root, 'black-lead.mp4'), path.join(root, 'truncated-playable.mp4'), 0.6);
  await fs.writeFile(path.join(root, 'notes.mp4'), 'Not a video: a list of things to film.\n');
  await makePhotos(root, [{ rel: 'photo.jpg', seed: 3 }]);
  lib = openLibrary(tmp);
  await lib.service['roots.add']({ path: root, scan: false });
  await lib.service['library.rescan']({});
}, 120_000);

afterAll(async () => {
  await lib?.close();
  if (lib) removeDir(lib.tmp);
});

interface VideoRow {
  status: string; error: string | null; format: string | null; width: number | null; height: number | null;
  taken_at: string | null; lat: number | null; lon: number | null; camera_make: string | null; camera_model: string | null;
  duration_ms: number | null; rotation: number | null; codec: string | null; audio_codec: string | null; fps: number | null; content_id: string | null;
}

const row = (rel: string): VideoRow => lib.ctx.db.prepare(`SELECT p.status, p.error, p.format, p.width, p.height, p.taken_at, p.lat, p.lon,
    p.camera_make, p.camera_model, v.duration_ms, v.rotation, v.codec, v.audio_codec, v.fps, v.content_id
  FROM photos p LEFT JOIN videos v ON v.photo_id = p.id WHERE p.rel_path = ?`).get(rel) as VideoRow;

async function posterOf(rel: string): Promise<{ width: number; height: number; top: number; bottom: number; stdev: number }> {
  const id = byRel(lib.ctx, rel)!.id;
  const file = (await resolveMedia(lib.ctx, 'thumb', id))!.file;
  const { data, info } = await sharp(file).greyscale().raw().toBuffer({ resolveWithObject: true });
  let top = 0; let bottom = 0;
  for (let y = 0; y < info.height; y++) for (let x = 0; x < info.width; x++) {
    if (y < info.height / 2) top += data[y * info.width + x]!; else bottom += data[y * info.width + x]!;
  }
  const half = (info.width * info.height) / 2;
  const stats = await sharp(file).stats();
  return { width: info.width, height: info.height, top: top / half, bottom: bottom / half, stdev: stats.channels[0]!.stdev };
}

describe('indexing videos', () => {
  it('sniffs containers by content, not by name', async () => {
    const head = async (rel: string) => (await fs.readFile(path.join(root, rel))).subarray(0, 64);
    expect(sniffVideo(await head('h264.mp4'))).toBe('mp4');
    expect(sniffVideo(await head('vp9.webm'))).toBe('webm');
    expect(sniffVideo(await head('IMG_0042.MOV'))).toBe('mov');
    expect(sniffVideo(await head('notes.mp4'))).toBeNull();
    expect(sniffVideo(await head('photo.jpg'))).toBeNull();
  });

  it('reads an H.264 clip: duration, size, codec, frame rate, audio, creation time and ©xyz location', () => {
    const r = row('h264.mp4');
    expect(r).toMatchObject({ status: 'ok', error: null, format: 'mp4', width: 320, height: 240, rotation: 0, codec: 'h264', audio_codec: 'aac', fps: 25 });
    expect(r.duration_ms).toBeGreaterThanOrEqual(1950);
    expect(r.duration_ms).toBeLessThanOrEqual(2100);
    // The container stores UTC; the item shows it as local time with the offset, the same instant.
    expect(r.taken_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/);
    expect(Date.parse(r.taken_at!)).toBe(Date.parse(CREATED));
    expect(r.lat).toBeCloseTo(48.8584, 4);
    expect(r.lon).toBeCloseTo(2.2945, 4);
  });

  it('reads a VP9 WebM clip', () => {
    const r = row('vp9.webm');
    expect(r).toMatchObject({ status: 'ok', format: 'webm', width: 256, height: 144, codec: 'vp9', audio_codec: null, fps: 30 });
    expect(r.duration_ms).toBeGreaterThan(900);
  });

  it('reads an iPhone clip: local creation date with its zone, make, model, ISO 6709 location, content id', () => {
    const r = row('IMG_0042.MOV');
    expect(r).toMatchObject({
      status: 'ok', format: 'mov', taken_at: '2021-07-04T12:20:30+02:00', camera_make: 'Apple', camera_model: 'iPhone 12',
      content_id: 'B7F2C1A0-0000-4000-8000-000000000001',
    });
    expect(r.lat).toBeCloseTo(35.6586, 4);
    expect(r.lon).toBeCloseTo(139.7454, 4);
  });

  it('turns a rotated clip upright: displayed size swapped, poster upright', async () => {
    // The generator's rotation is the one ExifTool reads (the arbiter the test trusts).
    expect(execFileSync('exiftool', ['-s3', '-Rotation', path.join(root, 'rotated.mp4')], { encoding: 'utf8' }).trim()).toBe('90');
    const r = row('rotated.mp4');
    expect(r).toMatchObject({ status: 'ok', rotation: 90, width: 240, height: 320 });
    const p = await posterOf('rotated.mp4');
    expect(p.height).toBeGreaterThan(p.width);
    expect(p.top).toBeGreaterThan(200); // white on top …
    expect(p.bottom).toBeLessThan(50); // … black below, as it was filmed
  });

  it('indexes a 0.2 s clip', () => {
    const r = row('short.mp4');
    expect(r.status).toBe('ok');
    expect(r.duration_ms).toBeGreaterThan(100);
    expect(r.duration_ms).toBeLessThan(400);
  });

  it('skips black first frames for the poster', async () => {
    const p = await posterOf('black-lead.mp4');
    expect(p.stdev).toBeGreaterThan(20);
  });

  it('marks broken files with a clear message and goes on', async () => {
    expect(row('notes.mp4')).toMatchObject({ status: 'error', error: 'a text file, although it is named .mp4' });
    const cut = row('truncated-moov-last.mp4');
    expect(cut.status).toBe('error');
    expect(cut.error).toMatch(/^damaged or incomplete video: .*moov atom not found/);
    // Cut after its index: what is there still plays, and the clip is in the library.
    expect(row('truncated-playable.mp4').status).toBe('ok');
    expect(row('photo.jpg').status).toBe('ok');
  });

  it('puts videos and photos on one timeline, by date', async () => {
    const page = await lib.service['photos.list']({ limit: 100 });
    const names = page.items.map((i) => i.relPath);
    expect(names.indexOf('vp9.webm')).toBeLessThan(names.indexOf('IMG_0042.MOV'));
    // The same instant (12:20 at +02:00 is 10:20 UTC): like photos, videos sort by the wall-clock
    // time where they were filmed.
    expect(names.indexOf('IMG_0042.MOV')).toBeLessThan(names.indexOf('h264.mp4'));
    expect(names.indexOf('h264.mp4')).toBeLessThan(names.indexOf('rotated.mp4'));
    const h264 = page.items.find((i) => i.relPath === 'h264.mp4')!;
    expect(h264).toMatchObject({ mediaType: 'video', hasThumb: true });
    expect(h264.durationMs).toBeGreaterThan(1900);
    expect(page.items.find((i) => i.relPath === 'photo.jpg')).toMatchObject({ mediaType: 'photo', durationMs: null });
    const detail = await lib.service['photos.get']({ id: h264.id });
    expect(detail.video).toMatchObject({ codec: 'h264', audioCodec: 'aac', playbackType: 'video/mp4; codecs="avc1.42E01E"' });
  });

  it('filters by kind and by length, in search and in smart albums', async () => {
    const names = async (filters: Record<string, unknown>) => (await lib.service['photos.search']({ query: '', filters, limit: 100 })).hits
      .map((h) => path.basename(h.path)).sort();
    const clips = ['IMG_0042.MOV', 'black-lead.mp4', 'h264.mp4', 'rotated.mp4', 'short.mp4', 'truncated-playable.mp4', 'vp9.webm'];
    expect(await names({ mediaType: 'video' })).toEqual(clips);
    // Stills (and files that are not videos at all) are photos; no clip is.
    expect(await names({ mediaType: 'photo' })).toEqual(expect.arrayContaining(['photo.jpg']));
    expect((await names({ mediaType: 'photo' })).filter((n) => clips.includes(n))).toEqual([]);
    // black-lead is 4 s and so is the header of its playable cut; h264 is 2 s; the rest are 1 s or less.
    expect(await names({ minDuration: 1.5 })).toEqual(['black-lead.mp4', 'h264.mp4', 'truncated-playable.mp4']);
    expect(await names({ minDuration: 1.5, maxDuration: 3 })).toEqual(['h264.mp4']);
    expect(await names({ maxDuration: 0.5 })).toEqual(['short.mp4']);
    const album = await lib.service['albums.create']({
      name: 'Short clips', rule: { op: 'and', items: [{ kind: 'mediaType', value: 'video' }, { kind: 'duration', max: 1.5 }] },
    });
    const inAlbum = (await lib.service['albums.photos']({ id: album.id, limit: 100 })).items.map((i) => i.relPath).sort();
    expect(inAlbum).toEqual(['IMG_0042.MOV', 'rotated.mp4', 'short.mp4', 'vp9.webm']);
    await expect(lib.service['albums.preview']({ rule: { op: 'and', items: [{ kind: 'duration', min: 5, max: 1 }] } }))
      .rejects.toThrow(/min is above max/);
  });
});
