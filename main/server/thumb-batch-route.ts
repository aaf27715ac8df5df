// GET /api/thumbs?ids=1,2,3: the grid's thumbnails in one answer (format and why: shared/thumb-batch.ts).
// Each id goes through resolveMedia like GET /thumb/:id, so the same files and only those are served.
import { readFile } from 'node:fs/promises';
import type { Route } from './routes';
import { resolveMedia } from '../library/media';
import { sendFailure } from './http-util';
import { AppError } from '../../shared/errors';
import { THUMB_BATCH_MAX, parseThumbIds, thumbBatchHead, type ThumbBatchEntry } from '../../shared/thumb-batch';

export function thumbBatchRoute(): Route {
  return {
    method: 'GET',
    path: '/api/thumbs',
    async handle(_req, res, { ctx, url }) {
      const ids = parseThumbIds(url.searchParams.get('ids') ?? '');
      if (!ids) {
        sendFailure(res, new AppError('input', `ids must be 1 to ${THUMB_BATCH_MAX} photo ids separated by commas`), ctx.log, url.pathname);
        return;
      }
      const found = await Promise.all(ids.map(async (id) => {
        const media = await resolveMedia(ctx, 'thumb', id);
        if (!media) return null;
        // A thumbnail removed since (the cache was cleared): left out like one never made.
        try { return { id, mime: media.mime, bytes: await readFile(media.file) }; } catch { return null; }
      }));
      const images = found.filter((f) => f !== null);
      const entries: ThumbBatchEntry[] = images.map((f) => ({ id: f.id, mime: f.mime, length: f.bytes.length }));
      const body = Buffer.concat([thumbBatchHead(entries), ...images.map((f) => f.bytes)]);
      res.statusCode = 200;
      res.setHeader('Content-Type', 'application/octet-stream');
      res.setHeader('Cache-Control', 'no-store');
      res.setHeader('Content-Length', body.length);
      res.end(body);
    },
  };
}
