// Settings ▸ Share this model, in real Chromium through web mode (issue 13): switching the API on
// shows a base URL and key that answer `GET /v1/models` for another program; switching it off takes
// the listener down. No console errors.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { closeWebMode, openWebMode, rendererBuilt, tempDir, type BrowserSession, type Served } from './support';

const run = rendererBuilt() ? describe : describe.skip;
let dir: string;
let served: Served;
let session: BrowserSession;
let page: Page;

beforeAll(async () => {
  dir = tempDir('e2e-local-api');
  ({ served, session, page } = await openWebMode(path.join(dir, 'data'), ['--no-scan', '--no-ai']));
}, 180_000);

afterAll(() => closeWebMode({ session, served, dir }));

run('sharing the model with other apps', () => {
  it('the switch starts an API other programs can call with the shown key, and stops it', async () => {
    await page.goto(`${served.url}#/settings`);
    const card = page.getByTestId('settings-local-api');
    await card.waitFor();
    expect(await card.getByTestId('local-api-toggle').isChecked()).toBe(false);
    await card.getByTestId('local-api-port').fill('0'); // any free port (a test machine's 11435 may be taken)
    await card.getByTestId('local-api-toggle').click(); // applied when the server answers (a controlled box)
    await card.getByTestId('local-api-info').waitFor();
    const baseUrl = await card.getByTestId('local-api-url').inputValue();
    const key = await card.getByTestId('local-api-key').inputValue();
    expect(baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    const models = await fetch(`${baseUrl}/models`, { headers: { Authorization: `Bearer ${key}` } });
    expect(models.status).toBe(200);
    expect(((await models.json()) as { data: unknown[] }).data).toHaveLength(1);
    expect((await fetch(`${baseUrl}/models`, { headers: { Authorization: 'Bearer nope' } })).status).toBe(401);
    await card.getByTestId('local-api-toggle').click();
    await card.getByTestId('local-api-info').waitFor({ state: 'detached' });
    expect(await fetch(`${baseUrl}/models`).then(() => 'up', () => 'down')).toBe('down');
    expect(session.problems).toEqual([]);
  });
});
