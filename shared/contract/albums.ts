// Albums: manual, smart (saved rule), auto (top tags, year/month) and possible duplicates.
import { z } from 'zod';
import { method } from '../define';
import { photoId } from './library';
import { ruleGroup } from '../rules';
import type { PhotoSummary } from '../types';

export type AlbumKind = 'manual' | 'smart' | 'auto';

export interface Album {
  /** Positive for stored albums; auto albums have string keys like "tag:beach" or "month:2024-07". */
  id: number | string;
  name: string;
  kind: AlbumKind;
  rule: unknown | null;
  /** Exact up to COUNT_CAP photos; beyond it COUNT_CAP with `countCapped` (shown as "10,000+"). */
  count: number;
  countCapped: boolean;
  coverId: number | null;
  createdAt: string | null;
}

export interface DuplicateGroup {
  photos: PhotoSummary[];
  distance: number;
}

const albumRef = z.union([z.number().int().positive(), z.string().min(1)]);

export const albumMethods = {
  'albums.list': method<Album[]>()(z.object({ includeAuto: z.boolean().default(true) }).strict()),
  'albums.create': method<Album>()(z.object({
    name: z.string().trim().min(1, 'album name is empty').max(200),
    rule: ruleGroup.optional(),
  }).strict()),
  'albums.rename': method<Album>()(z.object({ id: z.number().int().positive(), name: z.string().trim().min(1).max(200) }).strict()),
  'albums.update': method<Album>()(z.object({ id: z.number().int().positive(), rule: ruleGroup }).strict()),
  'albums.remove': method<{ removed: boolean }>()(z.object({ id: z.number().int().positive() }).strict()),
  'albums.get': method<Album>()(z.object({ id: albumRef }).strict()),
  'albums.photos': method<{ items: PhotoSummary[]; total: number; totalCapped: boolean; nextCursor: string | null }>()(z.object({
    id: albumRef,
    cursor: z.string().optional(),
    limit: z.number().int().min(1).max(1000).default(200),
  }).strict()),
  'albums.addPhotos': method<Album>()(z.object({ id: z.number().int().positive(), photoIds: z.array(photoId).min(1) }).strict()),
  'albums.removePhotos': method<Album>()(z.object({ id: z.number().int().positive(), photoIds: z.array(photoId).min(1) }).strict()),
  /** Count of photos a rule matches, for the rule builder's live preview. */
  'albums.preview': method<{ count: number; countCapped: boolean }>()(z.object({ rule: ruleGroup }).strict()),
  'photos.duplicates': method<DuplicateGroup[]>()(z.object({ maxDistance: z.number().int().min(0).max(16).default(6) }).strict()),
};
