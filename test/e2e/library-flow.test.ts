// The renderer end to end in real Chromium through web mode, on a generated library:
// first run → add folder → thumbnails → rating keys → search → detail → tag edit → smart album → a new matching
// file arrives → the album count follows. Screenshots of every view, light and dark.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  launchBrowser, loadedTileImages, requireRenderer, scrollGridCollectingLoaded, tileImageState, screenshot, tempDir, writePhoto,
  unnamedControls, type BrowserSession, type PageImage, type PageWindow, type PhotoSpec, type Served,
  openWebMode, closeWebMode,
} from './support';

const PHOTOS: PhotoSpec[] = [
  { name: 'beach-sunset.jpg', color: [250, 140, 60], accent: [40, 90, 200], takenAt: '2024:07:14 19:30:00', make: 'Canon', model: 'EOS R6' },
  { name: 'beach-walk.jpg', color: [240, 210, 150], accent: [30, 140, 200], takenAt: '2024:07:15 10:00:00', make: 'Canon', model: 'EOS R6' },
  { name: 'mountain-lake.jpg', color: [60, 120, 90], accent: [180, 200, 230], takenAt: '2024:06:02 08:15:00', make: 'Fujifilm', model: 'X-T4' },
  { name: 'forest-path.jpg', color: [30, 90, 40], accent: [150, 120, 60], takenAt: '2024:06:03 12:00:00', make: 'Fujifilm', model: 'X-T4' },
  { name: 'city-night.jpg', color: [20, 20, 60], accent: [250, 200, 50], takenAt: '2024:05:20 22:45:00', make: 'Sony', model: 'A7 III' },
  { name: 'snow-field.jpg', color: [230, 235, 245], accent: [120, 140, 170], takenAt: '2024:01:10 11:00:00' },
  { name: 'garden/tulips.png', color: [220, 60, 90], accent: [80, 160, 60] },
  { name: 'garden/roses.webp', color: [200, 30, 50], accent: [40, 120, 40] },
  { name: 'desert-dunes.jpg', color: [220, 170, 100], accent: [250, 220, 160], takenAt: '2023:11:05 16:20:00', make: 'Sony', model: 'A7 III' },
  { name: 'harbour-boats.jpg', color: [50, 110, 170], accent: [240, 240, 240], takenAt: '2023:09:12 09:40:00', make: 'Canon', model: 'EOS R6' },
  // A fuller trip so the grid shows full rows: eight days in July, six in June.
  ...Array.from({ length: 8 }, (_, i): PhotoSpec => ({
    name: `trip/coast-${i + 1}.jpg`, color: [90 + i * 15, 150 + i * 8, 220], accent: [60 + i * 10, 110, 70 + i * 12],
    takenAt: `2024:07:${String(20 + i).padStart(2, '0')} 1${i}:00:00`, make: 'Fujifilm', model: 'X100V',
  })),
  ...Array.from({ length: 6 }, (_, i): PhotoSpec => ({
    name: `trip/alps-${i + 1}.jpg`, color: [160 + i * 12, 190, 230 - i * 10], accent: [70, 90 + i * 15, 110],
    takenAt: `2024:06:${String(10 + i).padStart(2, '0')} 0${i + 1}:30:00`, make: 'Fujifilm', model: 'X100V',
  })),
];

requireRenderer();
let dir: string;
let photoDir: string;
let served: Served;
let session: BrowserSession;
let page: Page;

const tiles = (p: Page) => p.locator('[data-testid=photo-tile]');

/** Waits until the grid holds `count` photos, then scrolls through it checking every thumbnail decoded. */
async function waitForLoadedTiles(p: Page, count: number): Promise<void> {
  await expect.poll(() => p.locator('[data-photo-id]').evaluateAll((els) => els.length), { timeout: 30_000, interval: 250 }).toBeGreaterThan(0);
  await expect.poll(async () => (await scrollGridCollectingLoaded(p)).size, { timeout: 30_000, interval: 500 }).toBe(count);
  await p.getByTestId('photo-grid').evaluate((el) => { (el as unknown as { scrollTop: number }).scrollTop = 0; });
}

beforeAll(async () => {
  dir = tempDir('e2e');
  photoDir = path.join(dir, 'My Photos');
  for (const spec of PHOTOS) await writePhoto(photoDir, spec);
  ({ served, session, page } = await openWebMode(path.join(dir, 'data')));
});

afterAll(() => closeWebMode({ session, served, dir }));

