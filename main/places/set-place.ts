// Setting a place by hand (for photos without GPS, or to correct one): a city of the gazetteer, or
// "same place as" another photo. Stored as source 'user' with the city's coordinates; it wins over
// GPS and survives rescans. Clearing it lets the photo's GPS decide again.
import type { AppContext } from '../service/context';
import { AppError } from '../../shared/errors';
import type { PlaceTarget } from '../../shared/contract/places';
import type { PhotoPlace } from '../../shared/types';
import { geocoder } from './geocoder';
import { placesCacheDir } from './cache-dir';
import { clearUserPlace, writePlace, type PlaceFields } from './place-writes';
import { photoPlace } from './place-queries';
import { runPlacesStage } from './stage';
import { serialise } from '../library/state';

function resolveTarget(ctx: AppContext, to: NonNullable<PlaceTarget>): PlaceFields & { version: string } {
  if ('samePhotoId' in to) {
    const other = photoPlace(ctx.db, to.samePhotoId);
    if (!other) throw new AppError('not_found', `photo #${to.samePhotoId} has no place to copy`);
    const version = (ctx.db.prepare('SELECT data_version FROM photo_places WHERE photo_id = ?').get(to.samePhotoId) as { data_version: string }).data_version;
    return { lat: other.lat, lon: other.lon, city: other.city, region: other.region, countryCode: other.countryCode, version };
  }
  const geo = geocoder(placesCacheDir(ctx));
  const city = 'cityId' in to ? geo.city(to.cityId) : geo.search(to.city, 1)[0] ?? null;
  if (!city) throw new AppError('not_found', 'cityId' in to ? `no city #${to.cityId} in the places data` : `no city matches "${to.city}"`);
  return { lat: city.lat, lon: city.lon, city: city.city, region: city.region, countryCode: city.countryCode, version: geo.version };
}

export async function setPlace(ctx: AppContext, photoIds: readonly number[], to: PlaceTarget): Promise<{ updated: number; place: PhotoPlace | null }> {
  const db = ctx.db;
  const exists = db.prepare('SELECT 1 FROM photos WHERE id = ?');
  const missing = photoIds.find((id) => !exists.get(id));
  if (missing !== undefined) throw new AppError('not_found', `No photo #${missing}`);
  if (to === null) {
    const cleared = db.transaction(() => clearUserPlace(db, photoIds))();
    // The GPS place (if any) comes back now, through the same stage as indexing (one at a time with scans).
    if (cleared.length) {
      await serialise(ctx, () => runPlacesStage(ctx));
      ctx.events.emit('library.changed', { photoIds: cleared });
    }
    return { updated: cleared.length, place: null };
  }
  const target = resolveTarget(ctx, to);
  const { version, ...fields } = target;
  const updated = db.transaction(() => photoIds.filter((id) => writePlace(db, id, 'user', fields, version)).length)();
  ctx.events.emit('library.changed', { photoIds: [...photoIds] });
  return { updated, place: { source: 'user', ...fields } };
}
