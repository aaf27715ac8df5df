// Chat end to end in Chromium through web mode, on the forged tiny model: two images in one message
// reach the model, answers stream, Stop keeps the partial answer, Regenerate and Edit make branches
// you can switch between, and a reload keeps everything.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { build } from 'esbuild';
import { REPO_ROOT, requireRenderer, screenshot, tempDir, writePhoto, type BrowserSession, type Served, openWebMode, closeWebMode, type PageImage, type PageDropGlobals } from './support';
import { tinyModelDir, TINY } from '../support/models';

requireRenderer();
/** The first request loads the model in the inference process; a busy machine can be slow. */
const E2E_TIMEOUT_MS = 180_000;
let dir: string;
let served: Served;
let session: BrowserSession;
let page: Page;
let images: string[];

const messages = (role: 'user' | 'assistant') => page.locator(`[data-testid=chat-message][data-role=${role}]`);
const lastAnswer = () => messages('assistant').last();
const textOf = (m: Locator) => m.getByTestId('chat-message-text').innerText();

async function settings(opts: { maxNewTokens: number; splitting: boolean }): Promise<void> {
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  const form = page.getByRole('form', { name: 'Settings' });
  await form.getByLabel('Max new tokens').fill(String(opts.maxNewTokens));
  await form.getByLabel(/Split large images/).setChecked(opts.splitting);
  await form.getByRole('button', { name: 'Save settings' }).click();
  await form.getByRole('button', { name: 'Saved' }).waitFor();
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
}

beforeAll(async () => {
  dir = tempDir('e2e-chat');
  images = [
    await writePhoto(dir, { name: 'harbour.jpg', color: [50, 110, 170] }),
    await writePhoto(dir, { name: 'tulips.png', color: [220, 60, 90] }),
  ];
  ({ served, session, page } = await openWebMode(path.join(dir, 'data'), ['--model', await tinyModelDir()]));
});

afterAll(() => closeWebMode({ session, served, dir }));

