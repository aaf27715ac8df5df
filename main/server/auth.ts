// Access token of a web-mode session: random per start, accepted from the Authorization header
// (API calls), or the `token` query parameter (images and the WebSocket, which cannot send headers).
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const newToken = (): string => randomBytes(24).toString('base64url');

export function requestToken(req: IncomingMessage, url: URL): string | null {
  const header = req.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice('Bearer '.length).trim();
  const fromHeader = req.headers['x-smolalbum-token'];
  if (typeof fromHeader === 'string') return fromHeader;
  return url.searchParams.get('token');
}

export function tokenMatches(given: string | null, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Browsers send Origin on WebSocket upgrades; only our own page may connect (a page on another site
 * must not reach the library even if it guessed the token). Non-browser clients send no Origin.
 */
export function originAllowed(origin: string | undefined, host: string | undefined): boolean {
  if (origin === undefined) return true;
  if (!host) return false;
  try {
    const o = new URL(origin);
    return (o.protocol === 'http:' || o.protocol === 'https:') && o.host === host;
  } catch {
    return false;
  }
}
