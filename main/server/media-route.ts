// GET /thumb/:id, /preview/:id, /photo/:id and /media/:id (a video's clip, `?preview=h264|vp9` for
// its cached preview): files are found by numeric id through resolveMedia (which confines them to the
// thumbnail cache and enabled roots); nothing from the request is a path. Range requests are answered
// by main/media/http-range.ts, the same code the Electron protocol handler uses, so <video> seeks.
import { createReadStream, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { resolveMedia } from '../library/media';
import type { AppContext } from '../service/context';
import { sendError, sendFailure } from './http-util';
import { AppError } from '../../shared/errors';
import { rangeReply } from '../media/http-range';
import { PREVIEW_CODECS, type PreviewCodec } from '../../shared/video';

export const MEDIA_KINDS = ['thumb', 'preview', 'photo', 'media'] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number];

/** '/thumb/12' → {kind:'thumb', id:12}; anything else (including '/thumb/..%2f', '/thumb/1x') → null. */
export function parseMediaPath(pathname: string): { kind: MediaKind; id: number } | { kind: MediaKind; id: null } | null {
  const m = /^\/(thumb|preview|photo|media)\/(.*)$/.exec(pathname);
  if (!m) return null;
  const kind = m[1] as MediaKind;
  const id = /^[1-9]\d{0,15}$/.test(m[2]!) ? Number(m[2]) : NaN;
  return { kind, id: Number.isSafeInteger(id) ? id : null };
}

export function isMediaPath(pathname: string): boolean {
  return /^\/(thumb|preview|photo|media)(\/|$)/.test(pathname);
}

function previewParam(url: URL | undefined): PreviewCodec | undefined | null {
  const v = url?.searchParams.get('preview');
  if (v === null || v === undefined) return undefined;
  return (PREVIEW_CODECS as readonly string[]).includes(v) ? (v as PreviewCodec) : null;
}

export async function handleMedia(req: IncomingMessage, res: ServerResponse, ctx: AppContext, pathname: string, url?: URL): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') { sendError(res, 405, 'Media is read with GET'); return; }
  const notFound = () => sendFailure(res, new AppError('not_found', 'Not found'), ctx.log, pathname);
  const parsed = parseMediaPath(pathname);
  if (!parsed || parsed.id === null) { notFound(); return; }
  const preview = previewParam(url);
  if (preview === null) { sendFailure(res, new AppError('input', 'preview must be one of h264, vp9'), ctx.log, pathname); return; }
  const media = await resolveMedia(ctx, parsed.kind, parsed.id, parsed.kind === 'media' ? preview : undefined);
  if (!media) { notFound(); return; }
  let stat;
  try { stat = statSync(media.file); } catch { notFound(); return; }
  const etag = `"${stat.size.toString(36)}-${Math.round(stat.mtimeMs).toString(36)}"`;
  res.setHeader('ETag', etag);
  res.setHeader('Cache-Control', 'private, no-cache');
  if (req.headers['if-none-match'] === etag) { res.statusCode = 304; res.end(); return; }
  // If-Range: a range of a file that changed since the client's copy would mix two files.
  const ifRange = req.headers['if-range'];
  const range = ifRange && ifRange !== etag ? undefined : req.headers.range;
  const reply = rangeReply(range, stat.size);
  res.statusCode = reply.status;
  for (const [k, v] of Object.entries(reply.headers)) res.setHeader(k, v);
  if (reply.status === 416) { res.end(); return; }
  res.setHeader('Content-Type', media.mime);
  if (req.method === 'HEAD' || !reply.slice) { res.end(); return; }
  const stream = createReadStream(media.file, { start: reply.slice.start, end: reply.slice.end });
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}
