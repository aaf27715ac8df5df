// Web-mode transport (`smolalbum serve`): POST api/<method> with the session token, events over the
// WebSocket `events`, images from `thumb/ID?token=…` (an <img> cannot send headers).
import { Listeners, type Transport, type UploadResult } from './transport';
import { AppError, isErrorKind, type ErrorKind } from '../../../shared/errors';
import { readThumbBatch } from '../../../shared/thumb-batch';

const TOKEN_KEY = 'smolalbum.token';

/** Takes the token from the page URL once, keeps it for this tab, and removes it from the address bar. */
export function takeToken(): string {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl);
    url.searchParams.delete('token');
    window.history.replaceState(window.history.state, '', `${url.pathname}${url.search}${url.hash}`);
    return fromUrl;
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? '';
}

/** The server's `{ error, kind }` answer (main/server/http-util.ts sendFailure) as an AppError. */
async function errorOf(res: Response): Promise<AppError> {
  let message = `${res.status} ${res.statusText}`;
  let kind: ErrorKind = res.status === 401 ? 'unauthorized' : res.status < 500 ? 'input' : 'internal';
  try {
    const body = (await res.json()) as { error?: unknown; kind?: unknown };
    if (typeof body.error === 'string') message = body.error;
    if (isErrorKind(body.kind)) kind = body.kind;
  } catch { /* not JSON */ }
  if (kind === 'unauthorized') message = `${message}. Open the link printed by \`smolalbum serve\` (it carries the access token).`;
  const retry = Number(res.headers.get('Retry-After'));
  return new AppError(kind, message, Number.isFinite(retry) && retry > 0 ? { retryAfterS: retry } : {});
}

/** An image's bytes as a data: URL. Chromium decodes these inside the page; an object (blob:) URL per
 *  thumbnail cost the browser process about as much CPU again as the page (measured with test/bench/ui.ts). */
function dataUrl(mime: string, bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 8192) binary += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return `data:${mime};base64,${btoa(binary)}`;
}

export function webTransport(): Transport {
  const token = takeToken();
  const base = new URL('.', window.location.href);
  const listeners = new Listeners();
  const headers = { Authorization: `Bearer ${token}` };
  let socket: WebSocket | null = null;
  let retryMs = 500;
  let connectedBefore = false;

  const connect = () => {
    const url = new URL('events', base);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.searchParams.set('token', token);
    socket = new WebSocket(url);
    socket.onopen = () => {
      retryMs = 500;
      // Events sent while the socket was down are lost: tell the views to refetch.
      if (connectedBefore) {
        listeners.emit('library.changed', { photoIds: null });
        listeners.emit('albums.changed', { albumIds: null });
      }
      connectedBefore = true;
    };
    socket.onmessage = (msg) => {
      try {
        const { event, payload } = JSON.parse(String(msg.data)) as { event: string; payload: unknown };
        listeners.emit(event, payload);
      } catch { /* ignore malformed frames */ }
    };
    socket.onclose = () => {
      socket = null;
      // Reconnect with backoff (server restarts, sleep/wake).
      window.setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 10_000);
    };
  };
  // Without a token the server refuses the socket anyway; API calls explain how to get one.
  if (token) connect();

  return {
    kind: 'web',
    async call(name, input) {
      const res = await fetch(new URL(`api/${encodeURIComponent(name)}`, base), {
        method: 'POST',
        headers: { ...headers, 'Content-Type': 'application/json' },
        body: JSON.stringify(input ?? {}),
      });
      if (!res.ok) throw await errorOf(res);
      return res.json();
    },
    on: (name, listener) => listeners.add(name, listener as (p: unknown) => void),
    async thumbBatch(ids) {
      const url = new URL('api/thumbs', base);
      url.searchParams.set('ids', ids.join(','));
      const res = await fetch(url, { headers });
      if (!res.ok) throw await errorOf(res);
      return new Map(readThumbBatch(await res.arrayBuffer()).map((t) => [t.id, dataUrl(t.mime, t.bytes)]));
    },
    mediaUrl: (kind, id, preview) => `${new URL(`${kind}/${id}`, base).pathname}?token=${encodeURIComponent(token)}${preview ? `&preview=${preview}` : ''}`,
    async uploadFiles(files) {
      // Contract with main/server/uploads.ts: one raw-body POST per file (see main/server/routes.ts).
      const out: UploadResult = { uploadIds: [], errors: [] };
      for (const file of files) {
        try {
          const res = await fetch(new URL('api/upload', base), {
            method: 'POST',
            headers: { ...headers, 'Content-Type': 'application/octet-stream', 'X-Filename': encodeURIComponent(file.name) },
            body: file,
          });
          if (!res.ok) throw await errorOf(res);
          const body = (await res.json()) as { uploadId: string };
          out.uploadIds.push(body.uploadId);
        } catch (err) {
          out.errors.push({ name: file.name, error: err instanceof Error ? err.message : String(err) });
        }
      }
      return out;
    },
    pickFolders: null,
    pathForFile: null,
    onOpenFiles: null,
  };
}
