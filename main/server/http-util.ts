// Small helpers for node:http responses and bodies. sendFailure() is the HTTP adapter's one mapping of
// an error kind (shared/errors.ts) to a status and body.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppError, errorPayload, HTTP_STATUS_OF_KIND, isFault } from '../../shared/errors';
import { logFailure, type Logger } from '../service/log';

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body ?? null);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

/** An answer about HTTP itself (wrong method, unreadable URL); failures of the work go through sendFailure. */
export const sendError = (res: ServerResponse, status: number, message: string): void => sendJson(res, status, { error: message });

/** What a client sees of a fault: its message without stack or server paths (the log has both). */
export function publicMessage(message: string): string {
  return message.replace(/(^|[\s'"`(=])(?:[A-Za-z]:)?[\\/][^\s'"`)]*/g, '$1…');
}

/**
 * Answers a failed request: status from the error's kind, body `{ error, kind }`, Retry-After for
 * busy/unavailable. Faults are logged with their stack and answered without server paths; a person's mistake is answered with its message and not logged.
 */
export function sendFailure(res: ServerResponse, err: unknown, log: Logger, where: string): void {
  logFailure(log, where, err);
  if (res.headersSent) { res.destroy(); return; }
  const payload = errorPayload(err);
  if (payload.retryAfterS !== undefined) res.setHeader('Retry-After', String(Math.ceil(payload.retryAfterS)));
  sendJson(res, HTTP_STATUS_OF_KIND[payload.kind], { error: isFault(err) ? publicMessage(payload.message) : payload.message, kind: payload.kind });
}

/** Reads the whole body, refusing more than `limit` bytes (413) so one request cannot exhaust memory. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      reject(new AppError('too_large', `Request body is larger than ${limit} bytes`));
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        reject(new AppError('too_large', `Request body is larger than ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => { if (!failed) resolve(Buffer.concat(chunks)); });
    req.on('error', (err) => { if (!failed) { failed = true; reject(err); } });
  });
}

export async function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  const body = await readBody(req, limit);
  if (body.length === 0) return {};
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new AppError('input', 'Request body is not valid JSON');
  }
}
