// Web mode: one node:http server for the built renderer, the API (POST /api/:method), media by id
// and the events WebSocket. Every request except the page itself needs the session's token.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AppContext } from '../service/context';
import type { Service } from '../../shared/api';
import { newToken, requestToken, tokenMatches } from './auth';
import { setSecurityHeaders } from './security';
import { sendError, sendFailure } from './http-util';
import { AppError } from '../../shared/errors';
import { handleApi } from './api-route';
import { handleMedia, isMediaPath } from './media-route';
import { defaultStaticDir, handleStatic } from './static-route';
import { createEventsSocket } from './events-socket';
import { extraRoutes, type Route } from './routes';
import { createOpenAiApi, type OpenAiApiOptions } from './openai-api';

export interface ServerOptions {
  ctx: AppContext;
  service: Service;
  /** Default 127.0.0.1; anything else exposes the library to the network (the CLI warns). */
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  token?: string;
  staticDir?: string;
  routes?: Route[];
  /** Also serve the OpenAI-compatible API under /v1 (its own key; see ./openai-api.ts). */
  api?: OpenAiApiOptions;
}

export interface WebServer {
  url: string;
  /** The URL to open, carrying the token. */
  openUrl: string;
  host: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const safeDecode = (s: string): string => { try { return decodeURIComponent(s); } catch { return s; } };

export const isLoopback = (host: string): boolean => host === '127.0.0.1' || host === '::1' || host === 'localhost';

export async function startServer(opts: ServerOptions): Promise<WebServer> {
  const host = opts.host ?? '127.0.0.1';
  const token = opts.token ?? newToken();
  const staticDir = opts.staticDir ?? defaultStaticDir();
  const routes = opts.routes ?? extraRoutes;
  const log = opts.ctx.log;
  const events = createEventsSocket(opts.ctx.events, token);
  const api = opts.api ? createOpenAiApi(opts.ctx, opts.api) : null;

  const server = http.createServer((req, res) => {
    setSecurityHeaders(res);
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      sendError(res, 400, 'Bad request URL');
      return;
    }
    const pathname = url.pathname;
    if (api && (pathname === '/v1' || pathname.startsWith('/v1/'))) {
      void api(req, res, pathname).catch((err: unknown) => sendFailure(res, err, log, `${req.method} ${pathname}`));
      return;
    }
    const needsToken = pathname.startsWith('/api/') || pathname === '/api' || isMediaPath(pathname) || pathname === '/events';
    if (!needsToken) { handleStatic(req, res, staticDir, pathname); return; }
    if (!tokenMatches(requestToken(req, url, { inUrl: isMediaPath(pathname) }), token)) { sendFailure(res, new AppError('unauthorized', 'Missing or wrong access token'), log, pathname); return; }

    const route = routes.find((r) => r.path === pathname && r.method === req.method);
    const done = (p: Promise<void> | void) => Promise.resolve(p).catch((err: unknown) => sendFailure(res, err, log, `${req.method} ${pathname}`));
    if (route) done(route.handle(req, res, { ctx: opts.ctx, service: opts.service, url }));
    else if (pathname.startsWith('/api/')) done(handleApi(req, res, opts.service, safeDecode(pathname.slice(5)), log));
    else if (isMediaPath(pathname)) done(handleMedia(req, res, opts.ctx, pathname, url));
    else sendFailure(res, new AppError('not_found', 'Not found'), log, pathname);
  });
  server.on('upgrade', (req, socket, head) => events.handleUpgrade(req, socket, head));
  server.on('clientError', (_err, socket) => { if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'); });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => { server.off('error', reject); resolve(); });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const url = `http://${urlHost}:${port}/`;
  return {
    url,
    openUrl: `${url}?token=${token}`,
    host,
    port,
    token,
    close: () => new Promise<void>((resolve) => {
      events.close();
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
