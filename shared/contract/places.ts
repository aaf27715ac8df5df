// Places (issue 11): the places tree, the photos of a place, the map's clusters, choosing a city by
// name and setting a photo's place by hand.
import { z } from 'zod';
import { method } from '../define';
import { photoId } from './library';
import type { CityChoice, MapClusters, PhotoPage, PhotoPlace, PlaceCount } from '../types';

const countryCode = z.string().regex(/^[A-Za-z]{2}$/, 'expected a 2-letter country code').transform((s) => s.toUpperCase());
const name = z.string().trim().min(1).max(200);

/** Where a photo should be: a city of the gazetteer (by id or "Kyoto, JP"), the place of another photo, or null to forget a place set by hand. */
export const placeTarget = z.union([
  z.object({ cityId: z.number().int().min(0) }).strict(),
  z.object({ city: name }).strict(),
  z.object({ samePhotoId: photoId }).strict(),
  z.null(),
]);
export type PlaceTarget = z.infer<typeof placeTarget>;

export const placeMethods = {
  /** One level of the places tree: countries; the regions of `country`; the cities of `country` + `region`. */
  'places.list': method<PlaceCount[]>()(z.object({
    country: countryCode.optional(),
    region: z.string().max(200).nullable().optional(),
  }).strict().refine((v) => v.region === undefined || v.country !== undefined, 'region needs country')),
  /** Every (country, region, city) with its photo count. */
  'places.tree': method<PlaceCount[]>()(z.object({}).strict()),
  /** Cities whose name starts with `query` (", region" / ", country" narrow it), biggest first. */
  'places.cities': method<CityChoice[]>()(z.object({ query: z.string().max(200), limit: z.number().int().min(1).max(50).default(10) }).strict()),
  /** Sets (or, with `to: null`, forgets) the place a person chose for photos; it wins over GPS. */
  'places.set': method<{ updated: number; place: PhotoPlace | null }>()(z.object({
    photoIds: z.array(photoId).min(1).max(10_000),
    to: placeTarget,
  }).strict()),
  /** The photos of a place (or of a map cluster), newest first. */
  'places.photos': method<PhotoPage>()(z.object({
    country: countryCode.optional(),
    region: z.string().max(200).nullable().optional(),
    city: z.string().max(200).optional(),
    cluster: z.object({ version: z.number().int().min(0), id: z.number().int().min(0) }).strict().optional(),
    cursor: z.string().optional(),
    limit: z.number().int().min(1).max(1000).default(200),
  }).strict().refine((v) => v.cluster !== undefined || v.country !== undefined, 'a place (country) or a map cluster is needed')),
  /** Map markers inside [west, south, east, north] at a zoom level. */
  'places.map': method<MapClusters>()(z.object({
    bbox: z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90), z.number().min(-180).max(180), z.number().min(-90).max(90)]),
    zoom: z.number().min(0).max(24),
  }).strict()),
};
