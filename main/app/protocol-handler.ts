// The smolalbum:// request handler as a plain (Request) => Response function, so Node tests drive the
// exact code Electron's protocol.handle runs. Files are streamed, never buffered whole (photos are big),
// and Range requests get the same answers as web mode (main/media/http-range.ts), so <video> seeks.
import path from 'node:path';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { AppContext } from '../service/context';
import { confineToRoots, parseProtocolUrl, resolveInside, type MediaKind } from './protocol-paths';
import { securityHeaders } from './security';
import { rangeReply } from '../media/http-range';
import type { PreviewCodec } from '../../shared/video';

export interface MediaFile { file: string; mime: string }

export interface ProtocolDeps {
  /** The built renderer (out/renderer). */
  rendererDir: string;
  /** LIB's resolveMedia: id → file on disk, or null for an unknown id. */
  resolveMedia(kind: MediaKind, id: number, preview?: PreviewCodec): MediaFile | null | Promise<MediaFile | null>;
  /** Folders media may come from: the enabled library roots and the thumbnail cache. */
  allowedRoots(): readonly string[];
  log?(msg: string): void;
}

const APP_MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

/** Enabled library roots plus the thumbnail cache (the only places media may be served from). */
export function mediaRoots(ctx: AppContext): string[] {
  const rows = ctx.db.prepare('SELECT path FROM roots WHERE enabled = 1').all() as { path: string }[];
  return [...rows.map((r) => r.path), ctx.paths.thumbs];
}

function textResponse(status: number, text: string): Response {
  return new Response(text, { status, headers: { ...securityHeaders(), 'Content-Type': 'text/plain; charset=utf-8' } });
}

async function fileResponse(file: string, mime: string, head: boolean, cache: string, range: string | null = null): Promise<Response> {
  const st = await stat(file);
  if (!st.isFile()) return textResponse(404, 'Not found');
  const reply = rangeReply(range, st.size);
  if (reply.status === 416) return new Response(null, { status: 416, headers: { ...securityHeaders(), ...reply.headers } });
  const headers = { ...securityHeaders(), ...reply.headers, 'Content-Type': mime, 'Cache-Control': cache };
  if (head || !reply.slice) return new Response(null, { status: reply.status, headers });
  const body = Readable.toWeb(createReadStream(file, { start: reply.slice.start, end: reply.slice.end })) as ReadableStream<Uint8Array>;
  return new Response(body, { status: reply.status, headers });
}

export function createProtocolHandler(deps: ProtocolDeps): (req: Request) => Promise<Response> {
  return async (req) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return textResponse(405, 'Method not allowed');
    const head = req.method === 'HEAD';
    const target = parseProtocolUrl(req.url);
    try {
      if (target.kind === 'invalid') {
        deps.log?.(`protocol: refused ${req.url}: ${target.reason}`);
        return textResponse(400, target.reason);
      }
      if (target.kind === 'app') {
        const file = await resolveInside(deps.rendererDir, target.relPath);
        if (!file) return textResponse(404, 'Not found');
        const mime = APP_MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
        return await fileResponse(file, mime, head, 'no-cache');
      }
      const media = await deps.resolveMedia(target.kind, target.id, target.preview);
      if (!media) return textResponse(404, `No ${target.kind} for id ${target.id}`);
      const file = await confineToRoots(media.file, deps.allowedRoots());
      if (!file) {
        deps.log?.(`protocol: refused ${target.kind}/${target.id}: ${media.file} is outside the library roots`);
        return textResponse(403, 'Outside the library');
      }
      return await fileResponse(file, media.mime, head, 'no-cache', req.headers.get('range'));
    } catch (err) {
      deps.log?.(`protocol: ${req.url}: ${(err as Error).message}`);
      return textResponse(500, 'Could not read the file');
    }
  };
}
