// Pure parts of the engine: caption cleaning, tag normalisation, prompt expansion, KV-prefix rules.
import { describe, expect, it } from 'vitest';
import { cleanShortCaption, normaliseTags } from '../../main/engine/captions';
import { dropOldestExchange, expandImages, toTemplateMessages } from '../../main/engine/prompt';
import { commonPrefix, imageSpans, reusableLength } from '../../main/engine/generate';
import { acceleratorPlanFromEnv, acceleratorsFor } from '../../main/engine/loader';
import type { EngineChatTurn } from '../../main/engine/client';

describe('short captions', () => {
  it('drops the "The image shows" preamble and keeps one sentence', () => {
    expect(cleanShortCaption('The image shows a red car parked on a street. It is sunny.')).toBe('A red car parked on a street.');
    expect(cleanShortCaption(' This image shows two dogs playing in the snow')).toBe('Two dogs playing in the snow');
    expect(cleanShortCaption('In this picture, we can see a lighthouse at dusk.')).toBe('A lighthouse at dusk.');
    expect(cleanShortCaption('This is a photo of a bowl of soup.')).toBe('A bowl of soup.');
    expect(cleanShortCaption('A cat on a sofa.')).toBe('A cat on a sofa.');
  });
});

describe('tags', () => {
  it('are lowercase, trimmed, deduplicated and free of stopwords', () => {
    expect(normaliseTags(' Beach, SEA,sea , the Sun, and, 1. Palm Tree\n- sand.')).toEqual(['beach', 'sea', 'sun', 'palm tree', 'sand']);
  });
  it('skip sentences and take a separator-less answer word by word', () => {
    expect(normaliseTags('Keywords: city, this is a very long sentence about things, night')).toEqual(['city', 'night']);
    expect(normaliseTags('dog park grass the dog')).toEqual(['dog', 'park', 'grass']);
  });
});

describe('prompt expansion', () => {
  it('matches the Idefics3 processor layout for single and split images', () => {
    const out = expandImages('A<image>B<image>C', [{ rows: 0, cols: 0 }, { rows: 1, cols: 2 }], 2);
    expect(out).toBe(
      'A<fake_token_around_image><global-img><image><image><fake_token_around_image>B' +
        '<fake_token_around_image><row_1_col_1><image><image><fake_token_around_image><row_1_col_2><image><image>\n' +
        '\n<fake_token_around_image><global-img><image><image><fake_token_around_image>C',
    );
    expect(() => expandImages('no slot', [{ rows: 0, cols: 0 }], 2)).toThrow(/1 images/);
  });

  it('puts a turn\'s images before its text and neutralises a literal <image> in text', () => {
    const msgs = toTemplateMessages([{ role: 'user', text: 'what is <image>?', images: ['/a.jpg', '/b.jpg'] }]);
    expect(msgs[0].content.map((c) => c.type)).toEqual(['image', 'image', 'text']);
    expect(JSON.stringify(msgs)).not.toContain('is <image>');
  });

  it('drops the oldest exchange but keeps system turns and the last question', () => {
    const t = (role: EngineChatTurn['role'], text: string): EngineChatTurn => ({ role, text, images: [] });
    const turns = [t('system', 's'), t('user', 'u1'), t('assistant', 'a1'), t('user', 'u2'), t('assistant', 'a2'), t('user', 'u3')];
    expect(dropOldestExchange(turns)!.map((x) => x.text)).toEqual(['s', 'u2', 'a2', 'u3']);
    expect(dropOldestExchange([t('system', 's'), t('user', 'u')])).toBeNull();
  });
});

describe('KV-cache prefix reuse', () => {
  const IMG = 9;
  it('reuses only a verified prefix and never cuts through an image', () => {
    const ids = [1, 2, IMG, IMG, IMG, IMG, 3, 4, 5];
    const spans = imageSpans(ids, IMG, [4]);
    expect(spans).toEqual([[2, 5]]);
    expect(commonPrefix([1, 2, 3], [1, 2, 4])).toBe(2);
    expect(reusableLength(undefined, ids, spans)).toBe(0);
    expect(reusableLength([1, 2, IMG, IMG, IMG, IMG, 3, 7], ids, spans)).toBe(7);
    // Diverges inside the image block → restart at the image.
    expect(reusableLength([1, 2, IMG, IMG, 8], ids, spans)).toBe(2);
    // Identical prompt → keep one token to feed.
    expect(reusableLength(ids, ids, spans)).toBe(ids.length - 1);
  });
  it('rejects prompts whose image tokens do not match the images', () => {
    expect(() => imageSpans([IMG, IMG, IMG], IMG, [2])).toThrow();
  });
});

describe('device order', () => {
  it('tries each platform\'s accelerators before the CPU', () => {
    expect(acceleratorsFor('linux', 'x64')).toEqual(['cuda', 'webgpu']);
    expect(acceleratorsFor('win32', 'x64')).toEqual(['dml', 'webgpu']);
    expect(acceleratorsFor('darwin', 'arm64')).toEqual(['coreml', 'webgpu']);
  });
  it('follows the desktop app\'s plan when it hands one over', () => {
    expect(acceleratorPlanFromEnv({})).toBeNull();
    const plan = acceleratorPlanFromEnv({ SMOLALBUM_ACCELERATORS: JSON.stringify({ order: ['webgpu', 'bogus'], skipped: ['cuda: not installed'] }) });
    expect(plan?.skipped).toEqual(['cuda: not installed']);
    expect(plan?.order.every((d) => acceleratorsFor().includes(d))).toBe(true);
    expect(acceleratorPlanFromEnv({ SMOLALBUM_ACCELERATORS: '{not json' })).toBeNull();
  });
});
