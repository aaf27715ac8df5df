// GET /thumb/:id, /preview/:id, /photo/:id: files are found by numeric id through resolveMedia
// (which confines them to the thumbnail cache and enabled roots); nothing from the request is a path.
import { createReadStream, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { resolveMedia } from '../library/media';
import type { AppContext } from '../service/context';
import { sendError, sendFailure } from './http-util';
import { AppError } from '../../shared/errors';

export const MEDIA_KINDS = ['thumb', 'preview', 'photo'] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number];

/** '/thumb/12' → {kind:'thumb', id:12}; anything else (including '/thumb/..%2f', '/thumb/1x') → null. */
export function parseMediaPath(pathname: string): { kind: MediaKind; id: number } | { kind: MediaKind; id: null } | null {
  const m = /^\/(thumb|preview|photo)\/(.*)$/.exec(pathname);
  if (!m) return null;
  const kind = m[1] as MediaKind;
  const id = /^[1-9]\d{0,15}$/.test(m[2]!) ? Number(m[2]) : NaN;
  return { kind, id: Number.isSafeInteger(id) ? id : null };
}

export function isMediaPath(pathname: string): boolean {
  return /^\/(thumb|preview|photo)(\/|$)/.test(pathname);
}

export async function handleMedia(req: IncomingMessage, res: ServerResponse, ctx: AppContext, pathname: string): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') { sendError(res, 405, 'Media is read with GET'); return; }
  const notFound = () => sendFailure(res, new AppError('not_found', 'Not found'), ctx.log, pathname);
  const parsed = parseMediaPath(pathname);
  if (!parsed || parsed.id === null) { notFound(); return; }
  const media = await resolveMedia(ctx, parsed.kind, parsed.id);
  if (!media) { notFound(); return; }
  let stat;
  try { stat = statSync(media.file); } catch { notFound(); return; }
  const etag = `"${stat.size.toString(36)}-${Math.round(stat.mtimeMs).toString(36)}"`;
  res.setHeader('ETag', etag);
  res.setHeader('Cache-Control', 'private, no-cache');
  if (req.headers['if-none-match'] === etag) { res.statusCode = 304; res.end(); return; }
  res.statusCode = 200;
  res.setHeader('Content-Type', media.mime);
  res.setHeader('Content-Length', stat.size);
  if (req.method === 'HEAD') { res.end(); return; }
  const stream = createReadStream(media.file);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}
