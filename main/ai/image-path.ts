// Which file the engine reads for a photo's caption: the preview the indexer already made
// (EXIF-rotated, small, any source format decoded), else the original.
import type { AppContext } from '../service/context';
import { resolveMedia } from '../library/media';

export function captionImagePath(ctx: AppContext, photoId: number, original: string): string {
  return resolveMedia(ctx, 'preview', photoId)?.file ?? original;
}
