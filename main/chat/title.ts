// Auto-title of a conversation from its first question: first line, whitespace collapsed, cut at a word.
export const DEFAULT_TITLE = 'New chat';
const MAX = 60;

export function titleFromQuestion(text: string, imageCount: number): string {
  const line = text.split(/\r?\n/).map((l) => l.trim()).find((l) => l.length > 0) ?? '';
  const clean = line.replace(/\s+/g, ' ').replace(/^[#>*\-\s]+/, '').trim();
  if (!clean) return imageCount > 1 ? `${imageCount} images` : imageCount === 1 ? 'Image' : DEFAULT_TITLE;
  if (clean.length <= MAX) return clean;
  const cut = clean.slice(0, MAX);
  const space = cut.lastIndexOf(' ');
  return `${(space > MAX / 2 ? cut.slice(0, space) : cut).replace(/[\s,.;:!?-]+$/, '')}…`;
}