describe('chat in the browser (web mode)', () => {
  it('sends two images in one message; the answer streams and both images reach the model', async () => {
    await page.goto(`${served.url}#/chat`);
    await page.getByTestId('chat-new').click();
    await settings({ maxNewTokens: 16, splitting: false });
    await page.getByTestId('chat-file-input').setInputFiles(images);
    await expect.poll(() => page.getByTestId('chat-pending').count()).toBe(2);
    await page.getByTestId('chat-input').fill('What do these two pictures have in common?');
    await page.getByTestId('chat-send').click();

    await expect.poll(() => messages('user').count()).toBe(1);
    await lastAnswer().and(page.locator('[data-status=done]')).waitFor({ timeout: 60_000 });
    const stats = lastAnswer().getByTestId('chat-stats');
    expect(Number(await stats.getAttribute('data-image-tokens'))).toBe(2 * TINY.imageSeqLen);
    expect((await textOf(lastAnswer())).trim().length).toBeGreaterThan(0);
    expect(await messages('user').first().locator('img').count()).toBe(2);
    // Auto-titled from the question.
    await page.getByRole('heading', { name: 'What do these two pictures have in common?' }).waitFor();

    // Turn 2, text only: the images of turn 1 are sent again.
    await page.getByTestId('chat-input').fill('Which one is more colourful?');
    await page.getByTestId('chat-send').click();
    await expect.poll(() => messages('assistant').count()).toBe(2);
    await lastAnswer().and(page.locator('[data-status=done]')).waitFor({ timeout: 60_000 });
    expect(Number(await lastAnswer().getByTestId('chat-stats').getAttribute('data-image-tokens'))).toBe(2 * TINY.imageSeqLen);
    await screenshot(page, 'chat');
  }, E2E_TIMEOUT_MS);

  it('Stop ends a long answer and keeps what was written', async () => {
    await settings({ maxNewTokens: 4000, splitting: false });
    await page.getByTestId('chat-input').fill('Tell me a very long story about them.');
    await page.getByTestId('chat-send').click();
    await expect.poll(() => messages('assistant').count()).toBe(3);
    // Streaming: text shows up before the answer is finished.
    await expect.poll(async () => (await textOf(lastAnswer())).trim().length, { timeout: 60_000 }).toBeGreaterThan(0);
    expect(await lastAnswer().getAttribute('data-status')).toBe('streaming');
    await page.getByTestId('chat-stop').click();
    await lastAnswer().and(page.locator('[data-status=stopped]')).waitFor({ timeout: 10_000 });
    await lastAnswer().getByTestId('chat-stopped').waitFor();
    expect((await textOf(lastAnswer())).trim().length).toBeGreaterThan(0);
    await page.getByTestId('chat-send').waitFor();
  }, E2E_TIMEOUT_MS);

  it('Regenerate makes a sibling answer; the branch switcher moves between them', async () => {
    await settings({ maxNewTokens: 12, splitting: false });
    const stoppedText = await textOf(lastAnswer());
    await lastAnswer().getByTestId('chat-regenerate').click();
    await lastAnswer().and(page.locator('[data-status=done]')).waitFor({ timeout: 60_000 });
    const branch = lastAnswer().getByTestId('chat-branch');
    await expect.poll(() => branch.innerText()).toContain('2/2');
    await branch.getByRole('button', { name: 'Previous version' }).click();
    await expect.poll(() => lastAnswer().getByTestId('chat-branch').innerText()).toContain('1/2');
    expect(await textOf(lastAnswer())).toBe(stoppedText);
    expect(await lastAnswer().getAttribute('data-status')).toBe('stopped');
    await lastAnswer().getByTestId('chat-branch').getByRole('button', { name: 'Next version' }).click();
    await expect.poll(() => lastAnswer().getByTestId('chat-branch').innerText()).toContain('2/2');
  }, E2E_TIMEOUT_MS);

  it('Edit makes a new branch of the question; reload keeps everything', async () => {
    const question = messages('user').last();
    await question.getByTestId('chat-edit').click();
    await question.getByLabel('Edit').fill('Tell me a short story instead.');
    await question.getByRole('button', { name: 'Send edited' }).click();
    await expect.poll(() => textOf(messages('user').last())).toBe('Tell me a short story instead.');
    await lastAnswer().and(page.locator('[data-status=done]')).waitFor({ timeout: 60_000 });
    await expect.poll(() => messages('user').last().getByTestId('chat-branch').innerText()).toContain('2/2');

    const before = await page.locator('[data-testid=chat-message]').evaluateAll((els) => els.map((e) => [e.getAttribute('data-role'), e.querySelector('[data-testid=chat-message-text]')?.textContent ?? '']));
    await page.reload();
    await expect.poll(() => page.locator('[data-testid=chat-message]').count()).toBe(before.length);
    const after = await page.locator('[data-testid=chat-message]').evaluateAll((els) => els.map((e) => [e.getAttribute('data-role'), e.querySelector('[data-testid=chat-message-text]')?.textContent ?? '']));
    expect(after).toEqual(before);
    expect(await messages('user').first().locator('img').count()).toBe(2);
    await expect.poll(() => messages('user').first().locator('img').evaluateAll((imgs) => (imgs as unknown as PageImage[]).every((i) => i.complete && i.naturalWidth > 0))).toBe(true);
    // The earlier branch of the question is still there.
    await messages('user').last().getByTestId('chat-branch').getByRole('button', { name: 'Previous version' }).click();
    await expect.poll(() => textOf(messages('user').last())).toBe('Tell me a very long story about them.');
    await page.getByTestId('chat-new').waitFor();
    expect(session.problems).toEqual([]);
  }, E2E_TIMEOUT_MS);

  it('images dropped on or pasted into the chat are attached (not sent to captioning)', async () => {
    const bytes = [...readFileSync(images[0]!)];
    await page.evaluate((data) => {
      const g = globalThis as unknown as PageDropGlobals;
      const file = () => new g.File([new Uint8Array(data)], 'pasted.jpg', { type: 'image/jpeg' });
      const drop = new g.DataTransfer();
      drop.items.add(file());
      const composer = g.document.querySelector('[data-testid=chat-composer]')!;
      composer.dispatchEvent(new g.DragEvent('dragover', { dataTransfer: drop, bubbles: true, cancelable: true }));
      composer.dispatchEvent(new g.DragEvent('drop', { dataTransfer: drop, bubbles: true, cancelable: true }));
      const paste = new g.DataTransfer();
      paste.items.add(file());
      g.document.querySelector('[data-testid=chat-input]')!.dispatchEvent(new g.ClipboardEvent('paste', { clipboardData: paste, bubbles: true, cancelable: true }));
    }, bytes);
    await expect.poll(() => page.getByTestId('chat-pending').count()).toBe(2);
    expect(await page.evaluate(() => (globalThis as unknown as PageDropGlobals).location.hash)).toMatch(/^#\/chat/);
    for (let i = 0; i < 2; i++) await page.getByRole('button', { name: 'Remove pasted.jpg' }).first().click();
    await expect.poll(() => page.getByTestId('chat-pending').count()).toBe(0);
  }, E2E_TIMEOUT_MS);

  it('renames and deletes a conversation', async () => {
    await page.getByTestId('chat-conversation').first().getByRole('button', { name: /^Rename/ }).click();
    await page.getByRole('textbox', { name: 'Rename' }).fill('Holiday pictures');
    await page.getByRole('textbox', { name: 'Rename' }).press('Enter');
    await page.getByRole('heading', { name: 'Holiday pictures' }).waitFor();
    page.once('dialog', (d) => { void d.accept(); });
    await page.getByTestId('chat-conversation').first().getByRole('button', { name: /^Delete/ }).click();
    await expect.poll(() => page.getByTestId('chat-conversation').count()).toBe(0);
    expect(await page.locator('[data-testid=chat-message]').count()).toBe(0);
    expect(session.problems).toEqual([]);
  }, E2E_TIMEOUT_MS);
});

describe('answer markdown in Chromium', () => {
  it('renders markdown but never raw HTML, scripts or javascript: links', async () => {
    // The renderer's own module, bundled for the page, run on hostile model output.
    const bundle = await build({
      entryPoints: [path.join(REPO_ROOT, 'renderer/src/views/chat/markdown.ts')],
      bundle: true, write: false, format: 'iife', globalName: 'md', platform: 'browser', logLevel: 'silent',
    });
    const md = await session.context.newPage();
    await md.setContent('<!doctype html><body></body>');
    await md.addScriptTag({ content: bundle.outputFiles[0]!.text });
    const html = await md.evaluate(() => (globalThis as unknown as { md: { renderMarkdown(s: string): string } }).md.renderMarkdown(
      '**bold** and `code`\n\n<img src=x onerror="alert(1)"><script>alert(2)</script>\n\n[link](javascript:alert(3)) <b onclick="x()">b</b>\n\n- item',
    ));
    await md.close();
    expect(html).toContain('<strong>bold</strong>');
    expect(html).toContain('<code>code</code>');
    expect(html).toContain('<li>item</li>');
    expect(html).toContain('&lt;img src=x onerror="alert(1)"&gt;');
    expect(html).toContain('&lt;script&gt;');
    // No real tag but the markdown ones, no event-handler attribute inside a tag, no javascript: URL.
    expect(html).not.toMatch(/<(img|script|b)[\s>]/i);
    expect(html).not.toMatch(/<[^>]*\son\w+=/i);
    expect(html).not.toContain('javascript:');
  }, E2E_TIMEOUT_MS);
});
