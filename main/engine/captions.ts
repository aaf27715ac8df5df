// Caption styles: the question each asks and how its answer is cleaned into a caption or tags.
import type { CaptionStyle } from '../../shared/contract/chat';

export const TAGS_PROMPT = 'List 5 to 10 keywords for this photo, separated by commas.';

const PROMPTS: Record<Exclude<CaptionStyle, 'custom'>, string> = {
  short: 'Describe this photo in one sentence.',
  detailed: 'Describe this photo in detail.',
  tags: TAGS_PROMPT,
};

const MAX_NEW_TOKENS: Record<CaptionStyle, number> = { short: 48, detailed: 256, tags: 64, custom: 256 };

export function captionPrompt(style: CaptionStyle, custom?: string): string {
  if (style === 'custom') {
    const p = custom?.trim();
    if (!p) throw new Error('Caption style "custom" needs a prompt');
    return p;
  }
  return PROMPTS[style];
}

/**
 * The same questions about a clip given as `n` frames in one turn (SmolVLM takes several images per
 * message): one caption of what happens, not one per frame.
 */
export function videoCaptionPrompt(style: CaptionStyle, n: number, custom?: string): string {
  const intro = `These are ${n} frames from one video, in order.`;
  if (style === 'custom') return `${intro} ${captionPrompt(style, custom)}`;
  if (style === 'tags') return videoTagsPrompt();
  return style === 'detailed' ? `${intro} Describe the video in detail.` : `${intro} Describe the video in one sentence.`;
}

/** Tells a chat model which attached images are one video's frames, and their times. */
export function videoFramesNote(name: string, timesMs: readonly number[]): string {
  return `The ${timesMs.length} images from ${name} are frames of one video, in order, at ${timesMs.map(secondsLabel).join(', ')}.`;
}
const secondsLabel = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

export const videoTagsPrompt = (): string => 'List 5 to 10 keywords for this video, separated by commas.';

export function captionMaxTokens(style: CaptionStyle): number {
  return MAX_NEW_TOKENS[style];
}

// "The image shows", "This photo depicts", "In this picture,", "This is an image of" …
const PREAMBLE = /^\s*(?:(?:in|on)\s+(?:the|this)\s+(?:image|photo|photograph|picture|video|clip)\s*,?\s*(?:we\s+(?:can\s+)?see|there\s+(?:is|are))?|(?:the|this)\s+(?:image|photo|photograph|picture|video|clip)\s+(?:shows|depicts|features|captures|displays|contains|is\s+of|presents)|this\s+is\s+(?:an?\s+)?(?:image|photo|photograph|picture|video|clip)\s+(?:of|showing|that\s+shows))\s*:?\s*/i;

/** One clean sentence: first sentence only, no "The image shows" preamble, capitalised. */
export function cleanShortCaption(text: string): string {
  let s = text.replace(/\s+/g, ' ').trim();
  for (let i = 0; i < 2; i++) s = s.replace(PREAMBLE, '');
  const end = s.search(/[.!?](?:\s|$)/);
  if (end >= 0) s = s.slice(0, end + 1);
  s = s.trim();
  return s ? s[0].toUpperCase() + s.slice(1) : s;
}

export function cleanDetailedCaption(text: string): string {
  const s = text.trim();
  const stripped = s.replace(PREAMBLE, '');
  return stripped ? stripped[0].toUpperCase() + stripped.slice(1) : s;
}

const STOPWORDS = new Set([
  'a', 'an', 'the', 'and', 'or', 'of', 'in', 'on', 'at', 'to', 'for', 'with', 'by', 'from', 'is', 'are', 'was', 'be',
  'this', 'that', 'these', 'those', 'it', 'its', 'as', 'image', 'photo', 'picture', 'photograph', 'keywords', 'keyword',
  'tags', 'tag', 'etc', 'some', 'other', 'none', 'no',
]);

/** Tags from free text: split on commas/lines/semicolons, lowercase, trimmed, deduplicated, no stopwords. */
export function normaliseTags(text: string, max = 20): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  // Asked for a comma list; an answer without any separator is taken word by word.
  const parts = /[,;\n|]/.test(text) ? text.split(/[,;\n|]+/) : text.split(/\s+/);
  for (const raw of parts) {
    const t = raw.toLowerCase().trim()
      .replace(/^\s*(?:[-*•#]+|\d+[.)])\s*/, '')
      .replace(/^(?:keywords?|tags?)\s*:\s*/, '')
      .replace(/^(?:a|an|the)\s+/, '')
      .replace(/[.!?:"'`()[\]{}]+/g, ' ')
      .replace(/\s+/g, ' ')
      .trim();
    // Sentences and fragments are not tags.
    if (!t || t.length > 40 || t.split(' ').length > 4 || STOPWORDS.has(t) || !/\p{L}/u.test(t)) continue;
    if (seen.has(t)) continue;
    seen.add(t);
    out.push(t);
    if (out.length >= max) break;
  }
  return out;
}

/** The first answer of a caption request as the caption (and, for style 'tags', the tags). Local and remote alike. */
export function shapeCaption(style: CaptionStyle, text: string): { caption: string; tags: string[] } {
  if (style === 'tags') {
    const tags = normaliseTags(text);
    return { caption: tags.join(', '), tags };
  }
  const caption = style === 'short' ? cleanShortCaption(text) : style === 'detailed' ? cleanDetailedCaption(text) : text.trim();
  return { caption, tags: [] };
}
