// Access token of a web-mode session: random per start, sent as `Authorization: Bearer` — and in the URL
// (`?token=`) only where a header cannot be sent: media elements (<img src>) and the WebSocket. A token
// in an API URL would end up in logs and history, so it is refused there.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const newToken = (): string => randomBytes(24).toString('base64url');

/** The token a request carries: the Bearer header; the URL's `token` only when `inUrl` (media, WebSocket). */
export function requestToken(req: IncomingMessage, url: URL, opts: { inUrl: boolean }): string | null {
  const header = req.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice('Bearer '.length).trim();
  return opts.inUrl ? url.searchParams.get('token') : null;
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
