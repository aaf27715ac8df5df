// Drag-and-drop captioning end to end in Chromium through web mode (forged tiny model): dropped files
// are uploaded and captioned, a damaged one shows its error while the rest succeed; a folder on the
// server is captioned and "save .txt" writes the captions beside the images; bad uploads are refused
// with clear errors and nothing lands outside the temporary folder; a drop anywhere opens #/caption.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { callApi, requireRenderer, screenshot, tempDir, writePhoto, type BrowserSession, type Served, openWebMode, closeWebMode, type PageImage, type PageDropGlobals } from './support';
import { tinyModelDir, TINY } from '../support/models';

requireRenderer();
/** The first request loads the model in the inference process; a busy machine can be slow. */
const E2E_TIMEOUT_MS = 180_000;
/** A form field as page-side callbacks see it (this tsconfig has no DOM lib). */
interface PageField { value: string }
let dir: string;
let served: Served;
let session: BrowserSession;
let page: Page;
let dropped: string[];
let folder: string;

const results = () => page.getByTestId('caption-result');
const statuses = () => results().evaluateAll((els) => els.map((e) => [e.getAttribute('data-name'), e.getAttribute('data-status')]));

/** Every file under a folder, relative. */
function listFiles(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.relative(root, path.join(e.parentPath, e.name))).sort();
}

beforeAll(async () => {
  dir = tempDir('e2e-caption');
  const good = [
    await writePhoto(path.join(dir, 'drop'), { name: 'beach.jpg', color: [250, 140, 60] }),
    await writePhoto(path.join(dir, 'drop'), { name: 'forest.png', color: [30, 90, 40] }),
    await writePhoto(path.join(dir, 'drop'), { name: 'city.webp', color: [20, 20, 60] }),
  ];
  const broken = path.join(dir, 'drop', 'broken.jpg');
  writeFileSync(broken, readFileSync(good[0]!).subarray(0, 60));
  dropped = [good[0]!, broken, good[1]!, good[2]!];
  folder = path.join(dir, 'dataset');
  for (const [i, name] of ['a.jpg', 'b.jpg', 'c.png'].entries()) await writePhoto(folder, { name, color: [40 * i, 200 - 50 * i, 120] });
  writeFileSync(path.join(folder, 'd.jpg'), 'not really a jpeg');
  ({ served, session, page } = await openWebMode(path.join(dir, 'data'), ['--model', await tinyModelDir()], { SMOLALBUM_MAX_UPLOAD_MB: '2' }));
});

afterAll(() => closeWebMode({ session, served, dir }));

