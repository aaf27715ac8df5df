import { bigLibraryPaths, createBigLibrary } from './big-library';
import { startServe, tempDir, launchBrowser } from './support';
const base = tempDir('s4');
const { dataDir, rootDir } = bigLibraryPaths(base);
await createBigLibrary(dataDir, rootDir, { count: 100000 });
const s = await startServe(dataDir, ['--no-scan']);
const b = await launchBrowser({ viewport: { width: 1600, height: 1000 } });
const page = b.page;
await page.goto(s.url);
await page.locator('[data-testid=photo-tile]').first().waitFor();
await page.waitForTimeout(1500);
await page.evaluate(`(() => {
  window.__log = [];
  const t = () => Math.round(performance.now());
  window.addEventListener('input', () => window.__log.push('input ' + t()), true);
  window.addEventListener('hashchange', () => window.__log.push('hash ' + t()), true);
  const of = window.fetch; window.fetch = (...a) => { window.__log.push('fetch ' + String(a[0]).split('/').pop() + ' ' + t()); return of(...a); };
  new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__log.push('LoAF ' + Math.round(e.startTime) + '+' + Math.round(e.duration) + ' ' + (e.scripts||[]).map(s => s.invoker + ':' + Math.round(s.duration)).join(',')); }).observe({ type: 'long-animation-frame' });
})()`);
for (const q of ['beach', 'cat', 'tulip', 'harbour']) {
  const t0 = await page.evaluate(() => performance.now());
  await page.getByTestId('search-input').fill(q);
  await page.waitForFunction((w) => (document.querySelector('[data-testid=photo-tile]')?.getAttribute('aria-label') ?? '').includes(w), q, { polling: 'raf' });
  const t1 = await page.evaluate(() => performance.now());
  console.log(q, Math.round(t0), Math.round(t1 - t0), await page.evaluate(() => (window as any).__log.splice(0).join(' | ')));
  await page.waitForTimeout(300);
}
await b.close(); await s.stop();
