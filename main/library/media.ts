// Which file to serve for a photo id (web server, Electron protocol). By id only: a request can
// never name a path, and an original is served only while it still lies inside an enabled root.
// The 1600 px preview is made here on first request (scans make only the grid thumbnail); until it
// exists, or when the original cannot be read, the grid thumbnail answers instead.
import { existsSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import type { AppContext } from '../service/context';
import { ensurePreview, thumbFiles } from './thumbs';
import { absolutePath, HAS_THUMB_SQL } from './repo';
import { FORMAT_MIME, isVideoFormat, type MediaFormat } from '../../shared/media';
import { playbackMime } from '../media/video/formats';
import { motionClipId, previewFile } from '../media/video/preview-files';
import type { PreviewCodec } from '../../shared/video';
import { cachedStatement } from '../db/statements';

/** `media`: a video's clip (or a Live Photo's motion) for the player, original or cached preview. */
export type MediaKind = 'thumb' | 'preview' | 'photo' | 'media';

export interface MediaFile {
  file: string;
  mime: string;
}

interface MediaRow {
  content_hash: string | null;
  format: MediaFormat | null;
  rel_path: string;
  root_path: string;
  enabled: number;
  thumb_done: number;
}

export async function resolveMedia(ctx: AppContext, kind: MediaKind, id: number, preview?: PreviewCodec): Promise<MediaFile | null> {
  if (!Number.isInteger(id) || id <= 0) return null;
  if (kind === 'media') {
    const clip = motionClipId(ctx.db, id);
    if (clip === null) return null;
    return preview ? previewFile(ctx, clip, preview) : resolveMedia(ctx, 'photo', clip);
  }
  // Cached: asked once per thumbnail (a batch of 100 for a grid page, main/server/thumb-batch-route.ts).
  const row = cachedStatement(ctx.db, `SELECT p.content_hash, p.format, p.rel_path, r.path AS root_path, r.enabled,
      ${HAS_THUMB_SQL} AS thumb_done
    FROM photos p JOIN roots r ON r.id = p.root_id WHERE p.id = ?`).get(id) as MediaRow | undefined;
  if (!row) return null;
  if (kind === 'thumb' || kind === 'preview') {
    if (!row.content_hash || !row.thumb_done) return null;
    const files = thumbFiles(ctx.paths.thumbs, row.content_hash);
    if (kind === 'preview') {
      // A video's detail plays the clip: its preview image is the poster (the grid thumbnail).
      const original = row.format && isVideoFormat(row.format) ? null : originalFile(row);
      if (existsSync(files.preview)) return { file: files.preview, mime: 'image/webp' };
      if (original) {
        try {
          return { file: await ensurePreview(ctx.paths.thumbs, row.content_hash, original, { format: row.format ?? undefined }), mime: 'image/webp' };
        } catch { /* unreadable now (a damaged tail, gone offline): the grid thumbnail will do */ }
      }
    }
    return existsSync(files.grid) ? { file: files.grid, mime: 'image/webp' } : null;
  }
  const real = originalFile(row);
  if (!real || !row.format) return null;
  const mime = isVideoFormat(row.format) ? playbackMime(row.format) : FORMAT_MIME[row.format];
  return { file: real, mime: mime ?? 'application/octet-stream' };
}

/** The original's real path while it lies inside its enabled root, else null. */
function originalFile(row: MediaRow): string | null {
  if (!row.enabled || !row.format) return null;
  try {
    const rootReal = realpathSync(row.root_path);
    const real = realpathSync(absolutePath(row.root_path, row.rel_path));
    const rel = path.relative(rootReal, real);
    if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) return null;
    if (!statSync(real).isFile()) return null;
    return real;
  } catch {
    return null;
  }
}
