// `npm run bench -- ui [--photos N] [--json]`: the renderer in Chromium through web mode on a library of
// N photos (default 100,000; 24 real thumbnails shared by cloned rows, a caption per photo; built once
// and cached under .cache/bench-ui/, each run serves a copy of its data folder):
//  - time to first grid paint: navigation start → first tile in the DOM, and → first thumbnail decoded
//    (target ≤ 1 s), over several cold page loads;
//  - jump to the oldest month: the scrollbar dragged to the end → the oldest photo's tile on screen
//    (target ≤ 300 ms);
//  - search: typing a query → its results rendered (includes the 150 ms as-you-type debounce), p50/p95;
//  - DOM size while scrolling through the whole library (tiles and all elements), and frame intervals.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { schemaHash } from './schema-hash';
import { openDb } from '../../main/db/connection';
import { REPO_ROOT, launchBrowser, rendererBuilt, startServe, tempDir } from '../e2e/support';
import { bigLibraryPaths, createBigLibrary } from '../e2e/big-library';

const DEFAULT_COUNT = 100_000;
/** Bump when big-library.ts changes what it builds. */
const LIBRARY_VERSION = 1;
const CACHE = path.join(REPO_ROOT, '.cache', 'bench-ui');
const LOADS = 5;
const QUERIES = ['beach', 'mountains', 'ramen', 'football', 'tulip', 'cat', 'bridge', 'cake', 'surfers', 'autumn', 'harbour', 'desert', 'picnic', 'train', 'fireworks', 'neon'];
const SEARCH_ROUNDS = 2;

type Doc = { querySelectorAll(s: string): { length: number }; querySelector(s: string): { getAttribute(n: string): string | null; textContent: string | null } | null };
type Img = { complete: boolean; naturalWidth: number };

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};
const round = (x: number): number => Math.round(x * 10) / 10;

function photosArg(args: string[]): number {
  const i = args.indexOf('--photos');
  if (i < 0) return DEFAULT_COUNT;
  const n = Number(args[i + 1]);
  if (!Number.isInteger(n) || n < 1000) throw new Error('--photos takes a whole number ≥ 1000');
  return n;
}

