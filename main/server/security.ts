// Response headers for web mode: a strict CSP (same-origin scripts/styles, images from our own media
// routes, API and WebSocket back to this host), no framing, no sniffing, no referrer leaking the token.
import type { ServerResponse } from 'node:http';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  // React sets element styles through the CSSOM, which CSP allows without 'unsafe-inline'.
  "style-src 'self'",
  "img-src 'self' data: blob:",
  // 'self' covers the same-origin WebSocket (CSP3).
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function setSecurityHeaders(res: ServerResponse): void {
  res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
}
