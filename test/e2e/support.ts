// Shared helpers for browser end-to-end tests (UI and CHAT): a generated photo library, `smolalbum
// serve` as a child process, and Debian's Chromium driven by playwright-core.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const ARTIFACTS = path.join(REPO_ROOT, 'test', 'artifacts');
export const SCREENSHOTS = path.join(ARTIFACTS, 'screenshots');
export const DOCS_SCREENSHOTS = path.join(REPO_ROOT, 'docs', 'screenshots');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const tempDir = (prefix: string): string => mkdtempSync(path.join(os.tmpdir(), `smolalbum-${prefix}-`));

/** True when the built renderer exists (`node scripts/build.mjs renderer`; `npm test` builds first). */
export const rendererBuilt = (): boolean => existsSync(path.join(REPO_ROOT, 'out', 'renderer', 'index.html'));

/**
 * Browser suites call this at load: without the built renderer they FAIL with this message rather than
 * skip, so a run that forgot to build cannot pass with the UI untested.
 */
export function requireRenderer(): void {
  if (!rendererBuilt()) {
    throw new Error(`The renderer is not built (${path.join(REPO_ROOT, 'out', 'renderer', 'index.html')} is missing): `
      + 'run `npm run build` first — `npm test` builds before it runs vitest.');
  }
}

export interface PhotoSpec {
  /** Path relative to the folder, e.g. '2024/beach.jpg'. */
  name: string;
  /** Sky colour of the generated landscape. */
  color: [number, number, number];
  /** Land colour (default: the sky's complement). */
  accent?: [number, number, number];
  width?: number;
  height?: number;
  /** EXIF DateTimeOriginal as 'YYYY:MM:DD HH:MM:SS'. */
  takenAt?: string;
  make?: string;
  model?: string;
  /** XMP/IPTC-free description kept in EXIF ImageDescription. */
  description?: string;
}

