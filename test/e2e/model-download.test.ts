// Settings → AI model in the browser against a local Hugging Face mirror serving the forged tiny
// model: the download shows a progress bar, the model is listed afterwards, and choosing it reaches
// the engine (engine.configure) with the result shown.
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MODEL, DEFAULT_MODEL_REVISION } from '../../shared/constants';
import { startHubMirror, type HubMirror } from '../support/hub-mirror';
import { tinyModelDir } from '../support/models';
import { launchBrowser, requireRenderer, startServe, tempDir, unnamedControls, type BrowserSession, type Served } from './support';

requireRenderer();
let dir: string;
let mirror: HubMirror;
let served: Served;
let session: BrowserSession;

beforeAll(async () => {
  dir = tempDir('model-ui');
  mirror = await startHubMirror({
    repos: { [DEFAULT_MODEL]: { dir: await tinyModelDir(), refs: [DEFAULT_MODEL_REVISION] } },
    // Slow every file down a little so the progress bar is on screen long enough to see.
    faults: Object.fromEntries(['onnx/decoder_model_merged.onnx', 'onnx/decoder_model_merged_quantized.onnx', 'onnx/decoder_model_merged_q4.onnx']
      .map((f) => [f, { delayPerChunkMs: 40, chunkSize: 4096 }])),
  });
  served = await startServe(path.join(dir, 'data'), ['--no-scan'], { HF_ENDPOINT: mirror.url, HF_HOME: path.join(dir, 'hf') });
  session = await launchBrowser();
});

afterAll(async () => {
  await session?.close();
  await served?.stop();
  await mirror?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('model download in Settings', () => {
  it('downloads with a progress bar, lists the model and hands it to the engine', async () => {
    const page = session.page;
    await page.goto(`${served.url}#/settings`);
    const model = page.getByTestId('settings-model');
    await model.waitFor();
    expect(await model.getByText('No model downloaded yet.').count()).toBe(1);
    await model.getByRole('combobox', { name: 'Precision' }).selectOption('q8');
    await page.getByTestId('model-download').click();
    await page.getByTestId('model-progress').waitFor({ timeout: 30_000 });
    const bar = page.getByTestId('model-progress').getByRole('progressbar');
    expect(Number(await bar.getAttribute('aria-valuemax'))).toBeGreaterThan(0);
    await expect.poll(() => model.locator('.model-list li').count(), { timeout: 60_000 }).toBe(1);
    expect(await model.locator('.model-list li').textContent()).toContain(DEFAULT_MODEL);
    expect(mirror.requests.some((r) => r.path.endsWith('.onnx') && r.status < 300)).toBe(true);
    expect(await unnamedControls(page)).toEqual([]);

    await page.getByTestId('model-use').click();
    await expect.poll(async () => page.getByTestId('engine-model').textContent(), { timeout: 30_000 }).toBe(DEFAULT_MODEL);
    // The choice is saved: a reload shows it preselected.
    await page.reload();
    await expect.poll(async () => page.getByTestId('engine-model').textContent(), { timeout: 30_000 }).toBe(DEFAULT_MODEL);
    expect(await model.getByRole('combobox', { name: 'Precision' }).inputValue()).toBe('q8');
    expect(session.problems).toEqual([]);
  });

  it('shows each retry with its reason as it happens, and Cancel stops the download', async () => {
    const page = session.page;
    const file = 'onnx/decoder_model_merged_q4.onnx';
    mirror.setFault(file, { status: 503 });
    try {
      await page.goto(`${served.url}#/settings`);
      const model = page.getByTestId('settings-model');
      await model.getByRole('combobox', { name: 'Precision' }).selectOption('q4');
      await page.getByTestId('model-download').click();
      // At once: something is on screen while the hub is contacted, with a Cancel.
      await page.getByTestId('model-progress').waitFor({ timeout: 5_000 });
      // Polled as one line of state, so a timeout says what was on screen and what the mirror saw.
      const state = async () => {
        const shown = async (id: string) => ((await page.getByTestId(id).count()) ? await page.getByTestId(id).first().textContent() : '-');
        const asked = mirror.requests.filter((r) => r.path.includes('_q4.onnx')).map((r) => `${r.path.split('/').pop()} ${r.status}`);
        return `retry: ${await shown('model-retry')} | progress: ${await shown('model-progress')} | error: ${await shown('model-error')} | precision: ${await model.getByRole('combobox', { name: 'Precision' }).inputValue()} | mirror: ${asked.join(', ')}`;
      };
      await expect.poll(state, { timeout: 50_000 }).toMatch(new RegExp(`^retry: .*attempt 2 of 6\\): 503 .*${file}`));
      await page.getByTestId('model-cancel').click();
      await expect.poll(() => page.getByTestId('model-error').textContent(), { timeout: 15_000 })
        .toMatch(/was stopped\. What arrived is kept; pulling again resumes it\./);
      expect(await page.getByTestId('model-progress').count()).toBe(0);
      expect(await page.getByTestId('model-download').isEnabled()).toBe(true);
    } finally {
      mirror.setFault(file, undefined);
    }
  }, 120_000);

  it('imports a model folder from a typed path (web mode)', async () => {
    const page = session.page;
    await page.goto(`${served.url}#/settings`);
    const dir = await tinyModelDir();
    await page.getByTestId('model-import-path').fill(dir);
    await page.getByTestId('model-import-submit').click();
    const repo = `local/${path.basename(dir)}`;
    await expect.poll(() => page.getByTestId('model-import-done').textContent(), { timeout: 60_000 }).toContain(repo);
    await expect.poll(() => page.getByTestId('settings-model').locator('.model-list li').allTextContents(), { timeout: 10_000 })
      .toContainEqual(expect.stringContaining(repo));
    expect(await unnamedControls(page)).toEqual([]);
  });
});

describe('model download with the hub unreachable', () => {
  let offline: Served | undefined;
  afterAll(async () => { await offline?.stop(); });

  it('says at once what is wrong and what to do', async () => {
    const off = await startHubMirror({ repos: {} });
    const offUrl = off.url;
    await off.close();
    offline = await startServe(path.join(dir, 'data-offline'), ['--no-scan'], { HF_ENDPOINT: offUrl, HF_HOME: path.join(dir, 'hf-offline') });
    const page = session.page;
    await page.goto(`${offline.url}#/settings`);
    await page.getByTestId('model-download').click();
    // No retries: the error is there within seconds (a retried failure would take half a minute).
    await page.getByTestId('model-error').waitFor({ timeout: 10_000 });
    const text = await page.getByTestId('model-error').textContent();
    expect(text).toMatch(/Cannot reach the model hub at http:\/\/127\.0\.0\.1:\d+: nothing answers .*\(ECONNREFUSED\)/);
    expect(text).toMatch(/HF_ENDPOINT.*Import model folder…/);
    expect(await page.getByTestId('model-retry').count()).toBe(0);
    expect(await page.getByTestId('model-download').isEnabled()).toBe(true);
  });
});
