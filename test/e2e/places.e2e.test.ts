// Places in real Chromium through web mode (issue 11): a library of geotagged JPEGs (GPS written by
// exiftool); the places view lists countries with counts and drills down to a city's photos; the
// map shows clusters that split when zoomed in, and clicking one shows its photos; the photo detail
// names the place. No console errors throughout.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { makePhotos } from '../support/photos';
import { callApi, closeWebMode, goToHash, openWebMode, rendererBuilt, screenshot, tempDir, type BrowserSession, type Served } from './support';

const PHOTOS = [
  { rel: 'kyoto-1.jpg', exif: { lat: 35.0116, lon: 135.7681, date: '2024:04:01 10:00:00' } },
  { rel: 'kyoto-2.jpg', exif: { lat: 34.9858, lon: 135.7588, date: '2024:04:02 10:00:00' } },
  { rel: 'kyoto-3.jpg', exif: { lat: 35.0166, lon: 135.7631, date: '2024:04:03 10:00:00' } },
  { rel: 'tokyo.jpg', exif: { lat: 35.6762, lon: 139.6503, date: '2024:04:05 10:00:00' } },
  { rel: 'paris.jpg', exif: { lat: 48.8566, lon: 2.3522, date: '2023:06:01 10:00:00' } },
  { rel: 'evian.jpg', exif: { lat: 46.4008, lon: 6.5897, date: '2023:06:03 10:00:00' } },
  { rel: 'no-gps.jpg', exif: { date: '2022:01:01 10:00:00' } },
];

const run = rendererBuilt() ? describe : describe.skip;
let dir: string;
let served: Served;
let session: BrowserSession;
let page: Page;

const clusterCounts = async (p: Page) => (await p.getByTestId('map-cluster').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-count'))))).sort((a, b) => a - b);

beforeAll(async () => {
  dir = tempDir('e2e-places');
  const photos = path.join(dir, 'photos');
  await makePhotos(photos, PHOTOS.map((p) => ({ ...p, width: 320, height: 240 })));
  ({ served, session, page } = await openWebMode(path.join(dir, 'data')));
  await callApi(served, 'roots.add', { path: photos });
  await callApi(served, 'library.rescan', {});
}, 180_000);

afterAll(() => closeWebMode({ session, served, dir }));

run('places and map in the browser', () => {
  it('the places view lists countries with counts and drills down to a city\'s photos', async () => {
    await page.goto(served.url);
    await page.getByTestId('library-view').waitFor();
    await goToHash(page, '#/places');
    const rows = page.getByTestId('place-row');
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(2);
    expect(await rows.evaluateAll((els) => els.map((e) => [e.textContent, e.getAttribute('data-count')]))).toEqual([
      [expect.stringContaining('Japan'), '4'], [expect.stringContaining('France'), '2'],
    ]);
    await screenshot(page, 'places-light');
    await rows.first().click();
    await expect.poll(async () => (await rows.allTextContents()).join(' | '), { timeout: 10_000 }).toMatch(/^Kyoto.*3 photos \| Tokyo.*1 photo$/);
    await rows.first().click();
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(1);
    await rows.first().click();
    await page.getByTestId('place-photos').waitFor();
    await expect.poll(() => page.locator('[data-testid=place-photos] [data-photo-id]').count(), { timeout: 10_000 }).toBe(3);
  });

  it('the map clusters photos, splits clusters when zoomed in, and opens a cluster\'s photos', async () => {
    await goToHash(page, '#/map');
    await page.getByTestId('map-view').waitFor();
    // Zoomed out: Japan's four photos are one cluster, Paris and Évian another.
    await expect.poll(() => clusterCounts(page), { timeout: 20_000 }).toEqual([2, 4]);
    await screenshot(page, 'map-light');
    // Double-click zooms into the Japanese cluster: Kyoto (3) and Tokyo (1) come apart.
    const japan = page.locator('[data-testid=map-cluster][data-count="4"]');
    // One dblclick event: on a loaded machine two real clicks can land too far apart to make one.
    await japan.dispatchEvent('dblclick');
    await expect.poll(async () => {
      const counts = await clusterCounts(page);
      return counts.includes(3) && counts.includes(1) && !counts.includes(4);
    }, { timeout: 20_000 }).toBe(true);
    await page.locator('[data-testid=map-cluster][data-count="3"]').click();
    await page.getByTestId('cluster-photos').waitFor();
    await expect.poll(() => page.locator('[data-testid=cluster-photos] [data-photo-id]').count(), { timeout: 10_000 }).toBe(3);
    // Keyboard: '-' zooms back out until the clusters merge again.
    await page.getByTestId('map-zoom-out').click();
    await page.getByTestId('map-zoom-out').click();
    await page.getByTestId('map-zoom-out').click();
    await page.getByTestId('map-zoom-out').click();
    await expect.poll(() => clusterCounts(page), { timeout: 20_000 }).toContain(4);
  });

  it('the photo detail names the place and can set one by hand', async () => {
    const hits = await callApi<{ hits: { id: number; path: string }[] }>(served, 'photos.search', { query: 'kyoto', limit: 10 });
    const kyoto = hits.hits.find((h) => h.path.endsWith('kyoto-1.jpg'))!;
    await goToHash(page, `#/photo/${kyoto.id}`);
    await expect.poll(() => page.getByTestId('photo-place').textContent(), { timeout: 10_000 }).toMatch(/Kyoto, Japan/);
    await page.getByTestId('photo-mini-map').waitFor();
    const noGps = await callApi<{ hits: { id: number }[] }>(served, 'photos.search', { query: 'no-gps', limit: 1 });
    await goToHash(page, `#/photo/${noGps.hits[0]!.id}`);
    await page.getByTestId('place-edit').click();
    await page.getByTestId('place-search').fill('Lisbon');
    await page.getByTestId('place-choice').first().click();
    await expect.poll(() => page.getByTestId('photo-place').textContent(), { timeout: 10_000 }).toMatch(/Lisbon.*Portugal/);
    expect(session.problems).toEqual([]);
  });
});
