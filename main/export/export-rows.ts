// What an export writes per photo: effective caption (user > xmp > ai) with its provenance, the
// photo's tags (highest-priority source first), date, camera, GPS and place — one streamed SQL query.
import type { Db } from '../db/connection';
import type { MediaKind, PhotoStatus, PlaceSource, Provenance } from '../../shared/types';
import { MEDIA_COLUMNS, mediaKindOf, type MediaColumns } from '../media/video/summary';
import { absolutePath } from '../library/repo';
import { sourceRankSql } from '../db/source-rank';

export interface ExportRow {
  id: number;
  rootId: number;
  rootPath: string;
  relPath: string;
  path: string;
  status: PhotoStatus;
  caption: string | null;
  source: Provenance | null;
  model: string | null;
  tags: string[];
  takenAt: string | null;
  camera: string | null;
  lat: number | null;
  lon: number | null;
  /** Effective stars; null when neither a person nor the file rated the photo. */
  rating: number | null;
  label: string | null;
  /** Where it was taken (photo_places): GPS-derived or set by a person. */
  place: { source: PlaceSource; lat: number; lon: number; city: string | null; region: string | null; countryCode: string | null } | null;
  /** Photo, video or Live Photo, and a clip's length in ms (null for stills). */
  mediaType: MediaKind;
  durationMs: number | null;
}

interface Raw {
  id: number; root_id: number; root_path: string; rel_path: string; status: PhotoStatus; caption: string | null;
  source: Provenance | null; model: string | null; tags: string; taken_at: string | null; camera: string; lat: number | null; lon: number | null;
  rating: number; rated: number; label: string | null;
  pl_source: PlaceSource | null; pl_lat: number | null; pl_lon: number | null; city: string | null; region: string | null; country_code: string | null;
}
type RawRow = Raw & MediaColumns;

export function* exportRows(db: Db, photoIds?: readonly number[]): Generator<ExportRow> {
  const filter = photoIds ? 'WHERE p.id IN (SELECT value FROM json_each(?))' : '';
  const stmt = db.prepare(`
    SELECT p.id, p.root_id, r.path AS root_path, p.rel_path, p.status, c.text AS caption, c.source, c.model,
           (SELECT json_group_array(name) FROM (
              SELECT t.name FROM photo_tags pt JOIN tags t ON t.id = pt.tag_id WHERE pt.photo_id = p.id
              GROUP BY t.id ORDER BY min(${sourceRankSql('pt.source')}), min(pt.rowid))) AS tags,
           p.taken_at, trim(COALESCE(p.camera_make, '') || ' ' || COALESCE(p.camera_model, '')) AS camera, p.lat, p.lon,
           p.rating, EXISTS (SELECT 1 FROM photo_ratings pr WHERE pr.photo_id = p.id AND pr.stars IS NOT NULL) AS rated, p.label,
           pl.source AS pl_source, pl.lat AS pl_lat, pl.lon AS pl_lon, pl.city, pl.region, pl.country_code, ${MEDIA_COLUMNS}
    FROM photos p JOIN roots r ON r.id = p.root_id LEFT JOIN photo_places pl ON pl.photo_id = p.id
    LEFT JOIN captions c ON c.id = (SELECT c2.id FROM captions c2 WHERE c2.photo_id = p.id ORDER BY ${sourceRankSql('c2.source')} LIMIT 1)
    ${filter}
    ORDER BY p.root_id, p.rel_path`);
  const rows = (photoIds ? stmt.iterate(JSON.stringify(photoIds)) : stmt.iterate()) as IterableIterator<RawRow>;
  for (const r of rows) {
    yield {
      id: r.id, rootId: r.root_id, rootPath: r.root_path, relPath: r.rel_path, path: absolutePath(r.root_path, r.rel_path),
      status: r.status, caption: r.caption, source: r.source, model: r.model, tags: JSON.parse(r.tags) as string[],
      takenAt: r.taken_at, camera: r.camera || null, lat: r.lat, lon: r.lon,
      rating: r.rated ? r.rating : null, label: r.label,
      place: r.pl_source ? { source: r.pl_source, lat: r.pl_lat!, lon: r.pl_lon!, city: r.city, region: r.region, countryCode: r.country_code } : null,
      mediaType: mediaKindOf(r), durationMs: r.duration_ms,
    };
  }
}
