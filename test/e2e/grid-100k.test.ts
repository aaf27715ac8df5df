// The grid stays virtualized with 100,000 photos: while scrolling from top to bottom (and jumping),
// the DOM never holds more than ~600 tiles, and photos far down the list do load.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, requireRenderer, screenshot, startServe, tempDir, type BrowserSession, type Served } from './support';
import { bigLibraryPaths, createBigLibrary } from './big-library';

const COUNT = 100_000;
const MAX_TILES = 600;
requireRenderer();
let base: string;
let served: Served;
let session: BrowserSession;

beforeAll(async () => {
  base = tempDir('grid100k');
  const { dataDir, rootDir } = bigLibraryPaths(base);
  await createBigLibrary(dataDir, rootDir, { count: COUNT, withThumbs: false });
  served = await startServe(dataDir, ['--no-scan']);
  session = await launchBrowser({ viewport: { width: 1600, height: 1000 } });
}, 300_000); // 100,000 rows, each also updating the status counters (main/db/schema.ts): minutes on a loaded 2-core machine

afterAll(async () => {
  await session?.close();
  await served?.stop();
  if (base) rmSync(base, { recursive: true, force: true });
});

describe('grid with 100,000 photos', () => {
  it(`keeps at most ${MAX_TILES} tiles in the DOM while scrolling`, async () => {
    const page = session.page;
    await page.goto(served.url);
    await page.locator('[data-testid=photo-tile]').first().waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('library-count').textContent()).toBe('100,000 photos');
    const count = () => page.evaluate(() => {
      const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): { length: number } } }).document;
      return { tiles: doc.querySelectorAll('[data-testid=photo-tile]').length, placeholders: doc.querySelectorAll('[data-testid=photo-tile-placeholder]').length };
    });
    const grid = page.getByTestId('photo-grid');
    const scrollTo = (fraction: number) => grid.evaluate((el, f) => {
      const g = el as unknown as { scrollTop: number; scrollHeight: number; clientHeight: number };
      g.scrollTop = (g.scrollHeight - g.clientHeight) * f;
    }, fraction);
    const seen: number[] = [];
    // Smooth scrolling near the top with the wheel, then jumps through the whole list.
    for (let i = 0; i < 15; i++) {
      await page.mouse.move(800, 500);
      await page.mouse.wheel(0, 1200);
      await page.waitForTimeout(40);
      const c = await count();
      seen.push(c.tiles + c.placeholders);
    }
    for (const f of [0.1, 0.25, 0.5, 0.75, 0.9, 1, 0.5, 0]) {
      await scrollTo(f);
      await page.waitForTimeout(80);
      const c = await count();
      seen.push(c.tiles + c.placeholders);
    }
    await scrollTo(0.5);
    await expect.poll(async () => (await count()).tiles, { timeout: 60_000, interval: 500 }).toBeGreaterThan(0);
    // The month of the rows at the top stays pinned while scrolling (sticky header).
    // Polled: the virtualizer may swap the header element between finding it and measuring it.
    await expect.poll(() => page.getByTestId('month-header').first().evaluate((el) => {
      const h = el as unknown as { getBoundingClientRect(): { top: number }; parentElement: { parentElement: { getBoundingClientRect(): { top: number } } | null } | null };
      const outer = h.parentElement?.parentElement;
      return outer ? Math.abs(h.getBoundingClientRect().top - outer.getBoundingClientRect().top) : Number.POSITIVE_INFINITY;
    }), { timeout: 10_000, interval: 200 }).toBeLessThan(2);
    await screenshot(page, 'grid-100k-middle', { docs: false });
    expect(Math.max(...seen)).toBeLessThanOrEqual(MAX_TILES);
    expect(Math.min(...seen)).toBeGreaterThan(0);

    // The far end of the library loads (sequential pages), and still within the bound.
    await scrollTo(1);
    await expect.poll(async () => (await count()).tiles, { timeout: 60_000, interval: 500 }).toBeGreaterThan(0);
    const end = await count();
    expect(end.tiles + end.placeholders).toBeLessThanOrEqual(MAX_TILES);
    // The virtualizer re-renders after the scroll event: wait for the oldest months to be on screen.
    await expect.poll(async () => page.getByTestId('month-header').last().textContent(), { timeout: 60_000, interval: 500 })
      .toMatch(/20(1[0-3])/);
    expect(session.problems).toEqual([]);
  });
});
