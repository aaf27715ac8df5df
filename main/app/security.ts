// The desktop shell's security policy as plain data and predicates, free of `electron` imports so it is
// unit-tested under Node: window options, Content-Security-Policy, navigation, IPC sender, permissions.
// Electron's checklist (https://www.electronjs.org/docs/latest/tutorial/security) is the reference.
import { AppError } from '../../shared/errors';

/** Our privileged scheme: the renderer (smolalbum://app/…) and media by id (smolalbum://thumb/ID …). */
export const APP_SCHEME = 'smolalbum';
export const APP_HOST = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/** The only hash routes the menu may navigate to (the renderer's routes, issue 5). */
export const APP_ROUTES = ['library', 'search', 'albums', 'chat', 'caption', 'settings'] as const;
export type AppRoute = (typeof APP_ROUTES)[number];
export const routeUrl = (route: AppRoute): string => `${APP_ENTRY_URL}#/${route}`;

/** The subset of Electron's WebPreferences we set (kept structural: this module does not import electron). */
export interface SecureWebPreferences {
  preload: string;
  contextIsolation: true;
  sandbox: true;
  nodeIntegration: false;
  nodeIntegrationInWorker: false;
  nodeIntegrationInSubFrames: false;
  webSecurity: true;
  allowRunningInsecureContent: false;
  experimentalFeatures: false;
  webviewTag: false;
  navigateOnDragDrop: boolean;
  spellcheck: boolean;
  safeDialogs: true;
  disableBlinkFeatures: string;
}

export function secureWebPreferences(preloadPath: string): SecureWebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    // A file dropped outside the renderer's own drop zones becomes a will-navigate to file://…, which
    // main turns into "caption these files" (never an actual navigation).
    navigateOnDragDrop: true,
    spellcheck: false,
    safeDialogs: true,
    // Middle-click (auxclick) can open links in new windows; the app has no use for it.
    disableBlinkFeatures: 'Auxclick',
  };
}

/**
 * The renderer's Content-Security-Policy, written out literally so reviewers and scanners read the
 * real thing. React's style={…} goes through the CSSOM, which CSP does not block, so styles need no
 * 'unsafe-inline'. Images come from our own scheme (smolalbum://thumb/ID …), data: and blob: URLs.
 */
// prettier-ignore
export const CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' smolalbum: data: blob:; font-src 'self' data:; connect-src 'self'; media-src 'self' smolalbum: blob:; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; form-action 'none'; frame-src 'none'; frame-ancestors 'none'";

export function contentSecurityPolicy(): string {
  return CONTENT_SECURITY_POLICY;
}

/** The policy as directive → sources (tests, and anyone checking one directive). */
export function parseCsp(policy: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const part of policy.split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) out[name.toLowerCase()] = values;
  }
  return out;
}

/** Headers on every document/asset our protocol serves. */
export function securityHeaders(): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy(),
    'X-Content-Type-Options': 'nosniff',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Referrer-Policy': 'no-referrer',
  };
}

function parseUrl(raw: string): URL | null {
  try { return new URL(raw); } catch { return null; }
}

/** True for a URL of our renderer origin (scheme and host compared exactly, after URL parsing). */
export function isAppUrl(raw: string): boolean {
  const u = parseUrl(raw);
  return !!u && u.protocol === `${APP_SCHEME}:` && u.host.toLowerCase() === APP_HOST && !u.username && !u.password && !u.port;
}

/** http(s) links the user clicked may open in the system browser; nothing else leaves the app. */
export function isSafeExternalUrl(raw: string): boolean {
  if (raw.length > 2048) return false;
  const u = parseUrl(raw);
  if (!u || (u.protocol !== 'https:' && u.protocol !== 'http:')) return false;
  // No credentials in links (phishing: https://good.example@evil.example/).
  return !u.username && !u.password && u.hostname.length > 0;
}

export type NavigationDecision =
  | { action: 'allow' }
  | { action: 'open-external'; url: string }
  | { action: 'open-files'; paths: string[] }
  | { action: 'deny' };

/**
 * What to do when the page tries to navigate (will-navigate / will-redirect / window.open).
 * Only same-document moves inside our app are allowed; http(s) goes to the system browser; a dropped
 * file (file:// navigation) is routed to captioning; everything else is refused.
 */
export function navigationDecision(raw: string, fileUrlToPath: (u: string) => string): NavigationDecision {
  const u = parseUrl(raw);
  if (!u) return { action: 'deny' };
  if (isAppUrl(raw)) return u.pathname === '/index.html' || u.pathname === '/' ? { action: 'allow' } : { action: 'deny' };
  if (isSafeExternalUrl(raw)) return { action: 'open-external', url: u.toString() };
  if (u.protocol === 'file:' && !u.search && !u.hash) {
    try { return { action: 'open-files', paths: [fileUrlToPath(u.toString())] }; } catch { return { action: 'deny' }; }
  }
  return { action: 'deny' };
}

/** The part of Electron's WebFrameMain the sender check reads. */
export interface SenderFrameLike {
  readonly url: string;
  readonly parent: unknown;
}

/**
 * VS Code's validatedIpcMain rule: accept IPC only from the top frame of a page served from our origin.
 * A null frame (navigated away or destroyed) is refused.
 */
export function isTrustedSender(frame: SenderFrameLike | null | undefined): boolean {
  if (!frame) return false;
  if (frame.parent !== null) return false;
  return isAppUrl(frame.url);
}

const untrustedSender = (url: string | undefined) =>
  new AppError('forbidden', `IPC refused: sender ${url ? `"${url}"` : '(no frame)'} is not the SmolAlbum window`);

export function assertTrustedSender(frame: SenderFrameLike | null | undefined): void {
  if (!isTrustedSender(frame)) throw untrustedSender(frame?.url);
}

/**
 * Permission requests (camera, geolocation, notifications, …) are all denied: the app needs none.
 * Clipboard writes initiated by a user gesture stay possible ("copy caption").
 */
export const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-sanitized-write']);
export function isPermissionAllowed(permission: string, requestingUrl: string): boolean {
  return ALLOWED_PERMISSIONS.has(permission) && isAppUrl(requestingUrl);
}
