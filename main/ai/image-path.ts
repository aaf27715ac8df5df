// Which file the engine reads for a photo's caption. The engine reads at tile size straight from
// the original (JPEG shrinks on load), so no preview is needed for it; formats that are slow to
// decode or that the inference process cannot read itself (HEIC/HEIF, camera RAW previews read by
// ExifTool in this process) go through the cached 1600 px preview, made once and shared with the
// detail view.
import type { AppContext } from '../service/context';
import { resolveMedia } from '../library/media';
import { isRawFormat } from '../../shared/media';
import { cachedStatement } from '../db/statements';

export async function captionImagePath(ctx: AppContext, photoId: number, original: string): Promise<string> {
  const row = cachedStatement(ctx.db, 'SELECT format FROM photos WHERE id = ?').get(photoId) as { format: string | null } | undefined;
  const format = row?.format ?? null;
  if (format !== 'heic' && format !== 'heif' && !isRawFormat(format)) return original;
  return (await resolveMedia(ctx, 'preview', photoId))?.file ?? original;
}
