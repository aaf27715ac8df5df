// Library methods: roots, scanning, browsing and search (issue "Foundation and photo library core").
import { z } from 'zod';
import { method } from '../define';
import type {
  LibraryStatus, PhotoDetail, PhotoPage, Root, ScanSummary, SearchResult,
} from '../types';
import { MEDIA_KINDS } from '../types';

export const photoId = z.number().int().positive();
export const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD');
const absPath = z.string().min(1, 'path is empty').max(4096, 'path is too long');

export const searchFilters = z.object({
  tag: z.string().min(1).optional(),
  camera: z.string().min(1).optional(),
  folder: z.string().min(1).optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
  hasGps: z.boolean().optional(),
  /** At least this many stars. */
  minRating: z.number().int().min(1).max(5).optional(),
  favourite: z.boolean().optional(),
  /** Label, case-insensitive (e.g. "Red"). */
  label: z.string().min(1).optional(),
  /** Words of a place name (city, region, country in English or Chinese), each by prefix. */
  place: z.string().min(1).optional(),
  /** Only photos decoded in part (a truncated or corrupt file), or none of them. */
  damaged: z.boolean().optional(),
  /** Photos, videos or Live Photos (issue 12). */
  mediaType: z.enum(MEDIA_KINDS).optional(),
  /** Length of a video (or a Live Photo's motion) in seconds, inclusive; stills have none. */
  minDuration: z.number().min(0).optional(),
  maxDuration: z.number().min(0).optional(),
}).strict();
export type SearchFilters = z.infer<typeof searchFilters>;

export const libraryMethods = {
  'roots.list': method<Root[]>()(z.object({}).strict()),
  /**
   * Adds a folder and starts scanning it in the background (progress and photos arrive as events);
   * `scan: false` for a caller that runs the scan itself (the CLI's `index`).
   */
  'roots.add': method<Root>()(z.object({ path: absPath, scan: z.boolean().default(true) }).strict()),
  'roots.remove': method<{ removed: boolean }>()(z.object({ id: z.number().int().positive() }).strict()),
  /** Scan all roots (or one); resolves when metadata and thumbnails are done. */
  'library.rescan': method<ScanSummary>()(z.object({ rootId: z.number().int().positive().optional() }).strict()),
  'library.status': method<LibraryStatus>()(z.object({}).strict()),
  /** Newest first, grouped by month; cursor is opaque. `offset` starts the page at that position of
   *  the listing instead (a jump deep into the grid without paging through everything before it). */
  'photos.list': method<PhotoPage>()(z.object({
    cursor: z.string().optional(),
    offset: z.number().int().min(0).optional(),
    limit: z.number().int().min(1).max(1000).default(200),
    albumId: z.number().int().positive().optional(),
  }).strict()),
  'photos.get': method<PhotoDetail>()(z.object({ id: photoId }).strict()),
  'photos.search': method<SearchResult>()(z.object({
    query: z.string().max(500).default(''),
    filters: searchFilters.default({}),
    limit: z.number().int().min(1).max(1000).default(100),
    cursor: z.string().optional(),
  }).strict()),
};
