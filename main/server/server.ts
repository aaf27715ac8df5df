// Web mode: one node:http server for the built renderer, the API (POST /api/:method), media by id
// and the events WebSocket. Every request except the page itself needs the session's token.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AppContext } from '../service/context';
import type { Service } from '../../shared/api';
import { newToken, requestToken, tokenMatches } from './auth';
import { setSecurityHeaders } from './security';
import { sendError } from './http-util';
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
  log?: (line: string) => void;
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
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
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
      void api(req, res, pathname).catch((err: unknown) => { log(`${req.method} ${pathname}: ${String(err)}`); if (!res.headersSent) sendError(res, 500, 'Internal error'); });
      return;
    }
    const needsToken = pathname.startsWith('/api/') || pathname === '/api' || isMediaPath(pathname) || pathname === '/events';
    if (!needsToken) { handleStatic(req, res, staticDir, pathname); return; }
    if (!tokenMatches(requestToken(req, url), token)) { sendError(res, 401, 'Missing or wrong access token'); return; }

    const route = routes.find((r) => r.path === pathname && r.method === req.method);
    const done = (p: Promise<void> | void) => Promise.resolve(p).catch((err: unknown) => {
      log(`${req.method} ${pathname}: ${err instanceof Error ? err.stack : String(err)}`);
      if (!res.headersSent) sendError(res, 500, err instanceof Error ? err.message : String(err));
      else res.destroy();
    });
    if (route) done(route.handle(req, res, { ctx: opts.ctx, service: opts.service, url }));
    else if (pathname.startsWith('/api/')) done(handleApi(req, res, opts.service, safeDecode(pathname.slice(5)), log));
    else if (isMediaPath(pathname)) done(handleMedia(req, res, opts.ctx, pathname));
    else sendError(res, 404, 'Not found');
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
