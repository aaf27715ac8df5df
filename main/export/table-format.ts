// CSV (RFC 4180) and JSONL renderings of export rows: path, caption, tags, source, model, taken
// date, camera, GPS, place (city, region, country code), and photo/video/Live Photo with a clip's length.
import type { ExportRow } from './export-rows';

const HEADER = ['path', 'caption', 'tags', 'source', 'model', 'taken_at', 'camera', 'lat', 'lon', 'city', 'region', 'country', 'media_type', 'duration_s'];

/** A clip's length in seconds, to the millisecond; null for stills. */
const seconds = (ms: number | null): number | null => (ms === null ? null : ms / 1000);

function csvField(v: string | number | null): string {
  if (v === null) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) || /^\s|\s$/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** Tags are joined with "; " in one cell (commas are common inside captions, rarer as separators). */
export function csvTable(rows: readonly ExportRow[]): string {
  const lines = [HEADER.join(',')];
  for (const r of rows) {
    lines.push([r.path, r.caption, r.tags.join('; '), r.source, r.model, r.takenAt, r.camera, r.lat, r.lon,
      r.place?.city ?? null, r.place?.region ?? null, r.place?.countryCode ?? null, r.mediaType, seconds(r.durationMs)].map(csvField).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

export function jsonlTable(rows: readonly ExportRow[]): string {
  return rows.map((r) => JSON.stringify({
    path: r.path,
    caption: r.caption,
    tags: r.tags,
    source: r.source,
    model: r.model,
    takenAt: r.takenAt,
    camera: r.camera,
    gps: r.lat !== null && r.lon !== null ? { lat: r.lat, lon: r.lon } : null,
    city: r.place?.city ?? null,
    region: r.place?.region ?? null,
    country: r.place?.countryCode ?? null,
    mediaType: r.mediaType,
    durationS: seconds(r.durationMs),
  })).join('\n') + (rows.length ? '\n' : '');
}
