// AI indexing: queue control, provenance-aware edits (issue "AI indexing").
import { z } from 'zod';
import { method } from '../define';
import { photoId } from './library';
import type { AiStatus, PhotoDetail } from '../types';

const tagName = z.string().trim().min(1, 'tag is empty').max(100, 'tag is too long');

export const aiMethods = {
  'ai.status': method<AiStatus>()(z.object({}).strict()),
  'ai.start': method<AiStatus>()(z.object({}).strict()),
  'ai.pause': method<AiStatus>()(z.object({}).strict()),
  'ai.cancel': method<AiStatus>()(z.object({}).strict()),
  /** Re-caption photos (all, or those matching a search query) with the given/configured model. */
  'ai.rerun': method<{ queued: number }>()(z.object({
    model: z.string().min(1).optional(),
    query: z.string().optional(),
  }).strict()),
  'photos.setCaption': method<PhotoDetail>()(z.object({ id: photoId, text: z.string().max(10_000) }).strict()),
  'photos.addTags': method<PhotoDetail>()(z.object({ id: photoId, tags: z.array(tagName).min(1) }).strict()),
  'photos.removeTags': method<PhotoDetail>()(z.object({ id: photoId, tags: z.array(tagName).min(1) }).strict()),
};
