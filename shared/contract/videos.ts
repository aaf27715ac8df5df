// Video methods (issue 12 "Videos in the library").
import { z } from 'zod';
import { method } from '../define';
import { photoId } from './library';
import { PREVIEW_CODECS, type PreviewCodec } from '../video';

export interface VideoPreviewResult {
  id: number;
  codec: PreviewCodec;
  /** Bytes of the cached preview. */
  bytes: number;
}

export const videoMethods = {
  /**
   * Makes (once, cached) a 720p copy of a clip the player cannot play, in the codec the player
   * asks for; resolves when it can be played from /media/:id?preview=CODEC. Progress: `video.preview`.
   */
  'videos.preview': method<VideoPreviewResult>()(z.object({ id: photoId, codec: z.enum(PREVIEW_CODECS) }).strict()),
};
