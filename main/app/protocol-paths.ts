// What a smolalbum:// URL may reach, decided without electron: the renderer's own files under one folder,
// and media by numeric id only. Paths are confined twice — lexically after decoding, then by realpath —
// so `..`, encoded `%2e%2e`/`%2f`, backslashes and symlinks pointing outside are all refused.
import path from 'node:path';
import { realpath } from 'node:fs/promises';
import { APP_HOST, APP_SCHEME } from './security';
import { PREVIEW_CODECS, type PreviewCodec } from '../../shared/video';

export const MEDIA_KINDS = ['thumb', 'preview', 'photo', 'media'] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number];

export type ProtocolTarget =
  | { kind: 'app'; relPath: string }
  /** `preview`: smolalbum://media/<id>?preview=h264|vp9, a video's cached preview. */
  | { kind: MediaKind; id: number; preview?: PreviewCodec }
  | { kind: 'invalid'; reason: string };

const isMediaKind = (host: string): host is MediaKind => (MEDIA_KINDS as readonly string[]).includes(host);

/** Parses smolalbum://app/<file> and smolalbum://<thumb|preview|photo|media>/<id>. */
export function parseProtocolUrl(raw: string): ProtocolTarget {
  let u: URL;
  try { u = new URL(raw); } catch { return { kind: 'invalid', reason: 'malformed URL' }; }
  if (u.protocol !== `${APP_SCHEME}:`) return { kind: 'invalid', reason: `not a ${APP_SCHEME}: URL` };
  if (u.username || u.password || u.port) return { kind: 'invalid', reason: 'credentials or port in URL' };
  const host = u.host.toLowerCase();
  if (host === APP_HOST) {
    const rel = safeRelativePath(u.pathname);
    return rel === null ? { kind: 'invalid', reason: 'path escapes the app folder' } : { kind: 'app', relPath: rel || 'index.html' };
  }
  if (isMediaKind(host)) {
    const m = /^\/([1-9][0-9]{0,14})\/?$/.exec(u.pathname);
    if (!m) return { kind: 'invalid', reason: `${host} URLs take a numeric id` };
    const preview = u.searchParams.get('preview');
    if (preview === null) return { kind: host, id: Number(m[1]) };
    if (host !== 'media' || !(PREVIEW_CODECS as readonly string[]).includes(preview)) return { kind: 'invalid', reason: 'preview must be h264 or vp9 on media URLs' };
    return { kind: host, id: Number(m[1]), preview: preview as PreviewCodec };
  }
  return { kind: 'invalid', reason: `unknown host "${host}"` };
}

/**
 * Decodes a URL path into a relative path made of plain segments, or null when any segment could climb
 * (`..`, `.`), hides a separator (`%2f`, `\`), carries a NUL or a drive letter.
 */
export function safeRelativePath(urlPath: string): string | null {
  const segments: string[] = [];
  for (const raw of urlPath.split('/')) {
    if (raw === '') continue;
    let seg: string;
    try { seg = decodeURIComponent(raw); } catch { return null; }
    if (seg === '.' || seg === '..' || /[\\/\0:]/.test(seg)) return null;
    segments.push(seg);
  }
  return segments.join('/');
}

/** True when `child` is `parent` itself or lies below it (both absolute, already normalised). */
export function isWithin(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

async function realOrNull(p: string): Promise<string | null> {
  try { return await realpath(p); } catch { return null; }
}

/** The real path of `relPath` under `rootDir`, or null when it is missing or resolves outside the root. */
export async function resolveInside(rootDir: string, relPath: string): Promise<string | null> {
  const root = await realOrNull(rootDir);
  if (!root) return null;
  const lexical = path.resolve(root, relPath);
  if (!isWithin(root, lexical)) return null;
  const real = await realOrNull(lexical);
  return real && isWithin(root, real) ? real : null;
}

/**
 * The real path of a media file when it lies inside one of the allowed folders (enabled library roots,
 * the thumbnail cache) after following every symlink; null otherwise.
 */
export async function confineToRoots(file: string, allowedRoots: readonly string[]): Promise<string | null> {
  if (!path.isAbsolute(file)) return null;
  const real = await realOrNull(file);
  if (!real) return null;
  for (const root of allowedRoots) {
    const realRoot = await realOrNull(root);
    if (realRoot && real !== realRoot && isWithin(realRoot, real)) return real;
  }
  return null;
}
