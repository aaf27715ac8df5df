// Extra HTTP routes of web mode, registered by other areas. The server checks the access token
// before any of these run, and matches them before `/api/:method`, so a route may live under /api/.
//
// To add one: export a `Route` from your module and append it to `extraRoutes` (a one-line edit).
// Upload contract (CHAT builds it in ./uploads.ts; the renderer's uploadFiles() speaks it):
//   POST /api/upload, one request per file, raw file bytes as the body,
//   header `X-Filename: <encodeURIComponent(original name)>`, plus the usual token header;
//   200 → `{ "uploadId": string, "name": string }`; 4xx → `{ "error": string }`.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AppContext } from '../service/context';
import type { Service } from '../../shared/api';
import { uploadRoute } from './uploads';
import { thumbBatchRoute } from './thumb-batch-route';

export interface RouteContext {
  ctx: AppContext;
  service: Service;
  url: URL;
}

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Exact pathname, e.g. '/api/upload'. */
  path: string;
  handle(req: IncomingMessage, res: ServerResponse, rc: RouteContext): Promise<void>;
}

export const extraRoutes: Route[] = [
  uploadRoute(),
  thumbBatchRoute(),
];
