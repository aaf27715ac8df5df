// Caption results as CSV (RFC 4180 quoting) or JSON Lines.
import type { CaptionItem } from '../../shared/contract/chat';

const HEADER = ['file', 'path', 'caption', 'tags', 'status', 'error'];

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

export function toCsv(items: CaptionItem[]): string {
  const rows = items.map((i) => [i.name, i.path, i.caption ?? '', i.tags.join(', '), i.status, i.error ?? ''].map(csvField).join(','));
  return `${[HEADER.join(','), ...rows].join('\r\n')}\r\n`;
}

export function toJsonl(items: CaptionItem[]): string {
  return items.map((i) => JSON.stringify({ file: i.name, path: i.path, caption: i.caption, tags: i.tags, status: i.status, error: i.error })).join('\n') + (items.length ? '\n' : '');
}
