// Chat turns → template messages → prompt text with each <image> expanded the way
// Idefics3Processor does it (transformers.js processing_idefics3.js), so we can build the token ids
// ourselves and process only the images whose tokens are not already in the KV cache.
import type { EngineChatTurn } from './client';

export const IMAGE_TOKEN = '<image>';
const FAKE_TOKEN = '<fake_token_around_image>';
const GLOBAL_IMG_TOKEN = '<global-img>';

export interface ImageLayout {
  /** Tile grid of a split image (0×0 when not split). */
  rows: number;
  cols: number;
}

export interface TemplateMessage {
  role: string;
  content: ({ type: 'image' } | { type: 'text'; text: string })[];
}

/** Literal "<image>" in user text would be taken for an image slot: neutralise it. */
function cleanText(text: string): string {
  return text.split(IMAGE_TOKEN).join('< image>');
}

/** SmolVLM convention: a turn's images come first, then its text (content must be a list). */
export function toTemplateMessages(turns: EngineChatTurn[]): TemplateMessage[] {
  return turns.map((t) => ({
    role: t.role,
    content: [
      ...t.images.map(() => ({ type: 'image' as const })),
      ...(t.text || t.images.length === 0 ? [{ type: 'text' as const, text: cleanText(t.text) }] : []),
    ],
  }));
}

/** Frames (tiles + global view) the vision encoder produces for one image. */
export function framesOf(layout: ImageLayout): number {
  return layout.rows === 0 && layout.cols === 0 ? 1 : layout.rows * layout.cols + 1;
}

function imagePromptString(layout: ImageLayout, seqLen: number): string {
  const tokens = IMAGE_TOKEN.repeat(seqLen);
  if (layout.rows === 0 && layout.cols === 0) return `${FAKE_TOKEN}${GLOBAL_IMG_TOKEN}${tokens}${FAKE_TOKEN}`;
  let out = '';
  for (let r = 0; r < layout.rows; r++) {
    for (let c = 0; c < layout.cols; c++) out += `${FAKE_TOKEN}<row_${r + 1}_col_${c + 1}>${tokens}`;
    out += '\n';
  }
  return `${out}\n${FAKE_TOKEN}${GLOBAL_IMG_TOKEN}${tokens}${FAKE_TOKEN}`;
}

/** Replaces the i-th "<image>" of the rendered template by image i's expansion. */
export function expandImages(text: string, layouts: ImageLayout[], seqLen: number): string {
  const parts = text.split(IMAGE_TOKEN);
  if (parts.length - 1 !== layouts.length) {
    throw new Error(`Prompt has ${parts.length - 1} image slots for ${layouts.length} images`);
  }
  let out = parts[0];
  for (let i = 0; i < layouts.length; i++) out += imagePromptString(layouts[i], seqLen) + parts[i + 1];
  return out;
}

/**
 * Turns kept when the prompt is too long: drops the oldest exchanges (a user turn and the replies
 * that follow it), keeping system turns and the last user turn. Returns null when nothing can go.
 */
export function dropOldestExchange(turns: EngineChatTurn[]): EngineChatTurn[] | null {
  const lastUser = turns.map((t) => t.role).lastIndexOf('user');
  const first = turns.findIndex((t) => t.role !== 'system');
  if (first < 0 || first >= lastUser) return null;
  let end = first + 1;
  while (end < lastUser && turns[end].role !== 'user') end++;
  return [...turns.slice(0, first), ...turns.slice(end)];
}