export async function run({ json, args = [] }: { json: boolean; args?: string[] }): Promise<void> {
  const COUNT = photosArg(args);
  const log = (s: string) => { if (!json) process.stderr.write(`${s}\n`); };
  if (!rendererBuilt()) {
    log('building the renderer…');
    const r = spawnSync(process.execPath, ['scripts/build.mjs', 'renderer'], { cwd: REPO_ROOT, stdio: 'inherit' });
    if (r.status !== 0) throw new Error('renderer build failed');
  }
  // The photos folder stays in the cache (the library's root points at it); the data folder is copied.
  const cached = path.join(CACHE, `v${LIBRARY_VERSION}-${schemaHash()}-${COUNT}`);
  if (!existsSync(path.join(cached, 'data'))) {
    const building = `${cached}.${process.pid}.tmp`;
    const { dataDir } = bigLibraryPaths(building);
    log(`creating a ${COUNT.toLocaleString('en')}-photo library (once; cached in ${CACHE})…`);
    const t0 = Date.now();
    await createBigLibrary(dataDir, path.join(cached, 'photos'), { count: COUNT });
    renameSync(dataDir, path.join(building, 'data-ready'));
    cpSync(path.join(building, 'data-ready'), path.join(cached, 'data'), { recursive: true });
    rmSync(building, { recursive: true, force: true });
    log(`  done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
  const base = tempDir('bench-ui');
  const dataDir = path.join(base, 'data');
  cpSync(path.join(cached, 'data'), dataDir, { recursive: true });
  const probe = openDb(path.join(dataDir, 'library.sqlite'));
  const oldest = probe.prepare('SELECT id, substr(sort_date, 1, 7) AS month FROM photos ORDER BY sort_date ASC, id ASC LIMIT 1').get() as { id: number; month: string };
  probe.close();
  const served = await startServe(dataDir, ['--no-scan']);
  const session = await launchBrowser({ viewport: { width: 1600, height: 1000 } });
  const page = session.page;
  try {
    // 1. First grid paint, cold page loads (a fresh document each time; the HTTP cache may hold assets).
    const firstTile: number[] = [];
    const firstThumb: number[] = [];
    for (let i = 0; i < LOADS + 1; i++) {
      await page.goto('about:blank');
      await page.goto(served.url, { waitUntil: 'commit' });
      const tile = await page.waitForFunction(() => {
        const doc = (globalThis as unknown as { document: Doc }).document;
        return doc.querySelectorAll('[data-testid=photo-tile]').length > 0 ? performance.now() : null;
      }, undefined, { polling: 'raf', timeout: 30_000 });
      const thumb = await page.waitForFunction(() => {
        const doc = (globalThis as unknown as { document: { querySelector(s: string): Img | null } }).document;
        const img = doc.querySelector('[data-testid=photo-tile] img');
        return img && img.complete && img.naturalWidth > 0 ? performance.now() : null;
      }, undefined, { polling: 'raf', timeout: 30_000 });
      if (i === 0) continue; // warm-up: first load of the assets and of SQLite pages
      firstTile.push(await tile.jsonValue() as number);
      firstThumb.push(await thumb.jsonValue() as number);
    }
    log(`first tile painted: median ${round(pct(firstTile, 50))} ms, max ${round(Math.max(...firstTile))} ms`);

    // 1b. Jump to the oldest month: the scrollbar dragged to the very end, timed in the page until the
    //     oldest photo's tile (not a placeholder) is in the DOM.
    const jumpMs: number[] = [];
    for (let i = 0; i < 4; i++) {
      await page.goto(served.url, { waitUntil: 'commit' });
      await page.locator('[data-testid=photo-tile]').first().waitFor();
      const ms = await page.evaluate(`new Promise((resolve) => {
        const grid = document.querySelector('[data-testid=photo-grid]');
        const t0 = performance.now();
        grid.scrollTop = grid.scrollHeight;
        const check = () => {
          if (document.querySelector('[data-testid=photo-tile][data-photo-id="${oldest.id}"]')) resolve(performance.now() - t0);
          else { if (grid.scrollTop + grid.clientHeight < grid.scrollHeight - 2) grid.scrollTop = grid.scrollHeight; requestAnimationFrame(check); }
        };
        requestAnimationFrame(check);
      })`) as number;
      jumpMs.push(Math.round(ms));
    }
    log(`jump to the oldest month (${oldest.month}): median ${pct(jumpMs, 50)} ms, max ${Math.max(...jumpMs)} ms`);

    // 2. Search as you type, timed in the page from the input event to the new results on screen
    //    (so Playwright's own round trips are not counted; the 150 ms debounce is).
    const searchMs: number[] = [];
    await page.evaluate(`window.addEventListener('input', () => { window.__inputAt = performance.now(); }, true)`);
    await page.keyboard.press('/');
    for (let r = 0; r < SEARCH_ROUNDS; r++) {
      for (const q of QUERIES) {
        await page.getByTestId('search-input').fill(q);
        const done = await page.waitForFunction((word) => {
          const w = globalThis as unknown as { document: Doc; __inputAt: number };
          const tile = w.document.querySelector('[data-testid=photo-tile]');
          const count = w.document.querySelector('[data-testid=search-count]');
          const shown = !!tile && (tile.getAttribute('aria-label') ?? '').includes(word) && !!count && /result/.test(count.textContent ?? '');
          return shown ? performance.now() - w.__inputAt : null;
        }, q, { polling: 'raf', timeout: 30_000 });
        searchMs.push(Math.round(await done.jsonValue() as number));
        await page.waitForTimeout(100);
      }
    }
    log(`search samples: ${searchMs.join(" ")}`);
    log(`search → results rendered: p50 ${pct(searchMs, 50)} ms, p95 ${pct(searchMs, 95)} ms (incl. 150 ms debounce)`);

    // 3. Scrolling through the library: DOM size and frame intervals.
    await page.goto(`${served.origin}/#/library`);
    await page.locator('[data-testid=photo-tile] img').first().waitFor();
    // A string, not a function: tsx would wrap named inner functions with a helper the page lacks.
    await page.evaluate(`(() => {
      window.__frames = [];
      let last = 0;
      const tick = (t) => { if (last) window.__frames.push(t - last); last = t; requestAnimationFrame(tick); };
      requestAnimationFrame(tick);
    })()`);
    let maxTiles = 0;
    let maxNodes = 0;
    await page.mouse.move(800, 500);
    for (let i = 0; i < 120; i++) {
      await page.mouse.wheel(0, 900);
      await page.waitForTimeout(16);
      if (i % 5 === 0) {
        const c = await page.evaluate(() => {
          const doc = (globalThis as unknown as { document: Doc }).document;
          return { tiles: doc.querySelectorAll('[data-testid=photo-tile], [data-testid=photo-tile-placeholder]').length, nodes: doc.querySelectorAll('*').length };
        });
        maxTiles = Math.max(maxTiles, c.tiles);
        maxNodes = Math.max(maxNodes, c.nodes);
      }
    }
    for (const f of [0.25, 0.5, 0.75, 1]) {
      await page.getByTestId('photo-grid').evaluate((el, frac) => {
        const g = el as unknown as { scrollTop: number; scrollHeight: number; clientHeight: number };
        g.scrollTop = (g.scrollHeight - g.clientHeight) * frac;
      }, f);
      await page.waitForTimeout(200);
      const c = await page.evaluate(() => {
        const doc = (globalThis as unknown as { document: Doc }).document;
        return { tiles: doc.querySelectorAll('[data-testid=photo-tile], [data-testid=photo-tile-placeholder]').length, nodes: doc.querySelectorAll('*').length };
      });
      maxTiles = Math.max(maxTiles, c.tiles);
      maxNodes = Math.max(maxNodes, c.nodes);
    }
    const frames = await page.evaluate(() => (globalThis as unknown as { __frames: number[] }).__frames);
    log(`scrolling: at most ${maxTiles} tiles and ${maxNodes} DOM elements; frame interval p50 ${round(pct(frames, 50))} ms, p95 ${round(pct(frames, 95))} ms`);
    if (session.problems.length) log(`page problems: ${session.problems.join('; ')}`);

    const result = {
      bench: 'ui',
      photos: COUNT,
      chromium: session.browser?.version?.() ?? null,
      firstTilePaintMs: { median: round(pct(firstTile, 50)), max: round(Math.max(...firstTile)), runs: firstTile.map(round), target: 1000 },
      firstThumbnailMs: { median: round(pct(firstThumb, 50)), max: round(Math.max(...firstThumb)), runs: firstThumb.map(round) },
      jumpToOldestMonthMs: { median: pct(jumpMs, 50), max: Math.max(...jumpMs), runs: jumpMs, target: 300 },
      searchRenderMs: { p50: pct(searchMs, 50), p95: pct(searchMs, 95), n: searchMs.length, debounceMs: 150 },
      scrolling: { maxTiles, maxDomElements: maxNodes, frameP50Ms: round(pct(frames, 50)), frameP95Ms: round(pct(frames, 95)) },
      pageProblems: session.problems,
    };
    if (json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else {
      process.stdout.write([
        `ui bench — ${COUNT.toLocaleString('en')} photos, Chromium (web mode)`,
        `  first grid paint (tile):      median ${result.firstTilePaintMs.median} ms, max ${result.firstTilePaintMs.max} ms (target ≤ 1000 ms)`,
        `  first thumbnail decoded:      median ${result.firstThumbnailMs.median} ms, max ${result.firstThumbnailMs.max} ms`,
        `  jump to the oldest month:     median ${result.jumpToOldestMonthMs.median} ms, max ${result.jumpToOldestMonthMs.max} ms (target ≤ 300 ms)`,
        `  search → results rendered:    p50 ${result.searchRenderMs.p50} ms, p95 ${result.searchRenderMs.p95} ms (n=${searchMs.length}, incl. 150 ms debounce)`,
        `  scrolling:                    ≤ ${maxTiles} tiles, ≤ ${maxNodes} DOM elements, frame p50 ${result.scrolling.frameP50Ms} ms / p95 ${result.scrolling.frameP95Ms} ms`,
        '',
      ].join('\n'));
    }
  } finally {
    await session.close();
    await served.stop();
    rmSync(base, { recursive: true, force: true });
  }
}
