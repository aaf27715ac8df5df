// Photo metadata with exifr: date taken (with its UTC offset when the camera recorded one), camera,
// lens, GPS, orientation, dimensions, and existing XMP/IPTC description and keywords.
import exifr from 'exifr';
import type { Metadata as SharpMetadata } from 'sharp';

export interface EmbeddedText {
  title?: string;
  description?: string;
  keywords?: string[];
}

export interface PhotoMeta {
  /** Displayed size: already swapped for orientations 5–8. */
  width: number | null;
  height: number | null;
  orientation: number | null;
  /** ISO-8601; with an offset when the file says one (OffsetTimeOriginal), else local wall-clock time. */
  takenAt: string | null;
  cameraMake: string | null;
  cameraModel: string | null;
  lens: string | null;
  lat: number | null;
  lon: number | null;
  /** XMP / IPTC / EXIF description and keywords, kept for the AI area to import (source 'xmp'). */
  embedded: EmbeddedText | null;
}

type Tags = Record<string, unknown>;

// exifr options are reused objects (exifr caches parsed options per object).
const FULL = {
  tiff: true, exif: true, gps: true, xmp: true, iptc: true, icc: false, ifd1: false, jfif: false,
  ihdr: false, interop: false, makerNote: false, userComment: false,
  reviveValues: false, translateValues: false, translateKeys: true, mergeOutput: true, silentErrors: true,
};
// exifr's IPTC reader fails on some TIFF layouts; retry without it.
const NO_IPTC = { ...FULL, iptc: false };

async function tryParse(input: Buffer, options: object): Promise<Tags | null> {
  try {
    const out = (await exifr.parse(input, options)) as Tags | undefined;
    if (!out) return null;
    if (Array.isArray(out.errors) && out.errors.length) return null;
    return out;
  } catch {
    return null;
  }
}

async function readTags(buf: Buffer, meta: SharpMetadata): Promise<Tags> {
  let tags = (await tryParse(buf, FULL)) ?? (await tryParse(buf, NO_IPTC));
  // Formats exifr can't open (WebP, GIF): parse the EXIF block libvips extracted.
  if (!tags && meta.exif) {
    const exif = meta.exif.subarray(0, 6).toString('latin1') === 'Exif\0\0' ? meta.exif.subarray(6) : meta.exif;
    tags = await tryParse(exif, NO_IPTC);
  }
  tags ??= {};
  if (meta.xmp && tags.description === undefined && tags.subject === undefined && tags.title === undefined) {
    try {
      const xmp = (await exifr.sidecar(meta.xmp, { xmp: true, mergeOutput: true })) as Tags | undefined;
      const dc = (xmp?.dc ?? xmp) as Tags | undefined;
      if (dc) Object.assign(tags, { description: dc.description, subject: dc.subject, title: dc.title });
    } catch { /* unreadable XMP: nothing to keep */ }
  }
  return tags;
}

export async function readPhotoMeta(buf: Buffer, meta: SharpMetadata): Promise<PhotoMeta> {
  const tags = await readTags(buf, meta);
  // What sharp's rotate() will apply. HEIF/AVIF carry rotation in their own boxes and must ignore
  // the EXIF tag (exiftool happily writes one), so only libvips' reading counts there.
  const orientation = validOrientation(meta.orientation) ?? (meta.format === 'heif' ? null : validOrientation(tags.Orientation));
  const swap = orientation !== null && orientation >= 5;
  const w = meta.width ?? null;
  const h = meta.height ?? null;
  const [lat, lon] = gps(tags);
  return {
    width: swap ? h : w,
    height: swap ? w : h,
    orientation,
    takenAt: takenAt(tags),
    cameraMake: text(tags.Make),
    cameraModel: text(tags.Model),
    lens: text(tags.LensModel) ?? text(tags.Lens),
    lat, lon,
    embedded: embeddedText(tags),
  };
}

function validOrientation(v: unknown): number | null {
  return typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 8 ? v : null;
}

function text(v: unknown): string | null {
  if (typeof v !== 'string') return null;
  const s = v.replaceAll('\u0000', '').trim();
  return s ? s : null;
}

