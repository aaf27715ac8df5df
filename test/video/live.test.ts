// Live Photos (issue 12): a still and a MOV with the same base name are one item — the still in the
// timeline (kind 'live', the motion's length), the clip played through the still's id; a MOV without
// its still stays a video; a still that arrives after its clip pairs too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { makeClip } from '../support/videos';
import { writePhoto } from '../e2e/support';
import { openLibrary, removeDir, tempDir, type TestLibrary } from '../library/helpers';
import { resolveMedia } from '../../main/library/media';
import { indexPaths } from '../../main/library/indexer';

let lib: TestLibrary;
let root: string;
const idOf = (rel: string) => (lib.ctx.db.prepare('SELECT id FROM photos WHERE rel_path = ?').get(rel) as { id: number }).id;

beforeAll(async () => {
  const tmp = tempDir('video-live');
  root = path.join(tmp, 'iPhone');
  await writePhoto(root, { name: 'IMG_0001.JPG', color: [40, 120, 200], takenAt: '2024:06:01 10:00:00' });
  await Promise.all([
    makeClip({ file: path.join(root, 'IMG_0001.MOV'), seconds: 2, width: 160, height: 120, metadata: { 'com.apple.quicktime.content.identifier': 'AAAA-1111' } }),
    makeClip({ file: path.join(root, 'IMG_0002.MOV'), seconds: 2, width: 160, height: 120 }),
    makeClip({ file: path.join(root, 'IMG_0004.MOV'), seconds: 2, width: 160, height: 120 }),
  ]);
  lib = openLibrary(tmp);
  await lib.service['roots.add']({ path: root, scan: false });
  await lib.service['library.rescan']({});
}, 120_000);

afterAll(async () => {
  await lib?.close();
  if (lib) removeDir(lib.tmp);
});

describe('Live Photos', () => {
  it('shows the still as one live item; its clip is not a separate tile', async () => {
    const page = await lib.service['photos.list']({ limit: 100 });
    const byName = new Map(page.items.map((i) => [i.relPath, i]));
    expect(byName.get('IMG_0001.JPG')).toMatchObject({ mediaType: 'live' });
    expect(byName.get('IMG_0001.JPG')!.durationMs).toBeGreaterThan(1900);
    expect(byName.has('IMG_0001.MOV')).toBe(false);
    expect(page.total).toBe(page.items.length);
  });

  it('plays the motion through the still’s id', async () => {
    const still = idOf('IMG_0001.JPG');
    expect((await resolveMedia(lib.ctx, 'media', still))!.file).toBe(path.join(root, 'IMG_0001.MOV'));
    const detail = await lib.service['photos.get']({ id: still });
    expect(detail.video).toMatchObject({ liveVideoId: idOf('IMG_0001.MOV'), codec: 'h264' });
  });

  it('a MOV without its still stays a video', async () => {
    const page = await lib.service['photos.list']({ limit: 100 });
    expect(page.items.find((i) => i.relPath === 'IMG_0002.MOV')).toMatchObject({ mediaType: 'video' });
  });

  it('pairs a still that arrives after its clip', async () => {
    expect((await lib.service['photos.list']({ limit: 100 })).items.find((i) => i.relPath === 'IMG_0004.MOV')).toMatchObject({ mediaType: 'video' });
    const still = await writePhoto(root, { name: 'IMG_0004.HEIC.jpg', color: [1, 2, 3] }); // another base name: no pair
    await writePhoto(root, { name: 'IMG_0004.jpeg', color: [200, 30, 30], takenAt: '2024:06:02 10:00:00' });
    await indexPaths(lib.ctx, [still, path.join(root, 'IMG_0004.jpeg')]);
    const items = (await lib.service['photos.list']({ limit: 100 })).items;
    expect(items.find((i) => i.relPath === 'IMG_0004.jpeg')).toMatchObject({ mediaType: 'live' });
    expect(items.find((i) => i.relPath === 'IMG_0004.MOV')).toBeUndefined();
    expect(items.find((i) => i.relPath === 'IMG_0004.HEIC.jpg')).toMatchObject({ mediaType: 'photo' });
    // Search finds a Live Photo once, through its still (the clip paired after it was indexed).
    const found = await lib.service['photos.search']({ query: 'IMG_0004', filters: {}, limit: 50 });
    expect(found.hits.map((h) => path.basename(h.path)).sort()).toEqual(['IMG_0004.HEIC.jpg', 'IMG_0004.jpeg']);
    // status counts them: one plain video, two Live Photos (each one item).
    expect(await lib.service['library.status']({})).toMatchObject({ videos: 1, livePhotos: 2 });
  });
});
