// Videos in the browser (issue 12), real Chromium through web mode: a video tile shows its length,
// the detail plays it (currentTime advances, served with HTTP Range), a clip this Chromium cannot
// decode (HEVC) gets a playable preview made on first open, and search finds a video by a word of its
// keyframe caption (written beforehand by the forged tiny model through the real AI queue).
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { closeWebMode, openWebMode, rendererBuilt, screenshot, tempDir, writePhoto, type BrowserSession, type Served } from './support';
import { makeClip } from '../support/videos';
import { tinyModelDir } from '../support/models';
import { createContext } from '../../main/service/context';
import { createService } from '../../main/service/index';
import { nodeEngineFactory } from '../../main/engine/factory';
import { runAiStage } from '../../main/ai/stage';

const run = rendererBuilt() ? describe : describe.skip;
let dir: string;
let served: Served;
let session: BrowserSession;
let page: Page;
const ids = new Map<string, number>();
let captionWord = '';

beforeAll(async () => {
  dir = tempDir('e2e-video');
  const clips = path.join(dir, 'Clips');
  await Promise.all([
    makeClip({ file: path.join(clips, 'harbour.mp4'), seconds: 3, audio: true, creationTime: '2024-07-14T10:00:00Z' }),
    makeClip({ file: path.join(clips, 'hevc.mp4'), codec: 'hevc', seconds: 2, creationTime: '2024-07-13T10:00:00Z' }),
  ]);
  await writePhoto(clips, { name: 'still.jpg', color: [200, 120, 60], takenAt: '2024:07:12 10:00:00' });
  // Index and caption in this process, as `smolalbum index --model` would; the server then only reads.
  const dataDir = path.join(dir, 'data');
  const model = await tinyModelDir();
  const ctx = createContext({ dataDir, engineFactory: nodeEngineFactory });
  try {
    const service = createService(ctx);
    await service['roots.add']({ path: clips, scan: false });
    await service['library.rescan']({});
    await runAiStage(ctx, { ai: true, model });
    for (const r of ctx.db.prepare('SELECT id, rel_path FROM photos').all() as { id: number; rel_path: string }[]) ids.set(r.rel_path, r.id);
    const caption = (await service['photos.get']({ id: ids.get('harbour.mp4')! })).caption ?? '';
    captionWord = caption.split(/\W+/).find((w) => w.length > 3) ?? '';
  } finally {
    await ctx.close();
  }
  ({ served, session, page } = await openWebMode(dataDir));
}, 240_000);

afterAll(() => closeWebMode({ session, served, dir }));

const tile = (rel: string) => page.locator(`[data-testid=photo-tile][data-photo-id="${ids.get(rel)}"]`);

async function playsFor(p: Page, testId: string): Promise<number> {
  const video = p.getByTestId(testId);
  await video.waitFor({ timeout: 60_000 });
  await video.evaluate((el) => { const v = el as unknown as { muted: boolean; play(): Promise<void> }; v.muted = true; return v.play(); });
  await expect.poll(() => video.evaluate((el) => (el as unknown as { currentTime: number }).currentTime), { timeout: 20_000, interval: 200 }).toBeGreaterThan(0.3);
  return video.evaluate((el) => (el as unknown as { currentTime: number }).currentTime);
}

run('videos in the browser (web mode)', () => {
  it('shows a video tile with its length among the photos', async () => {
    await page.goto(served.url);
    await tile('harbour.mp4').waitFor({ timeout: 30_000 });
    expect(await tile('harbour.mp4').getByTestId('tile-duration').textContent()).toBe('▶ 0:03');
    expect(await tile('hevc.mp4').getByTestId('tile-duration').textContent()).toBe('▶ 0:02');
    expect(await tile('still.jpg').getByTestId('tile-duration').count()).toBe(0);
    await screenshot(page, 'video-grid-light', { docs: false });
  });

  it('plays a video in the detail (currentTime advances)', async () => {
    await tile('harbour.mp4').click();
    await page.getByTestId('photo-view').waitFor();
    expect(await page.getByTestId('video-duration').textContent()).toBe('0:03');
    expect(await page.getByTestId('caption-frames').textContent()).toContain('0.4 s');
    expect(await playsFor(page, 'video-player')).toBeGreaterThan(0.3);
    // The player asked with Range: the original is served by id with 206 answers.
    const src = await page.getByTestId('video-player').getAttribute('src');
    expect(src).toMatch(new RegExp(`^/media/${ids.get('harbour.mp4')}\\?token=`));
    await screenshot(page, 'video-detail-light', { docs: false });
  });

  it('makes a playable preview of a clip this browser cannot decode (HEVC), then plays it', async () => {
    await page.goto(`${served.origin}/#/photo/${ids.get('hevc.mp4')}`);
    await page.getByTestId('photo-view').waitFor();
    // This Chromium has no HEVC decoder: the player asks for a preview in a codec it does have.
    const canPlayHevc = () => (globalThis as unknown as { document: { createElement(t: string): { canPlayType(t: string): string } } })
      .document.createElement('video').canPlayType('video/mp4; codecs="hvc1.1.6.L93.B0"');
    expect(await page.evaluate(canPlayHevc)).toBe('');
    expect(await playsFor(page, 'video-player')).toBeGreaterThan(0.3);
    const src = await page.getByTestId('video-player').getAttribute('src');
    expect(src).toMatch(/[?&]preview=(h264|vp9)$/);
  });

  it('search finds the video by a word of its keyframe caption', async () => {
    expect(captionWord).not.toBe('');
    await page.goto(`${served.origin}/#/search?q=${encodeURIComponent(captionWord)}`);
    await page.getByTestId('search-view').waitFor();
    await tile('harbour.mp4').waitFor({ timeout: 20_000 });
    expect(await tile('harbour.mp4').getByTestId('tile-duration').textContent()).toBe('▶ 0:03');
  });
});
