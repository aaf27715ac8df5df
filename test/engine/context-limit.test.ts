// Conversations longer than the model's context: the oldest exchanges are left out (and reported),
// the latest question and the system prompt stay. Runs the runner in-process on a copy of the tiny
// model whose config declares a short context.
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tinyModelDir, TINY } from '../support/models';
import { EngineRunner, InterruptableStoppingCriteria } from '../../main/engine/runner';
import type { EngineChatTurn } from '../../main/engine/client';
import { makePhotos, removeTempDirs, tempDir, type Photos } from './support';

const LIMIT = 160;
let runner: EngineRunner;
let photos: Photos;

beforeAll(async () => {
  const dir = path.join(tempDir('short-context'), 'model');
  cpSync(await tinyModelDir(), dir, { recursive: true });
  const file = path.join(dir, 'config.json');
  const config = JSON.parse(readFileSync(file, 'utf8'));
  config.text_config.max_position_embeddings = LIMIT;
  writeFileSync(file, JSON.stringify(config));
  photos = await makePhotos();
  runner = new EngineRunner();
  await runner.load({ modelDir: dir, device: 'cpu', dtype: 'auto', cacheDir: tempDir('short-context-cache') });
});
afterAll(() => removeTempDirs());

const ctl = () => ({ stopper: new InterruptableStoppingCriteria() });

describe('context limit', () => {
  it('drops the oldest exchanges, keeps the system prompt and the last question', async () => {
    const turns: EngineChatTurn[] = [{ role: 'system', text: 'Be brief.', images: [] }];
    const results = [];
    for (const q of ['First photo?', 'Second photo?', 'Third photo?']) {
      turns.push({ role: 'user', text: q, images: [photos.wide] });
      const r = await runner.generate({ messages: turns, maxNewTokens: 8, stream: false, sessionKey: 'long' }, ctl());
      results.push(r);
      turns.push({ role: 'assistant', text: r.text, images: [] });
    }
    expect(results[0].droppedTurns).toBe(0);
    const last = results[2];
    expect(last.droppedTurns).toBeGreaterThan(0);
    expect(last.droppedTurns % 2).toBe(0); // whole exchanges
    expect(last.promptTokens + 8).toBeLessThanOrEqual(LIMIT);
    // The latest question's image is always there (5 frames × image_seq_len when split).
    expect(last.imageTokens).toBeGreaterThanOrEqual(5 * TINY.imageSeqLen);
    expect(last.tokens).toHaveLength(8);
  });

  it('shortens the answer when the question alone nearly fills the context, and refuses one that cannot fit', async () => {
    const long = 'word '.repeat(30);
    const r = await runner.generate({ messages: [{ role: 'user', text: long, images: [photos.wide] }], maxNewTokens: 500, stream: false }, ctl());
    expect(r.promptTokens + r.tokens.length).toBeLessThanOrEqual(LIMIT);
    await expect(runner.generate({ messages: [{ role: 'user', text: 'word '.repeat(400), images: [] }], maxNewTokens: 5, stream: false }, ctl()))
      .rejects.toThrow(/too long for the model's context/);
  });
});
