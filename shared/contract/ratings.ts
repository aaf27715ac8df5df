// Ratings and favourites (issue 10, item 6): a person's 0–5 stars and favourite flag per photo, kept
// over what the file says (xmp:Rating) by the one source priority. Labels come from files.
import { z } from 'zod';
import { method } from '../define';
import { photoId } from './library';
import type { PhotoRating } from '../types';

export const starRating = z.number().int().min(0, 'rating is 0–5 stars').max(5, 'rating is 0–5 stars');

export const ratingMethods = {
  /**
   * Sets a person's rating and/or favourite flag on photos; null withdraws the person's choice, so
   * the file's own rating (if any) shows again. Returns the photos' effective values.
   */
  'photos.rate': method<PhotoRating[]>()(z.object({
    ids: z.array(photoId).min(1, 'no photos given').max(10_000),
    rating: starRating.nullable().optional(),
    favourite: z.boolean().nullable().optional(),
  }).strict().refine((v) => v.rating !== undefined || v.favourite !== undefined, 'give a rating or a favourite flag')),
};
