// Byte-level BPE tokenizer files in SmolVLM's layout: special tokens 0–16, then the byte alphabet and
// merged tokens, then the image/reserved/<end_of_utterance> block (49152–49279 in the real model).

export const CHAT_TEMPLATE =
  "<|im_start|>{% for message in messages %}{{message['role'] | capitalize}}{% if message['content'][0]['type'] == 'image' %}{{':'}}{% else %}{{': '}}{% endif %}{% for line in message['content'] %}{% if line['type'] == 'text' %}{{line['text']}}{% elif line['type'] == 'image' %}{{ '<image>' }}{% endif %}{% endfor %}<end_of_utterance>\n{% endfor %}{% if add_generation_prompt %}{{ 'Assistant:' }}{% endif %}";

/** Ids 0–16 of the SmolLM tokenizer. */
const LEADING_SPECIALS = [
  '<|endoftext|>',
  '<|im_start|>',
  '<|im_end|>',
  '<repo_name>',
  '<reponame>',
  '<file_sep>',
  '<filename>',
  '<gh_stars>',
  '<issue_start>',
  '<issue_comment>',
  '<issue_closed>',
  '<jupyter_start>',
  '<jupyter_text>',
  '<jupyter_code>',
  '<jupyter_output>',
  '<jupyter_script>',
  '<empty_output>',
];

/** The 128 tokens after the BPE vocab, in order. */
function trailingSpecials(): string[] {
  const out = ['<global-img>'];
  for (let r = 1; r <= 6; r++) for (let c = 1; c <= 6; c++) out.push(`<row_${r}_col_${c}>`);
  out.push('<fake_token_around_image>', '<image>');
  for (let i = 0; i < 88; i++) out.push(`<|reserved_special_token_${i}|>`);
  out.push('<end_of_utterance>');
  return out;
}

/** Photo-ish words; their tokens form the tiny model's output vocabulary. */
export const CONTENT_WORDS = [
  'photo', 'cat', 'dog', 'tree', 'sky', 'beach', 'sea', 'sun', 'red', 'blue', 'green', 'white', 'black',
  'person', 'man', 'woman', 'child', 'car', 'road', 'house', 'city', 'street', 'mountain', 'snow', 'grass',
  'field', 'flower', 'water', 'river', 'lake', 'boat', 'bird', 'horse', 'table', 'food', 'cake', 'window',
  'door', 'light', 'night', 'day', 'cloud', 'rock', 'sand', 'park', 'garden', 'bike', 'train', 'bridge',
  'forest', 'hill', 'wall', 'sign', 'book', 'chair', 'yellow', 'orange', 'smile', 'sunset', 'portrait',
];
const FUNCTION_WORDS = ['a', 'an', 'the', 'of', 'in', 'on', 'with', 'and', 'is', 'this', 'image', 'shows', 'User', 'Assistant'];

/** GPT-2's bytes_to_unicode: printable stand-ins for the 256 byte values, in vocab order. */
export function byteAlphabet(): { chars: string[]; byteToChar: string[] } {
  const bytes: number[] = [];
  for (let b = 33; b <= 126; b++) bytes.push(b);
  for (let b = 161; b <= 172; b++) bytes.push(b);
  for (let b = 174; b <= 255; b++) bytes.push(b);
  const codes = [...bytes];
  let extra = 0;
  for (let b = 0; b < 256; b++) {
    if (!bytes.includes(b)) {
      bytes.push(b);
      codes.push(256 + extra++);
    }
  }
  const byteToChar: string[] = new Array(256);
  bytes.forEach((b, i) => (byteToChar[b] = String.fromCharCode(codes[i]!)));
  return { chars: codes.map((c) => String.fromCharCode(c)), byteToChar };
}

export const SPACE_MARK = 'Ġ'; // byte-level stand-in for ' '

export interface TokenizerSpec {
  /** Size of the BPE vocab including ids 0–16 (49152 for the real model); 0 → just what the words need. */
  baseVocabSize: number;
}

export interface BuiltTokenizer {
  vocab: string[]; // id → token, BPE part only (ids < baseVocabSize)
  merges: [string, string][];
  specials: { id: number; content: string }[];
  vocabSize: number;
  ids: {
    endOfText: number;
    imStart: number;
    imEnd: number;
    globalImg: number;
    fakeTokenAroundImage: number;
    image: number;
    endOfUtterance: number;
  };
  /** Ids of ' word' tokens for CONTENT_WORDS, in list order. */
  contentWordIds: number[];
}

