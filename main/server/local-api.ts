// SmolAlbum's own OpenAI-compatible API as a switch (issue 13: the desktop app's Settings, and web
// mode's too): a loopback listener that serves only /v1 from the local model (main/server/openai-api.ts)
// with the library's own key. On or off and the port are settings, so it comes back after a restart
// (startLibraryServices calls applyLocalApi); it stops with the library.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AppContext } from '../service/context';
import type { LocalApiStatus } from '../../shared/contract/engines';
import { AppError } from '../../shared/errors';
import { getSettings, storeSetting } from '../models/settings';
import { apiKeyOf, createOpenAiApi, servedModelId } from './openai-api';
import { sendFailure } from './http-util';
import { setSecurityHeaders } from './security';
import type { Service } from '../../shared/api';

export const LOCAL_API_KEYS = { enabled: 'localApi.enabled', port: 'localApi.port' } as const;
/** The port other apps are pointed at unless the user picks another. */
export const DEFAULT_LOCAL_API_PORT = 11_435;
const HOST = '127.0.0.1';

interface Running { server: http.Server; port: number }
interface State { running: Running | null; error: string | null; closeHooked: boolean; applying: Promise<unknown> }
const states = new WeakMap<AppContext, State>();

function stateOf(ctx: AppContext): State {
  let s = states.get(ctx);
  if (!s) { s = { running: null, error: null, closeHooked: false, applying: Promise.resolve() }; states.set(ctx, s); }
  return s;
}

function settingsOf(ctx: AppContext): { enabled: boolean; port: number } {
  const s = getSettings(ctx.db);
  const port = s[LOCAL_API_KEYS.port];
  return {
    enabled: s[LOCAL_API_KEYS.enabled] === true,
    port: Number.isInteger(port) && (port as number) >= 0 && (port as number) <= 65_535 ? (port as number) : DEFAULT_LOCAL_API_PORT,
  };
}

export function localApiStatus(ctx: AppContext): LocalApiStatus {
  const { enabled, port } = settingsOf(ctx);
  const s = stateOf(ctx);
  const running = s.running;
  let model: string | null = null;
  try { model = servedModelId(ctx); } catch { /* no model configured yet */ }
  return {
    enabled,
    running: running !== null,
    port: running?.port ?? port,
    baseUrl: running ? `http://${HOST}:${running.port}/v1` : null,
    key: running ? apiKeyOf(ctx) : null,
    model,
    error: enabled && !running ? s.error : null,
  };
}

/** Stores the switch and brings the listener in line with it. */
export async function setLocalApi(ctx: AppContext, opts: { enabled: boolean; port?: number }): Promise<LocalApiStatus> {
  storeSetting(ctx.db, LOCAL_API_KEYS.enabled, opts.enabled);
  if (opts.port !== undefined) storeSetting(ctx.db, LOCAL_API_KEYS.port, opts.port);
  await applyLocalApi(ctx);
  return localApiStatus(ctx);
}

/** Starts, stops or moves the listener to match the settings (one change at a time). */
export function applyLocalApi(ctx: AppContext): Promise<void> {
  const s = stateOf(ctx);
  const run = s.applying.then(() => reconcile(ctx, s));
  s.applying = run.catch(() => undefined);
  return run;
}

async function reconcile(ctx: AppContext, s: State): Promise<void> {
  const want = settingsOf(ctx);
  const same = s.running && want.enabled && (want.port === 0 || want.port === s.running.port);
  if (same) return;
  if (s.running) { await closeServer(s.running.server); s.running = null; }
  s.error = null;
  if (!want.enabled) return;
  if (!s.closeHooked) {
    s.closeHooked = true;
    ctx.onClose(async () => { await s.applying; if (s.running) { await closeServer(s.running.server); s.running = null; } });
  }
  const api = createOpenAiApi(ctx, { key: apiKeyOf(ctx) });
  const server = http.createServer((req, res) => {
    setSecurityHeaders(res);
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (pathname === '/v1' || pathname.startsWith('/v1/')) {
      void api(req, res, pathname).catch((err: unknown) => sendFailure(res, err, ctx.log, `${req.method} ${pathname}`));
    } else {
      sendFailure(res, new AppError('not_found', 'This port serves the OpenAI-compatible API under /v1 only'), ctx.log, pathname);
    }
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(want.port, HOST, () => { server.off('error', reject); resolve(); });
    });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    s.error = code === 'EADDRINUSE' ? `Port ${want.port} is in use by another program: choose another port.`
      : `Could not listen on ${HOST}:${want.port}: ${(err as Error).message}`;
    ctx.log.warn(`Local API: ${s.error}`);
    return;
  }
  s.running = { server, port: (server.address() as AddressInfo).port };
  ctx.log.info(`Local API at http://${HOST}:${s.running.port}/v1`);
}

function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); });
}

/** The localApi.* methods of the contract. */
export function localApiHandlers(ctx: AppContext): Pick<Service, 'localApi.status' | 'localApi.set'> {
  return {
    'localApi.status': async () => localApiStatus(ctx),
    'localApi.set': async ({ enabled, port }) => setLocalApi(ctx, { enabled, port }),
  };
}
