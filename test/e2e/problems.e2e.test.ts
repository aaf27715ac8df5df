// Files that cannot be shown, in real Chromium through web mode (issue 10): a text file named .jpg,
// a zero-byte file and a truncated JPEG beside good photos. Tiles say what is wrong instead of
// asking for a thumbnail that does not exist (no 404, no broken image — in the grid, in search
// results and in the detail); a damaged photo shows its pixels with a badge and has a filter chip;
// a photo without a date taken says it is placed by its file date. The folder is added through
// roots.add alone, as the UI does.
import path from 'node:path';
import { promises as fs, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { makePhotos } from '../support/photos';
import { callApi, closeWebMode, goToHash, openWebMode, rendererBuilt, tempDir, type BrowserSession, type Served } from './support';
import type { PhotoPage } from '../../shared/types';

const run = rendererBuilt() ? describe : describe.skip;
let dir: string;
let served: Served;
let session: BrowserSession;
let page: Page;
const ids = new Map<string, number>();

const tileOf = (p: Page, name: string) => p.locator(`[data-testid=photo-tile][data-photo-id="${ids.get(name)}"]`);

beforeAll(async () => {
  dir = tempDir('e2e-problems');
  const photos = path.join(dir, 'photos');
  await makePhotos(photos, [
    { rel: 'good.jpg', width: 800, height: 600, exif: { date: '2024:05:01 10:00:00' } },
    { rel: 'undated.png', format: 'png', width: 400, height: 300 },
    { rel: 'whole.jpg', width: 1600, height: 1200, seed: 7, exif: { date: '2024:04:01 10:00:00' } },
  ]);
  // Cut at 55 %: the top of the picture decodes, the rest is missing.
  const whole = readFileSync(path.join(photos, 'whole.jpg'));
  writeFileSync(path.join(photos, 'damaged.jpg'), whole.subarray(0, Math.floor(whole.length * 0.55)));
  await fs.rm(path.join(photos, 'whole.jpg'));
  await fs.writeFile(path.join(photos, 'notes.jpg'), 'Shopping list: film, batteries.\n');
  await fs.writeFile(path.join(photos, 'zero.jpg'), '');
  ({ served, session, page } = await openWebMode(path.join(dir, 'data')));
  await callApi(served, 'roots.add', { path: photos });
  const deadline = Date.now() + 60_000;
  for (;;) {
    const list = await callApi<PhotoPage>(served, 'photos.list', { limit: 50 });
    const settled = list.items.length === 5 && list.items.every((p) => p.hasThumb || p.status === 'error');
    if (settled) { for (const p of list.items) ids.set(p.relPath, p.id); break; }
    if (Date.now() > deadline) throw new Error(`roots.add did not index the folder: ${JSON.stringify(list.items.map((p) => [p.relPath, p.status]))}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}, 180_000);

afterAll(() => closeWebMode({ session, served, dir }));

run('files that cannot be shown', () => {
  it('tiles say what is wrong; the damaged photo shows its pixels with a badge', async () => {
    await page.goto(served.url);
    await page.getByTestId('library-view').waitFor();
    await expect.poll(() => page.locator('[data-testid=photo-tile]').count(), { timeout: 20_000 }).toBe(5);
    expect(await tileOf(page, 'notes.jpg').getByTestId('tile-problem').getAttribute('data-problem')).toBe('unsupported');
    expect(await tileOf(page, 'notes.jpg').getByTestId('tile-problem').textContent()).toContain('Format not supported');
    expect(await tileOf(page, 'zero.jpg').getByTestId('tile-problem').getAttribute('data-problem')).toBe('unreadable');
    expect(await tileOf(page, 'zero.jpg').getByTestId('tile-problem').getAttribute('title')).toBe('empty file (0 bytes)');
    for (const name of ['notes.jpg', 'zero.jpg']) expect(await tileOf(page, name).locator('img').count(), name).toBe(0);
    await expect.poll(() => tileOf(page, 'damaged.jpg').locator('img').evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(0);
    expect(await tileOf(page, 'damaged.jpg').getByTestId('tile-damaged').count()).toBe(1);
    expect(await tileOf(page, 'good.jpg').getByTestId('tile-damaged').count()).toBe(0);
  });

  it('search results show the same placeholders (no thumbnail request), and a Damaged chip filters', async () => {
    await goToHash(page, '#/search?q=notes');
    await expect.poll(() => page.getByTestId('search-count').textContent(), { timeout: 10_000 }).toBe('1 result');
    expect(await tileOf(page, 'notes.jpg').getByTestId('tile-problem').getAttribute('data-problem')).toBe('unsupported');
    await goToHash(page, '#/search?q=');
    await page.getByTestId('chip-add-damaged').click();
    await expect.poll(() => page.getByTestId('search-count').textContent(), { timeout: 10_000 }).toBe('1 result');
    await expect.poll(() => page.locator('[data-testid=photo-tile]').evaluateAll((els) => els.map((e) => e.getAttribute('data-photo-id'))))
      .toEqual([String(ids.get('damaged.jpg'))]);
  });

  it('the detail of a file with no pixels says why; an undated photo gives its file date', async () => {
    await goToHash(page, `#/photo/${ids.get('notes.jpg')}`);
    await page.getByTestId('photo-problem').waitFor();
    expect(await page.getByTestId('photo-problem').textContent()).toContain('Format not supported');
    expect(await page.getByTestId('photo-preview').count()).toBe(0);
    await goToHash(page, `#/photo/${ids.get('undated.png')}`);
    await expect.poll(() => page.getByTestId('photo-date').textContent(), { timeout: 10_000 }).toMatch(/\(file date\)$/);
    await goToHash(page, `#/photo/${ids.get('good.jpg')}`);
    await expect.poll(() => page.getByTestId('photo-date').textContent(), { timeout: 10_000 }).not.toMatch(/file date/);
  });

  it('saw no console errors (no 404 for a thumbnail that does not exist)', () => {
    expect(session.problems).toEqual([]);
  });
});
