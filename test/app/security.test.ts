// The desktop shell's security policy (main/app/security.ts): window options, CSP, navigation guard,
// IPC sender check, permissions. Plain Node: the module must not import electron.
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import {
  APP_ENTRY_URL, APP_SCHEME, CONTENT_SECURITY_POLICY, assertTrustedSender, isAppUrl, isPermissionAllowed, isSafeExternalUrl,
  isTrustedSender, navigationDecision, parseCsp, routeUrl, secureWebPreferences, securityHeaders,
} from '../../main/app/security';

describe('window options', () => {
  const prefs = secureWebPreferences('/app/out/preload/index.cjs');

  it('isolates and sandboxes the renderer', () => {
    expect(prefs).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      disableBlinkFeatures: 'Auxclick',
    });
  });

  it('sets nothing that weakens Electron defaults', () => {
    const keys = Object.keys(prefs);
    for (const forbidden of ['enableRemoteModule', 'enableBlinkFeatures', 'additionalArguments', 'partition']) expect(keys).not.toContain(forbidden);
  });

  it('the window.ts call site restates the same critical flags', async () => {
    // window.ts imports electron, so its literal is checked as text: it must agree with the module.
    const { readFile } = await import('node:fs/promises');
    const src = await readFile(fileURLToPath(new URL('../../main/app/window.ts', import.meta.url)), 'utf8');
    for (const flag of ['contextIsolation: true', 'sandbox: true', 'nodeIntegration: false', 'webSecurity: true']) expect(src).toContain(flag);
    expect(src).toContain('...secureWebPreferences(opts.preloadPath)');
  });
});

describe('Content-Security-Policy', () => {
  const csp = parseCsp(CONTENT_SECURITY_POLICY);

  it('allows scripts and connections only from our own origin', () => {
    expect(csp['default-src']).toEqual(["'none'"]);
    expect(csp['script-src']).toEqual(["'self'"]);
    expect(csp['connect-src']).toEqual(["'self'"]);
    expect(csp['style-src']).toEqual(["'self'"]);
  });

  it('loads images from our scheme, data: and blob: only', () => {
    expect(csp['img-src']).toEqual(["'self'", `${APP_SCHEME}:`, 'data:', 'blob:']);
  });

  it('forbids plugins, base rewriting and framing', () => {
    expect(csp['object-src']).toEqual(["'none'"]);
    expect(csp['base-uri']).toEqual(["'none'"]);
    expect(csp['frame-ancestors']).toEqual(["'none'"]);
    expect(csp['form-action']).toEqual(["'none'"]);
  });

  it('never allows inline or evaluated script anywhere', () => {
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-inline|unsafe-eval|wasm-unsafe-eval|\*/);
  });

  it('is sent with every protocol response, with nosniff', () => {
    expect(securityHeaders()).toMatchObject({ 'Content-Security-Policy': CONTENT_SECURITY_POLICY, 'X-Content-Type-Options': 'nosniff' });
  });
});

describe('origin checks', () => {
  it('recognises only smolalbum://app as the app origin', () => {
    expect(isAppUrl(APP_ENTRY_URL)).toBe(true);
    expect(isAppUrl('smolalbum://app/index.html#/chat')).toBe(true);
    expect(isAppUrl('smolalbum://thumb/1')).toBe(false);
    expect(isAppUrl('smolalbum://app.evil.com/index.html')).toBe(false);
    expect(isAppUrl('smolalbum://user:pw@app/index.html')).toBe(false);
    expect(isAppUrl('https://app/index.html')).toBe(false);
    expect(isAppUrl('file:///app/index.html')).toBe(false);
    expect(isAppUrl('not a url')).toBe(false);
  });

  it('lets only plain http(s) links out to the system browser', () => {
    expect(isSafeExternalUrl('https://huggingface.co/HuggingFaceTB')).toBe(true);
    expect(isSafeExternalUrl('http://example.org/a?b=c')).toBe(true);
    expect(isSafeExternalUrl('https://good.example@evil.example/')).toBe(false);
    expect(isSafeExternalUrl('file:///etc/passwd')).toBe(false);
    expect(isSafeExternalUrl('javascript:alert(1)')).toBe(false);
    expect(isSafeExternalUrl('smb://host/share')).toBe(false);
    expect(isSafeExternalUrl(`https://example.org/${'a'.repeat(3000)}`)).toBe(false);
  });
});

describe('navigation guard', () => {
  const decide = (url: string) => navigationDecision(url, fileURLToPath);

  it('allows moves inside the app document only', () => {
    expect(decide(routeUrl('chat'))).toEqual({ action: 'allow' });
    expect(decide('smolalbum://app/')).toEqual({ action: 'allow' });
    expect(decide('smolalbum://app/other.html')).toEqual({ action: 'deny' });
    expect(decide('smolalbum://photo/3')).toEqual({ action: 'deny' });
  });

  it('sends web links to the system browser instead of navigating', () => {
    expect(decide('https://example.org/x')).toEqual({ action: 'open-external', url: 'https://example.org/x' });
  });

  it('turns a dropped file into "caption these files"', () => {
    const d = decide('file:///home/me/Pictures/cat%20one.jpg');
    expect(d).toEqual({ action: 'open-files', paths: [fileURLToPath('file:///home/me/Pictures/cat%20one.jpg')] });
  });

  it('refuses everything else', () => {
    for (const url of ['javascript:alert(1)', 'data:text/html,<script>1</script>', 'about:blank', 'chrome://settings',
      'file:///etc/passwd?x=1', 'smolalbum://evil/index.html', 'devtools://devtools', '']) {
      expect(decide(url), url).toEqual({ action: 'deny' });
    }
  });
});

describe('IPC sender check', () => {
  it('accepts the top frame of our origin', () => {
    expect(isTrustedSender({ url: 'smolalbum://app/index.html#/library', parent: null })).toBe(true);
  });

  it('refuses subframes, other origins and missing frames', () => {
    expect(isTrustedSender({ url: 'smolalbum://app/index.html', parent: {} })).toBe(false);
    expect(isTrustedSender({ url: 'https://evil.example/', parent: null })).toBe(false);
    expect(isTrustedSender({ url: 'file:///tmp/x.html', parent: null })).toBe(false);
    expect(isTrustedSender({ url: 'smolalbum://thumb/1', parent: null })).toBe(false);
    expect(isTrustedSender(null)).toBe(false);
    expect(isTrustedSender(undefined)).toBe(false);
  });

  it('throws a 403 error naming the sender', () => {
    expect(() => assertTrustedSender({ url: 'https://evil.example/', parent: null })).toThrow(/IPC refused: sender "https:\/\/evil.example\/"/);
    let thrown: unknown = null;
    try { assertTrustedSender(null); } catch (e) { thrown = e; }
    expect(thrown).toMatchObject({ status: 403 });
  });
});

describe('permissions', () => {
  it('denies device and notification permissions to everyone', () => {
    for (const p of ['media', 'geolocation', 'notifications', 'midi', 'openExternal', 'clipboard-read', 'fullscreen', 'hid', 'serial']) {
      expect(isPermissionAllowed(p, APP_ENTRY_URL), p).toBe(false);
    }
  });

  it('allows sanitized clipboard writes from our own page only', () => {
    expect(isPermissionAllowed('clipboard-sanitized-write', APP_ENTRY_URL)).toBe(true);
    expect(isPermissionAllowed('clipboard-sanitized-write', 'https://evil.example/')).toBe(false);
  });
});