describe('captioning in the browser (web mode)', () => {
  it('captions three dropped images; the damaged one shows an error, the others succeed', async () => {
    await page.goto(`${served.url}#/caption`);
    await page.getByTestId('caption-prefix').fill('ohwx, ');
    const input = page.getByTestId('caption-dropzone').locator('input[type=file]').first();
    await input.setInputFiles(dropped);
    await expect.poll(statuses, { timeout: 60_000 }).toEqual([
      ['beach.jpg', 'done'], ['forest.png', 'done'], ['city.webp', 'done'], ['broken.jpg', 'error'],
    ]);
    const broken = page.locator('[data-testid=caption-result][data-name="broken.jpg"]');
    expect(await broken.getByTestId('caption-item-error').innerText()).toMatch(/broken\.jpg is not a readable image/);
    const captions = await page.getByTestId('caption-text').evaluateAll((els) => (els as unknown as PageField[]).map((e) => e.value));
    expect(captions).toHaveLength(3);
    for (const c of captions) expect(c).toMatch(/^ohwx, \S+/);
    // Thumbnails come from the dropped files themselves.
    await expect.poll(() => page.locator('[data-testid=caption-result] img').evaluateAll((imgs) => (imgs as unknown as PageImage[]).filter((i) => i.naturalWidth > 0).length)).toBe(3);
    // The uploads were only temporary.
    await expect.poll(() => listFiles(path.join(served.dataDir, 'uploads'))).toEqual([]);
    await screenshot(page, 'caption');
  }, E2E_TIMEOUT_MS);

  it('captions a folder on the server; edits are kept; "save .txt" writes them beside the images', async () => {
    await page.getByTestId('caption-prefix').fill('');
    await page.getByTestId('caption-path').fill(folder);
    await page.getByTestId('caption-path-go').click();
    await expect.poll(statuses, { timeout: 60_000 }).toEqual([['a.jpg', 'done'], ['b.jpg', 'done'], ['c.png', 'done'], ['d.jpg', 'error']]);
    const first = page.locator('[data-testid=caption-result][data-name="a.jpg"]').getByTestId('caption-text');
    await first.fill('a hand-written caption');
    await first.blur();
    await page.getByTestId('caption-save-txt').click();
    await expect.poll(() => page.getByTestId('caption-notice').innerText()).toMatch(/Wrote 3 \.txt files, skipped 1/);
    const shown = await page.getByTestId('caption-text').evaluateAll((els) => (els as unknown as PageField[]).map((e) => e.value));
    expect(shown[0]).toBe('a hand-written caption');
    expect(readFileSync(path.join(folder, 'a.txt'), 'utf8')).toBe('a hand-written caption\n');
    expect(readFileSync(path.join(folder, 'b.txt'), 'utf8')).toBe(`${shown[1]}\n`);
    expect(readFileSync(path.join(folder, 'c.txt'), 'utf8')).toBe(`${shown[2]}\n`);
    expect(existsSync(path.join(folder, 'd.txt'))).toBe(false);

    // Export downloads the same results.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('caption-export-jsonl').click()]);
    const lines = readFileSync((await download.path())!, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { file: string; caption: string | null });
    expect(lines.map((l) => [l.file, l.caption])).toEqual([['a.jpg', 'a hand-written caption'], ['b.jpg', shown[1]], ['c.png', shown[2]], ['d.jpg', null]]);
  }, E2E_TIMEOUT_MS);

  it('refuses oversized, non-image and path-like uploads with clear errors; nothing is written outside the temp folder', async () => {
    const before = listFiles(dir).filter((f) => !f.startsWith(path.join('data', 'uploads')));
    const answers = await page.evaluate(async (token) => {
      const send = async (name: string, body: Uint8Array) => {
        const res = await fetch('api/upload', { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'X-Filename': encodeURIComponent(name) }, body });
        return [res.status, ((await res.json()) as { error?: string }).error ?? ''] as const;
      };
      const jpegHead = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16, 74, 70, 73, 70, 0, 1, 1, 0, 0, 1]);
      const big = new Uint8Array(3 * 1024 * 1024); // the server runs with SMOLALBUM_MAX_UPLOAD_MB=2
      big.set(jpegHead);
      return {
        big: await send('huge.jpg', big),
        text: await send('notes.jpg', new TextEncoder().encode('these are my notes, not a picture at all')),
        traversal: await send('../../x.jpg', jpegHead),
        absolute: await send('/tmp/x.jpg', jpegHead),
      };
    }, served.token);
    expect(answers.big[0]).toBe(413);
    expect(answers.big[1]).toMatch(/huge\.jpg is too large/);
    expect(answers.text[0]).toBe(415);
    expect(answers.text[1]).toMatch(/notes\.jpg is not an image/);
    expect(answers.traversal[0]).toBe(400);
    expect(answers.traversal[1]).toMatch(/not a plain file name/);
    expect(answers.absolute[0]).toBe(400);
    expect(listFiles(dir).filter((f) => !f.startsWith(path.join('data', 'uploads')))).toEqual(before);
    expect(listFiles(path.join(served.dataDir, 'uploads'))).toEqual([]);
    expect(existsSync(path.join(served.dataDir, '..', 'x.jpg'))).toBe(false);
  }, E2E_TIMEOUT_MS);

  it('files dropped anywhere on the window open #/caption and are captioned', async () => {
    await page.goto(`${served.url}#/settings`);
    await page.locator('main').waitFor();
    const bytes = [...readFileSync(dropped[0]!)];
    await page.evaluate((data) => {
      const g = globalThis as unknown as PageDropGlobals;
      const dt = new g.DataTransfer();
      dt.items.add(new g.File([new Uint8Array(data)], 'dropped-on-window.jpg', { type: 'image/jpeg' }));
      const target = g.document.querySelector('main')!;
      target.dispatchEvent(new g.DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
      target.dispatchEvent(new g.DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, bytes);
    await expect.poll(() => page.evaluate(() => (globalThis as unknown as PageDropGlobals).location.hash)).toBe('#/caption');
    await expect.poll(statuses, { timeout: 60_000 }).toEqual([['dropped-on-window.jpg', 'done']]);
    expect(session.problems.filter((p) => !/Failed to load resource: the server responded with a status of 4\d\d/.test(p))).toEqual([]);
  }, E2E_TIMEOUT_MS);

  it('"Ask about this photo" opens chat with the library photo attached', async () => {
    const root = await callApi<{ id: number }>(served, 'roots.add', { path: folder });
    await callApi(served, 'library.rescan', { rootId: root.id });
    const page1 = await callApi<{ items: { id: number; relPath: string }[] }>(served, 'photos.list', {});
    const photo = page1.items.find((p) => p.relPath === 'b.jpg')!;
    await callApi(served, 'chat.create', { title: 'An older conversation' });
    await page.goto(`${served.url}#/chat?photo=${photo.id}`);
    await expect.poll(() => page.getByTestId('chat-pending').count()).toBe(1);
    await page.getByTestId('chat-input').fill('What is this?');
    await page.getByTestId('chat-send').click();
    const answer = page.locator('[data-testid=chat-message][data-role=assistant][data-status=done]');
    await answer.waitFor({ timeout: 60_000 });
    // Default settings split images into tiles: at least one frame of image tokens reached the model.
    expect(Number(await answer.getByTestId('chat-stats').getAttribute('data-image-tokens'))).toBeGreaterThanOrEqual(TINY.imageSeqLen);
    // A new conversation about the photo, not appended to the older one.
    await page.getByRole('heading', { name: 'What is this?' }).waitFor();
    expect(await page.getByTestId('chat-conversation').count()).toBe(2);
    expect(await page.locator('[data-testid=chat-message]').count()).toBe(2);
    await expect.poll(() => page.locator('[data-testid=chat-message][data-role=user] img').evaluateAll((imgs) => (imgs as unknown as PageImage[]).every((i) => i.naturalWidth > 0))).toBe(true);
    const firstTokens = Number(await answer.getByTestId('chat-stats').getAttribute('data-image-tokens'));

    // "From library": pick another photo for the next question; both photos then reach the model.
    await page.getByRole('button', { name: 'From library' }).click();
    const picker = page.getByRole('dialog', { name: 'Attach photos from your library' });
    await picker.getByRole('button', { name: 'a.jpg' }).click();
    await picker.getByRole('button', { name: 'Attach 1' }).click();
    await expect.poll(() => page.getByTestId('chat-pending').count()).toBe(1);
    await page.getByTestId('chat-input').fill('And this one?');
    await page.getByTestId('chat-send').click();
    await expect.poll(() => answer.count(), { timeout: 60_000 }).toBe(2);
    expect(Number(await answer.last().getByTestId('chat-stats').getAttribute('data-image-tokens'))).toBeGreaterThan(firstTokens);
    expect(session.problems.filter((p) => !/Failed to load resource: the server responded with a status of 4\d\d/.test(p))).toEqual([]);
  }, E2E_TIMEOUT_MS);
});
