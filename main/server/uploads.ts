// Web mode's upload route (contract in ./routes.ts): POST /api/upload, one file per request, raw bytes,
// name in X-Filename. Files go to a temporary folder of this server session under ctx.paths.uploads,
// checked by content; old uploads are swept, and the session's folder is removed when the server closes.
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import type { AppContext } from '../service/context';
import type { Route } from './routes';
import { sendFailure, sendJson } from './http-util';
import { AppError, isFault } from '../../shared/errors';
import {
  clearSession, DEFAULT_MAX_UPLOAD_AGE_MS, DEFAULT_MAX_UPLOAD_BYTES, newSessionId, saveUpload, sweepUploads,
} from '../uploads/store';

export interface UploadRouteOptions {
  maxBytes?: number;
  maxAgeMs?: number;
}

const SWEEP_EVERY_MS = 10 * 60 * 1000;

/** One upload session per context (one per running server): created lazily, cleaned on ctx close. */
const sessions = new WeakMap<AppContext, string>();

function sessionFor(ctx: AppContext, maxAgeMs: number): string {
  let id = sessions.get(ctx);
  if (!id) {
    const session = newSessionId();
    id = session;
    sessions.set(ctx, session);
    const timer = setInterval(() => { void sweepUploads(ctx.paths.uploads, maxAgeMs); }, SWEEP_EVERY_MS);
    timer.unref();
    ctx.onClose(async () => {
      clearInterval(timer);
      await clearSession(ctx.paths.uploads, session);
    });
  }
  return id;
}

/** SMOLALBUM_MAX_UPLOAD_MB lets a server owner change the per-file limit (default 64 MB). */
function envLimit(env: NodeJS.ProcessEnv): number | null {
  const mb = Number(env.SMOLALBUM_MAX_UPLOAD_MB);
  return Number.isFinite(mb) && mb > 0 ? Math.round(mb * 1024 * 1024) : null;
}

export function uploadRoute(opts: UploadRouteOptions = {}): Route {
  const maxAgeMs = opts.maxAgeMs ?? DEFAULT_MAX_UPLOAD_AGE_MS;
  return {
    method: 'POST',
    path: '/api/upload',
    async handle(req: IncomingMessage, res: ServerResponse, { ctx }) {
      const session = sessionFor(ctx, maxAgeMs);
      const maxBytes = opts.maxBytes ?? envLimit(ctx.env) ?? DEFAULT_MAX_UPLOAD_BYTES;
      void sweepUploads(ctx.paths.uploads, maxAgeMs);
      const declared = Number(req.headers['content-length']);
      try {
        const rawName = decodeName(req.headers['x-filename']);
        if (rawName === null) throw new AppError('input', 'Missing X-Filename header (the original file name, URI-encoded).');
        const stored = await saveUpload(ctx.paths.uploads, {
          session, name: rawName, body: req, maxBytes,
          declaredBytes: Number.isFinite(declared) ? declared : undefined,
        });
        sendJson(res, 200, stored);
      } catch (err) {
        if (isFault(err)) throw err;
        reject(req, res, err, ctx);
      }
    },
  };
}

/** Answers with the error, then discards the rest of the body so the client reads the answer. */
function reject(req: IncomingMessage, res: ServerResponse, err: unknown, ctx: AppContext): void {
  if (!req.complete) {
    res.setHeader('Connection', 'close');
    req.resume();
  }
  sendFailure(res, err, ctx.log, 'upload');
}

function decodeName(header: string | string[] | undefined): string | null {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value === '') return null;
  try {
    return decodeURIComponent(value);
  } catch {
    throw new AppError('input', 'X-Filename is not a valid URI-encoded name.');
  }
}

/** For tests and diagnostics: where this context's uploads land. */
export const uploadSessionDir = (ctx: AppContext): string | null => {
  const id = sessions.get(ctx);
  return id ? path.join(ctx.paths.uploads, id) : null;
};