/** A small landscape (sky gradient, sun, two mountain ranges, water) so thumbnails look like photos. */
function sceneSvg(spec: PhotoSpec, width: number, height: number): string {
  let seed = [...spec.name].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7);
  const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const rgb = ([r, g, b]: [number, number, number], k = 1) => `rgb(${Math.round(Math.min(255, r * k))},${Math.round(Math.min(255, g * k))},${Math.round(Math.min(255, b * k))})`;
  const sky = spec.color;
  const land = spec.accent ?? [255 - sky[0], 255 - sky[1], 255 - sky[2]];
  const ridge = (base: number, amp: number) => {
    const pts = [`0,${height}`];
    for (let x = 0; x <= width; x += width / 8) pts.push(`${Math.round(x)},${Math.round(height * base - rand() * height * amp)}`);
    pts.push(`${width},${height}`);
    return pts.join(' ');
  };
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${rgb(sky, 0.8)}"/><stop offset="1" stop-color="${rgb(sky, 1.35)}"/></linearGradient></defs>
    <rect width="100%" height="100%" fill="url(#sky)"/>
    <circle cx="${Math.round(width * (0.2 + rand() * 0.6))}" cy="${Math.round(height * (0.15 + rand() * 0.2))}" r="${Math.round(Math.min(width, height) * 0.08)}" fill="rgb(255,244,200)" opacity="0.9"/>
    <polygon points="${ridge(0.62, 0.3)}" fill="${rgb(land, 1.2)}" opacity="0.8"/>
    <polygon points="${ridge(0.78, 0.2)}" fill="${rgb(land, 0.75)}"/>
    <rect y="${Math.round(height * 0.86)}" width="100%" height="${Math.round(height * 0.14)}" fill="${rgb(sky, 0.6)}" opacity="0.85"/>
  </svg>`;
}

/** Writes one JPEG/PNG/WebP (by extension) with sharp, EXIF included for JPEGs. */
export async function writePhoto(dir: string, spec: PhotoSpec): Promise<string> {
  const file = path.join(dir, spec.name);
  mkdirSync(path.dirname(file), { recursive: true });
  const width = spec.width ?? 640;
  const height = spec.height ?? 480;
  const svg = Buffer.from(sceneSvg(spec, width, height));
  let img = sharp(svg);
  const ext = path.extname(file).toLowerCase();
  if (ext === '.png') img = img.png();
  else if (ext === '.webp') img = img.webp();
  else {
    const ifd0: Record<string, string> = {};
    if (spec.make) ifd0.Make = spec.make;
    if (spec.model) ifd0.Model = spec.model;
    if (spec.description) ifd0.ImageDescription = spec.description;
    const exif: Record<string, Record<string, string>> = { IFD0: ifd0 };
    if (spec.takenAt) exif.IFD2 = { DateTimeOriginal: spec.takenAt };
    img = img.jpeg({ quality: 85 }).withExif(exif);
  }
  await img.toFile(file);
  return file;
}

export interface Served {
  url: string;
  origin: string;
  token: string;
  port: number;
  dataDir: string;
  proc: ChildProcess;
  stdout(): string;
  stderr(): string;
  stop(): Promise<number | null>;
}

/**
 * Starts `smolalbum serve --port 0 --no-ai` (TypeScript sources via tsx) on a data folder and waits for
 * its "SmolAlbum is running at …" line. `extraArgs` go after `serve`. Background captioning stays off
 * so the engine serves only what a test asks of it.
 */
export async function startServe(dataDir: string, extraArgs: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<Served> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'main/cli/index.ts', 'serve', '--port', '0', '--no-ai', '--data-dir', dataDir, ...extraArgs], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stdout!.setEncoding('utf8').on('data', (d: string) => { out += d; });
  proc.stderr!.setEncoding('utf8').on('data', (d: string) => { err += d; });
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start in 60 s.\nstdout: ${out}\nstderr: ${err}`)), 60_000);
    const check = () => {
      const m = /SmolAlbum is running at (http:\/\/\S+)\n/.exec(out);
      if (m) { clearTimeout(timer); resolve(m[1]!); }
    };
    proc.stdout!.on('data', check);
    void exited.then((code) => { clearTimeout(timer); reject(new Error(`serve exited with ${code}.\nstdout: ${out}\nstderr: ${err}`)); });
  });
  const parsed = new URL(url);
  return {
    url,
    origin: parsed.origin,
    token: parsed.searchParams.get('token') ?? '',
    port: Number(parsed.port),
    dataDir,
    proc,
    stdout: () => out,
    stderr: () => err,
    async stop() {
      if (proc.exitCode !== null) return proc.exitCode;
      proc.kill('SIGINT');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Calls one API method of a running server (Node side), throwing with the server's message. */
/** Navigates the app to a hash route (#/search?…, #/places) the way a link would. */
export const goToHash = (page: Page, hash: string): Promise<void> =>
  page.evaluate((h) => { (globalThis as unknown as PageDropGlobals).location.hash = h; }, hash);

export async function callApi<T = unknown>(served: Pick<Served, 'origin' | 'token'>, method: string, input: unknown = {}): Promise<T> {
  const res = await fetch(`${served.origin}/api/${method}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${served.token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(input),
  });
  const body = (await res.json()) as T & { error?: string };
  if (!res.ok) throw new Error(`${method} → ${res.status}: ${body.error}`);
  return body;
}

export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
];

export interface BrowserSession {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught page errors seen so far (tests assert it stays empty). */
  problems: string[];
  close(): Promise<void>;
}

/**
 * Launches Chromium with a fresh profile (a persistent context on a temp --user-data-dir) and one
 * page that records console errors and uncaught exceptions / unhandled rejections.
 */
/** Web mode on `dataDir` plus a browser on it: the shared setup of the browser E2E suites. */
export async function openWebMode(dataDir: string, serveArgs: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<{ served: Served; session: BrowserSession; page: Page }> {
  const served = await startServe(dataDir, serveArgs, env);
  const session = await launchBrowser();
  return { served, session, page: session.page };
}

/** Tears down what openWebMode (and a temp folder) set up; safe when setup failed half-way. */
export async function closeWebMode(parts: { session?: BrowserSession; served?: Served; dir?: string }): Promise<void> {
  await parts.session?.close();
  await parts.served?.stop();
  if (parts.dir) rmSync(parts.dir, { recursive: true, force: true });
}

export async function launchBrowser(opts: { viewport?: { width: number; height: number }; colorScheme?: 'light' | 'dark'; locale?: string } = {}): Promise<BrowserSession> {
  const userDataDir = tempDir('chromium');
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: opts.viewport ?? { width: 1280, height: 800 },
    colorScheme: opts.colorScheme ?? 'light',
    locale: opts.locale ?? 'en-US',
  });
  const page = context.pages()[0] ?? await context.newPage();
  const problems: string[] = [];
  watchProblems(page, problems);
  const browser = context.browser() as Browser;
  return {
    browser, context, page, problems,
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

export function watchProblems(page: Page, problems: string[]): void {
  // A failed resource load logs only its status; the location names which request it was.
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const where = msg.location().url;
    problems.push(`console.error: ${msg.text()}${where && msg.text().startsWith('Failed to load resource') ? ` (${where.replace(/token=[^&]+/, 'token=…')})` : ''}`);
  });
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
}

/**
 * Saves a screenshot as a test artifact and, with SMOLALBUM_UPDATE_SCREENSHOTS=1, refreshes the
 * README's copy under docs/screenshots/ (not on every run: they would churn tracked files).
 */
export async function screenshot(page: Page, name: string, opts: { docs?: boolean } = {}): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  const png = await page.screenshot({ path: file });
  if (opts.docs !== false && process.env.SMOLALBUM_UPDATE_SCREENSHOTS === '1') {
    // The committed copy is palette-quantised to stay small (< 300 KB) in the repository.
    mkdirSync(DOCS_SCREENSHOTS, { recursive: true });
    await sharp(png).png({ palette: true, quality: 90, effort: 8, compressionLevel: 9 }).toFile(path.join(DOCS_SCREENSHOTS, `${name}.png`));
  }
  return file;
}

/**
 * Browser-side globals for page.evaluate callbacks. The Node tsconfig has no DOM lib (main/ must not
 * see DOM types), so callbacks cast: `(globalThis as unknown as PageWindow).sessionStorage`.
 */
export interface PageWindow {
  document: { activeElement: { getAttribute(name: string): string | null } | null; documentElement: { lang: string } };
  sessionStorage: { getItem(key: string): string | null };
  localStorage: { getItem(key: string): string | null };
  matchMedia(query: string): { matches: boolean };
}
/**
 * Interactive elements on the page without an accessible name (aria-label, aria-labelledby, a
 * <label>, text or title), described as `tag#id.class "outerHTML start"`. Tests expect none.
 */
export async function unnamedControls(page: Page): Promise<string[]> {
  return page.$$eval('button, a[href], input:not([type=hidden]), select, textarea, [role=gridcell], [role=button], [tabindex="0"]', (els) => {
    type El = {
      tagName: string; id: string; className: string; outerHTML: string; textContent: string | null; title?: string;
      getAttribute(n: string): string | null; labels?: { length: number } | null;
      ownerDocument: { getElementById(id: string): { textContent: string | null } | null };
    };
    return (els as unknown as El[]).filter((el) => {
      const labelledBy = el.getAttribute('aria-labelledby');
      const byRef = labelledBy ? labelledBy.split(/\s+/).map((id) => el.ownerDocument.getElementById(id)?.textContent ?? '').join('').trim() : '';
      const name = (el.getAttribute('aria-label') ?? '').trim() || byRef || (el.labels && el.labels.length > 0 ? 'label' : '')
        || (el.tagName !== 'INPUT' && el.tagName !== 'SELECT' ? (el.textContent ?? '').trim() : '') || (el.title ?? '').trim();
      return !name;
    }).map((el) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''} ${el.outerHTML.slice(0, 120)}`);
  });
}

/** An <img> as seen from page callbacks. */
export interface PageImage { complete: boolean; naturalWidth: number }

/** Page globals for synthesising drops and pastes of files (DOM constructors) in page.evaluate. */
export interface PageDropGlobals {
  document: { querySelector(selector: string): { dispatchEvent(event: unknown): boolean } | null };
  DataTransfer: new () => { items: { add(file: unknown): void } };
  DragEvent: new (type: string, init: object) => unknown;
  ClipboardEvent: new (type: string, init: object) => unknown;
  File: new (parts: unknown[], name: string, opts: object) => unknown;
  location: { hash: string };
}

/** Resolves when every tile image in view has decoded (naturalWidth > 0); returns their count. */
export async function loadedTileImages(page: Page): Promise<number> {
  return page.$$eval('[data-testid=photo-tile] img', (imgs) => (imgs as unknown as PageImage[]).filter((i) => i.complete && i.naturalWidth > 0).length);
}

/** Rendered tile images and how many of them have decoded. */
export async function tileImageState(page: Page): Promise<{ rendered: number; loaded: number }> {
  return page.$$eval('[data-testid=photo-tile] img', (imgs) => ({
    rendered: imgs.length,
    loaded: (imgs as unknown as PageImage[]).filter((i) => i.complete && i.naturalWidth > 0).length,
  }));
}

/**
 * Scrolls the grid from top to bottom; at each step waits until every rendered tile's image has
 * decoded. Returns the ids of all photos whose thumbnails were seen loaded.
 */
export async function scrollGridCollectingLoaded(page: Page, timeoutMs = 20_000): Promise<Set<number>> {
  const seen = new Set<number>();
  const grid = page.getByTestId('photo-grid');
  await grid.evaluate((el) => { (el as unknown as { scrollTop: number }).scrollTop = 0; });
  for (let step = 0; step < 200; step++) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const s = await tileImageState(page);
      if (s.rendered > 0 && s.loaded === s.rendered) break;
      if (Date.now() > deadline) throw new Error(`tile images did not load: ${JSON.stringify(s)}`);
      await page.waitForTimeout(100);
    }
    const ids = await page.$$eval('[data-testid=photo-tile]', (els) => els.map((e) => Number(e.getAttribute('data-photo-id'))));
    for (const id of ids) seen.add(id);
    const atEnd = await grid.evaluate((el) => {
      const g = el as unknown as { scrollTop: number; clientHeight: number; scrollHeight: number };
      if (g.scrollTop + g.clientHeight >= g.scrollHeight - 1) return true;
      g.scrollTop += g.clientHeight / 2;
      return false;
    });
    if (atEnd) break;
    await page.waitForTimeout(50);
  }
  return seen;
}