describe('SmolAlbum in the browser (web mode)', () => {
  it('first run: keeps the token out of the address bar and asks for folders', async () => {
    await page.goto(served.url);
    await page.getByTestId('first-run').waitFor();
    expect(page.url()).not.toContain('token=');
    expect(await page.evaluate(() => (globalThis as unknown as PageWindow).sessionStorage.getItem('smolalbum.token'))).toBe(served.token);
    await screenshot(page, 'first-run-light', { docs: false });
    expect(await unnamedControls(page)).toEqual([]);
  });

  it('adding a folder fills the grid with loaded thumbnails, newest month first', async () => {
    // Thumbnails come in batches (GET /api/thumbs, renderer/src/api/thumb-store.ts), not one request each.
    const thumbRequests: string[] = [];
    page.on('request', (r) => { if (/\/(thumb\/\d|api\/thumbs)/.test(r.url())) thumbRequests.push(new URL(r.url()).pathname); });
    await page.getByTestId('folder-path-input').fill(photoDir);
    await page.getByTestId('add-folder').click();
    await page.getByTestId('library-view').waitFor();
    await waitForLoadedTiles(page, PHOTOS.length);
    expect(thumbRequests.filter((p) => p !== '/api/thumbs')).toEqual([]);
    expect(thumbRequests.length).toBeGreaterThan(0);
    expect(thumbRequests.length).toBeLessThan(PHOTOS.length);
    expect(await tiles(page).locator('img').evaluateAll((imgs) => imgs.map((i) => (i as unknown as { src: string }).src.slice(0, 5)))).toContain('data:');
    // PNG/WebP without an EXIF date sort by file time (now), ahead of July 2024's ten photos.
    await expect.poll(async () => (await page.getByTestId('month-header').allTextContents()).slice(0, 2).join(' | '))
      .toMatch(/^\w+ 20\d\d\s*2 photos \| July 2024\s*10 photos$/);
    await page.getByTestId('model-offer').getByRole('button', { name: 'Later' }).click();
    await screenshot(page, 'library-light');
    expect(await unnamedControls(page)).toEqual([]);
  });

  it('the grid is keyboard navigable and multi-selectable', async () => {
    await page.getByTestId('photo-grid').focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press(' ');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Shift+ ');
    await expect.poll(() => page.locator('[data-testid=photo-tile][aria-selected=true]').count()).toBe(2);
    await expect.poll(() => page.getByTestId('selection-bar').textContent()).toContain('2 selected');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('[data-testid=photo-tile][aria-selected=true]').count()).toBe(0);
    // Select again with the tiles' check buttons and put them in a new manual album.
    await tiles(page).nth(0).hover();
    await tiles(page).nth(0).getByRole('button').click();
    await tiles(page).nth(1).click({ modifiers: ['Control'] });
    const bar = page.getByTestId('selection-bar');
    await expect.poll(() => bar.textContent()).toContain('2 selected');
    await bar.getByRole('combobox', { name: 'Add to album' }).selectOption('new');
    await bar.getByRole('textbox', { name: 'Album name' }).fill('Favourites');
    await bar.getByRole('button', { name: 'Create' }).click();
    await expect.poll(() => page.locator('[data-testid=photo-tile][aria-selected=true]').count()).toBe(0);
  });

  it('keys 0–5 and F rate and favourite the focused photo in the grid', async () => {
    await page.getByTestId('photo-grid').focus();
    await page.keyboard.press('Home');
    const id = await tiles(page).nth(0).getAttribute('data-photo-id');
    const badge = page.locator(`[data-testid=photo-tile][data-photo-id="${id}"] [data-testid=tile-rating]`);
    await page.keyboard.press('4');
    await page.keyboard.press('f');
    await expect.poll(() => badge.getAttribute('data-rating'), { timeout: 10_000 }).toBe('4');
    await expect.poll(() => badge.getAttribute('data-favourite'), { timeout: 10_000 }).toBe('1');
    await page.keyboard.press('0');
    await page.keyboard.press('F');
    await expect.poll(() => badge.count(), { timeout: 10_000 }).toBe(0);
  });

  it('search narrows the grid as you type', async () => {
    await page.keyboard.press('/');
    expect(await page.evaluate(() => (globalThis as unknown as PageWindow).document.activeElement?.getAttribute('data-testid'))).toBe('search-input');
    await page.keyboard.type('beach');
    await page.getByTestId('search-view').waitFor();
    await expect.poll(() => tiles(page).count(), { timeout: 10_000 }).toBe(2);
    await waitForLoadedTiles(page, 2);
    expect(await page.getByTestId('search-count').textContent()).toBe('2 results');
    expect(decodeURIComponent(new URL(page.url()).hash)).toBe('#/search?q=beach');
    // A filter chip narrows further: camera Canon among the beach photos (both), then Sony (none).
    await page.getByTestId('filter-kind').selectOption('camera');
    await page.getByTestId('filter-value').fill('Sony');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('search-count').textContent(), { timeout: 10_000 }).toBe('0 results');
    await page.getByTestId('chip-camera').getByRole('button').click();
    await expect.poll(() => tiles(page).count(), { timeout: 10_000 }).toBe(2);
    // A folder word plus a camera chip: the trip's fourteen photos (README screenshot).
    await page.getByTestId('search-input').fill('trip');
    await expect.poll(() => page.getByTestId('search-count').textContent(), { timeout: 10_000 }).toBe('14 results');
    await page.getByTestId('filter-kind').selectOption('camera');
    await page.getByTestId('filter-value').fill('Fujifilm');
    await page.keyboard.press('Enter');
    await page.getByTestId('chip-camera').waitFor();
    await expect.poll(() => page.getByTestId('search-count').textContent(), { timeout: 10_000 }).toBe('14 results');
    await expect.poll(() => tileImageState(page).then((t) => t.rendered > 0 && t.loaded === t.rendered), { timeout: 10_000 }).toBe(true);
    await screenshot(page, 'search-light');
    expect(await unnamedControls(page)).toEqual([]);
  });

  it('photo detail shows the preview and details; a tag edit is saved with the "You" badge', async () => {
    await page.goto(`${served.origin}/#/search?q=beach`);
    await expect.poll(() => tiles(page).count(), { timeout: 10_000 }).toBe(2);
    await tiles(page).first().click();
    await page.getByTestId('photo-view').waitFor();
    await expect.poll(() => page.getByTestId('photo-preview').evaluate((img) => (img as unknown as PageImage).naturalWidth), { timeout: 10_000 }).toBeGreaterThan(0);
    expect(await page.getByTestId('exif').textContent()).toMatch(/Canon EOS R6/);
    await page.getByTestId('tag-input').fill('holiday');
    await page.keyboard.press('Enter');
    const chip = page.locator('[data-testid=tag-chip][data-tag=holiday]');
    await chip.waitFor();
    expect(await chip.getByTestId('source-badge').getAttribute('data-source')).toBe('user');
    await page.getByTestId('caption-edit').click();
    await page.getByTestId('caption-input').fill('Sunset over the sea');
    await page.getByTestId('caption-save').click();
    await expect.poll(() => page.getByTestId('caption-text').textContent()).toBe('Sunset over the sea');
    await screenshot(page, 'detail-light');
    expect(await unnamedControls(page)).toEqual([]);
    // → and ← walk through the library in grid order (newest first).
    const shownId = () => new URL(page.url()).hash.match(/^#\/photo\/(\d+)/)?.[1];
    const firstId = shownId();
    await page.locator('body').click({ position: { x: 5, y: 300 } });
    await page.keyboard.press('ArrowRight');
    await expect.poll(shownId).not.toBe(firstId);
    await expect.poll(() => page.getByTestId('photo-view').getAttribute('data-photo-id')).toBe(shownId());
    await page.keyboard.press('ArrowLeft');
    await expect.poll(shownId).toBe(firstId);
    // The edit is stored: a reload shows it.
    await page.reload();
    await page.locator('[data-testid=tag-chip][data-tag=holiday]').waitFor();
    // "Ask about this photo" opens the chat with the photo attached (chat reads ?photo=ID).
    const id = await page.getByTestId('photo-view').getAttribute('data-photo-id');
    await page.getByTestId('ask-photo').click();
    await expect.poll(() => new URL(page.url()).hash).toBe(`#/chat?photo=${id}`);
    await page.goBack();
    await page.getByTestId('photo-view').waitFor();
  });

  it('a smart album from the rule builder, with a live preview count', async () => {
    await page.goto(`${served.origin}/#/albums`);
    await page.getByTestId('new-smart-album').click();
    const builder = page.getByTestId('album-builder');
    await builder.waitFor();
    await page.getByTestId('album-name').fill('Beach days');
    await builder.getByTestId('rule-op').first().selectOption('or');
    await builder.getByTestId('rule-kind').first().selectOption('text');
    await builder.getByTestId('rule-value').first().fill('beach');
    await expect.poll(() => page.getByTestId('rule-preview-count').getAttribute('data-count'), { timeout: 10_000 }).toBe('2');
    await builder.getByTestId('rule-add-condition').first().click();
    await builder.getByTestId('rule-value').nth(1).fill('holiday');
    await expect.poll(() => page.getByTestId('rule-preview-count').getAttribute('data-count'), { timeout: 10_000 }).toBe('2');
    await screenshot(page, 'album-builder-light');
    expect(await unnamedControls(page)).toEqual([]);
    await page.getByTestId('album-create').click();
    await page.getByTestId('album-view').waitFor();
    await expect.poll(() => page.getByTestId('album-view-count').getAttribute('data-count'), { timeout: 10_000 }).toBe('2');
    await waitForLoadedTiles(page, 2);
  });

  it('a matching photo added to the folder shows up in the album by itself', async () => {
    await writePhoto(photoDir, { name: 'beach-new.jpg', color: [90, 180, 220], accent: [250, 230, 180], takenAt: '2024:08:01 12:00:00' });
    await expect.poll(() => page.getByTestId('album-view-count').getAttribute('data-count'), { timeout: 30_000, interval: 300 }).toBe('3');
    await waitForLoadedTiles(page, 3);
    await page.goto(`${served.origin}/#/albums`);
    const card = page.locator('[data-testid=album-card]', { hasText: 'Beach days' });
    await expect.poll(() => card.getAttribute('data-count'), { timeout: 10_000 }).toBe('3');
    expect(await page.locator('[data-testid=album-card]', { hasText: 'Favourites' }).getAttribute('data-count')).toBe('2');
    await screenshot(page, 'albums-light');
    expect(await unnamedControls(page)).toEqual([]);
  });

  it('settings list the folder and the model choices', async () => {
    await page.goto(`${served.origin}/#/settings`);
    await page.getByTestId('settings-view').waitFor();
    await expect.poll(() => page.getByTestId('root-row').textContent()).toContain(photoDir);
    await screenshot(page, 'settings-light');
    expect(await unnamedControls(page)).toEqual([]);
  });

  it('the shortcuts overlay opens with ? and the UI switches to Chinese', async () => {
    await page.keyboard.press('?');
    await page.getByTestId('shortcuts-help').waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('shortcuts-help').count()).toBe(0);
    await page.getByTestId('language-select').selectOption('zh-CN');
    await expect.poll(() => page.locator('h1').first().textContent()).toBe('设置');
    expect(await page.evaluate(() => (globalThis as unknown as PageWindow).document.documentElement.lang)).toBe('zh-CN');
    await page.getByTestId('language-select').selectOption('en');
  });

  it('dark mode screenshots of every view', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    const shots: [string, string, string][] = [
      ['library-dark', '#/library', 'library-view'],
      ['search-dark', '#/search?q=trip&camera=Fujifilm', 'search-view'],
      ['album-builder-dark', '#/albums?new=smart', 'album-builder'],
      ['settings-dark', '#/settings', 'settings-view'],
    ];
    for (const [name, hash, testId] of shots) {
      await page.goto(`${served.origin}/${hash}`);
      await page.getByTestId(testId).waitFor();
      if (testId !== 'album-builder' && testId !== 'settings-view') await expect.poll(() => loadedTileImages(page), { timeout: 10_000 }).toBeGreaterThan(0);
      await screenshot(page, name);
    }
    await page.goto(`${served.origin}/#/library`);
    await waitForLoadedTiles(page, PHOTOS.length + 1);
    await tiles(page).nth(1).click();
    await page.getByTestId('photo-view').waitFor();
    await expect.poll(() => page.getByTestId('photo-preview').evaluate((img) => (img as unknown as PageImage).naturalWidth), { timeout: 10_000 }).toBeGreaterThan(0);
    await screenshot(page, 'detail-dark');
    expect(await page.evaluate(() => (globalThis as unknown as PageWindow).matchMedia('(prefers-color-scheme: dark)').matches)).toBe(true);
  });

  it('defaults to Simplified Chinese on a Chinese system', async () => {
    const zh = await launchBrowser({ locale: 'zh-CN' });
    try {
      await zh.page.goto(served.url);
      await expect.poll(() => zh.page.getByRole('navigation').textContent(), { timeout: 10_000 }).toContain('图库');
      expect(await zh.page.getByTestId('search-input').getAttribute('aria-label')).toBe('搜索照片');
      expect(zh.problems).toEqual([]);
    } finally {
      await zh.close();
    }
  });

  it('a tab opened without the token explains how to get in', async () => {
    // A new tab has its own sessionStorage, so no token (its 401s are expected: not watched for errors).
    const other = await session.context.newPage();
    await other.goto(`${served.origin}/#/library`);
    await expect.poll(() => other.getByRole('alert').textContent(), { timeout: 10_000 }).toMatch(/access token.*Open the link printed by `smolalbum serve`/);
    // A page of another origin (localhost ≠ 127.0.0.1) holding the token still cannot open the socket.
    await other.goto(`http://localhost:${served.port}/`);
    const outcome = await other.evaluate(`new Promise((resolve) => {
      const ws = new WebSocket('ws://127.0.0.1:${served.port}/events?token=${served.token}');
      ws.onopen = () => resolve('open');
      ws.onerror = () => resolve('refused');
    })`);
    expect(outcome).toBe('refused');
    await other.close();
  });

  it('saw no console errors or unhandled rejections', () => {
    expect(session.problems).toEqual([]);
  });
});