const DATE_RE = /^(\d{4})[:-](\d{2})[:-](\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?(?:[.,]\d+)?\s*(Z|[+-]\d{2}:?\d{2})?$/;
const OFFSET_RE = /^([+-])(\d{2}):?(\d{2})$/;

/** EXIF dates are wall-clock; the offset comes from OffsetTimeOriginal (EXIF 2.31) when present. */
export function takenAt(tags: Tags): string | null {
  const pairs: [unknown, unknown][] = [
    [tags.DateTimeOriginal, tags.OffsetTimeOriginal],
    [tags.CreateDate, tags.OffsetTimeDigitized],
    [tags.DateTimeDigitized, tags.OffsetTimeDigitized],
  ];
  for (const [value, offset] of pairs) {
    const iso = normaliseDate(value, offset);
    if (iso) return iso;
  }
  return null;
}

export function normaliseDate(value: unknown, offset?: unknown): string | null {
  if (typeof value !== 'string') return null;
  const m = DATE_RE.exec(value.trim());
  if (!m) return null;
  const [, y, mo, d, hh, mm, ss = '00', inlineZone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (year < 1800 || month < 1 || month > 12 || day < 1 || day > 31 || Number(hh) > 23 || Number(mm) > 59 || Number(ss) > 59) return null;
  const wall = `${y}-${mo}-${d}T${hh}:${mm}:${ss}`;
  const zone = zoneSuffix(offset) ?? zoneSuffix(inlineZone);
  return zone ? `${wall}${zone}` : wall;
}

function zoneSuffix(v: unknown): string | null {
  if (typeof v !== 'string') return null;
  const s = v.trim();
  if (s === 'Z') return 'Z';
  const m = OFFSET_RE.exec(s);
  if (!m) return null;
  const hours = Number(m[2]);
  const mins = Number(m[3]);
  if (hours > 14 || mins > 59) return null;
  return `${m[1]}${m[2]}:${m[3]}`;
}

function gps(tags: Tags): [number | null, number | null] {
  const lat = tags.latitude;
  const lon = tags.longitude;
  if (typeof lat !== 'number' || typeof lon !== 'number' || !Number.isFinite(lat) || !Number.isFinite(lon)) return [null, null];
  if (Math.abs(lat) > 90 || Math.abs(lon) > 180) return [null, null];
  // 0,0 is what cameras without a fix write.
  if (lat === 0 && lon === 0) return [null, null];
  return [lat, lon];
}

/** XMP language alternatives come as {lang, value} or arrays of them; take the first value. */
function langAlt(v: unknown): string | null {
  if (Array.isArray(v)) return langAlt(v[0]);
  if (v && typeof v === 'object' && 'value' in v) return text((v as { value: unknown }).value);
  return text(v);
}

function list(v: unknown): string[] {
  if (Array.isArray(v)) return v.flatMap(list);
  const s = langAlt(v);
  return s ? s.split(/[;,]/).map((x) => x.trim()).filter(Boolean) : [];
}

// Descriptions cameras write by themselves, which nobody typed.
const CAMERA_BOILERPLATE = /^(OLYMPUS DIGITAL CAMERA|SONY DSC|DCIM|default|image|Untitled|KONICA MINOLTA DIGITAL CAMERA|DIGITAL CAMERA)$/i;

function embeddedText(tags: Tags): EmbeddedText | null {
  const out: EmbeddedText = {};
  const title = langAlt(tags.title) ?? text(tags.ObjectName) ?? text(tags.Headline);
  const exifDescription = text(tags.ImageDescription);
  const description = langAlt(tags.description) ?? text(tags.Caption) ?? text(tags['Caption-Abstract'])
    ?? (exifDescription && !CAMERA_BOILERPLATE.test(exifDescription) ? exifDescription : null);
  const keywords = [...new Set([...list(tags.subject), ...list(tags.Keywords)])];
  if (title) out.title = title;
  if (description) out.description = description;
  if (keywords.length) out.keywords = keywords;
  return Object.keys(out).length ? out : null;
}