export function buildTokenizer(spec: TokenizerSpec): BuiltTokenizer {
  const vocab = [...LEADING_SPECIALS, ...byteAlphabet().chars];
  const index = new Map(vocab.map((t, i) => [t, i] as const));
  const merges: [string, string][] = [];
  // A word's token is reached through a chain of prefix merges: 'Ġc'+'a' → 'Ġca', 'Ġca'+'t' → 'Ġcat'.
  const addWord = (word: string): number => {
    let current = word[0]!;
    for (const ch of word.slice(1)) {
      const next = current + ch;
      if (!index.has(next)) {
        index.set(next, vocab.length);
        vocab.push(next);
        merges.push([current, ch]);
      }
      current = next;
    }
    return index.get(current)!;
  };
  for (const w of FUNCTION_WORDS) {
    addWord(SPACE_MARK + w);
    addWord(w);
  }
  const contentWordIds = CONTENT_WORDS.map((w) => addWord(SPACE_MARK + w));
  if (spec.baseVocabSize > 0) fillSyntheticTokens(spec.baseVocabSize, vocab.length, addWord);
  if (spec.baseVocabSize > 0 && vocab.length !== spec.baseVocabSize) {
    throw new Error(`tokenizer: built ${vocab.length} tokens, wanted ${spec.baseVocabSize}`);
  }
  const base = vocab.length;
  const specials = [
    ...LEADING_SPECIALS.map((content, id) => ({ id, content })),
    ...trailingSpecials().map((content, i) => ({ id: base + i, content })),
  ];
  const idOf = (content: string): number => specials.find((s) => s.content === content)!.id;
  return {
    vocab,
    merges,
    specials,
    vocabSize: base + trailingSpecials().length,
    ids: {
      endOfText: idOf('<|endoftext|>'),
      imStart: idOf('<|im_start|>'),
      imEnd: idOf('<|im_end|>'),
      globalImg: idOf('<global-img>'),
      fakeTokenAroundImage: idOf('<fake_token_around_image>'),
      image: idOf('<image>'),
      endOfUtterance: idOf('<end_of_utterance>'),
    },
    contentWordIds,
  };
}

/** Pads the vocab to `target` with ' ' + letter strings in breadth-first order (each adds one merge). */
function fillSyntheticTokens(target: number, start: number, addWord: (w: string) => number): void {
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  let count = start;
  let level: string[] = [SPACE_MARK];
  while (count < target) {
    const nextLevel: string[] = [];
    for (const prefix of level) {
      for (const ch of letters) {
        const word = prefix + ch;
        nextLevel.push(word);
        const before = count;
        const id = addWord(word);
        if (id >= before) count = id + 1;
        if (count >= target) return;
      }
    }
    level = nextLevel;
  }
}

function addedToken(id: number, content: string): Record<string, unknown> {
  return { id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true };
}

/** tokenizer.json (Hugging Face tokenizers format). */
export function tokenizerJson(tok: BuiltTokenizer): string {
  const vocab: Record<string, number> = {};
  tok.vocab.forEach((t, i) => (vocab[t] = i));
  return JSON.stringify({
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: tok.specials.map((s) => addedToken(s.id, s.content)),
    normalizer: null,
    pre_tokenizer: {
      type: 'Sequence',
      pretokenizers: [
        { type: 'Digits', individual_digits: true },
        { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
      ],
    },
    post_processor: null,
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      vocab,
      merges: tok.merges.map(([a, b]) => `${a} ${b}`),
    },
  });
}

/** tokenizer_config.json with SmolVLM-256M-Instruct's fields and chat template. */
export function tokenizerConfigJson(tok: BuiltTokenizer): string {
  const decoder: Record<string, unknown> = {};
  for (const s of tok.specials) {
    const { id: _id, ...rest } = addedToken(s.id, s.content);
    decoder[String(s.id)] = rest;
  }
  return JSON.stringify(
    {
      add_prefix_space: false,
      added_tokens_decoder: decoder,
      additional_special_tokens: ['<fake_token_around_image>', '<image>', '<end_of_utterance>'],
      bos_token: '<|im_start|>',
      chat_template: CHAT_TEMPLATE,
      clean_up_tokenization_spaces: false,
      eos_token: '<end_of_utterance>',
      legacy: false,
      model_max_length: 8192,
      pad_token: '<|im_end|>',
      processor_class: 'Idefics3Processor',
      tokenizer_class: 'GPT2Tokenizer',
      truncation_side: 'left',
      unk_token: '<|endoftext|>',
      vocab_size: tok.vocabSize,
    },
    null,
    2,
  );
}
