// The poster grab (issue 12): ffmpeg hands over the frame upright and already at the grid thumbnail's
// size (short side THUMB_GRID_PX, never enlarged), the same size and nearly the same pixels as the
// grid renderer makes from the full frame.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import sharp from 'sharp';
import { makeClip } from '../support/videos';
import { removeDir, tempDir } from '../library/helpers';
import { promises as fs } from 'node:fs';
import { grabFrame, parsePpm, posterFrame } from '../../main/media/video/frames';
import { readVideo } from '../../main/media/video/read-video';
import { GRID_RESIZE, thumbFiles } from '../../main/library/thumbs';
import { AppError } from '../../shared/errors';

let dir: string;
const clip = (name: string) => path.join(dir, name);

beforeAll(async () => {
  dir = tempDir('video-poster');
  await Promise.all([
    makeClip({ file: clip('wide.mp4'), seconds: 1, width: 640, height: 360 }),
    makeClip({ file: clip('portrait.mp4'), pattern: 'topwhite', rotation: 90, seconds: 1, width: 360, height: 640 }),
    makeClip({ file: clip('small.mp4'), seconds: 1, width: 320, height: 240 }),
  ]);
}, 60_000);

afterAll(() => { if (dir) removeDir(dir); });

/** What the grid renderer makes of the full-size first frame. */
async function gridOfFullFrame(file: string) {
  const full = (await grabFrame(file, 0, 4096))!;
  return sharp(full).resize(GRID_RESIZE).removeAlpha().raw().toBuffer({ resolveWithObject: true });
}

describe('the poster frame', () => {
  it('comes out of ffmpeg at the grid size, with the pixels the grid renderer would make', async () => {
    const poster = await posterFrame(clip('wide.mp4'), 1000);
    const grid = await gridOfFullFrame(clip('wide.mp4'));
    expect({ width: poster.pixels.width, height: poster.pixels.height }).toEqual({ width: grid.info.width, height: grid.info.height });
    expect(poster.pixels.height).toBe(GRID_RESIZE.height);
    expect(poster.timeMs).toBe(0);
    let diff = 0;
    for (let i = 0; i < grid.data.length; i++) diff += Math.abs(grid.data[i]! - poster.pixels.data[i]!);
    expect(diff / grid.data.length).toBeLessThan(6); // mean per channel, of 255: resampling and JPEG differences only
  });

  it('is upright and at the grid size for a portrait clip stored on its side', async () => {
    const poster = await posterFrame(clip('portrait.mp4'), 1000);
    expect({ width: poster.pixels.width, height: poster.pixels.height }).toEqual({ width: GRID_RESIZE.width, height: 455 });
    const { data, width, height } = poster.pixels;
    const rowMean = (y: number) => { let s = 0; for (let x = 0; x < width; x++) s += data[(y * width + x) * 3]!; return s / width; };
    expect(rowMean(10)).toBeGreaterThan(200); // white on top …
    expect(rowMean(height - 10)).toBeLessThan(50); // … black below
  });

  it('is never enlarged', async () => {
    const poster = await posterFrame(clip('small.mp4'), 1000);
    expect({ width: poster.pixels.width, height: poster.pixels.height }).toEqual({ width: 320, height: 240 });
  });

  it('refuses output that is not a whole frame', () => {
    expect(() => parsePpm(Buffer.from('P6\n4 4\n255\nabc'))).toThrow(AppError);
    expect(() => parsePpm(Buffer.from('not a picture'))).toThrow(/no readable frame/);
    expect(parsePpm(Buffer.concat([Buffer.from('P6\n2 1\n255\n'), Buffer.alloc(6, 7)]))).toMatchObject({ width: 2, height: 1, channels: 3 });
  });

  it('is made once per content: a copy reuses the grid, a damaged grid is made again', async () => {
    const thumbs = path.join(dir, 'thumbs');
    const ungated = <T>(task: () => Promise<T>) => task();
    const made = await readVideo(clip('wide.mp4'), 'mp4', thumbs, ungated);
    expect(made).toMatchObject({ thumbCached: false, posterMs: 0, meta: { width: 640, height: 360 } });
    const grid = thumbFiles(thumbs, made.hash).grid;
    expect(await sharp(grid).metadata()).toMatchObject({ format: 'webp', width: 455, height: 256 });
    await fs.copyFile(clip('wide.mp4'), clip('wide-copy.mp4'));
    expect(await readVideo(clip('wide-copy.mp4'), 'mp4', thumbs, ungated)).toMatchObject({ hash: made.hash, phash: made.phash, thumbCached: true, posterMs: null });
    await fs.writeFile(grid, 'not a picture');
    expect(await readVideo(clip('wide-copy.mp4'), 'mp4', thumbs, ungated)).toMatchObject({ phash: made.phash, thumbCached: false, posterMs: 0 });
    expect(await sharp(grid).metadata()).toMatchObject({ format: 'webp', width: 455 });
  });
});
