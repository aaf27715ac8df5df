// Photo metadata: date taken (with its UTC offset when the file records one), camera, lens, GPS
// (latitude, longitude, altitude), orientation, dimensions, rating and labels, and existing XMP/IPTC
// description and keywords — as ExifTool reads them.
//
// Which reader (measured by `npm run bench -- index`, part f; figures in the README):
// - exifr parses the bytes the indexer already holds, in-process: about 1 ms per photo.
// - ExifTool (one long-lived process, main/media/exiftool.ts) costs several ms per photo, but it is
//   the reference: it reads every format, applies its tag priority and builds Composite tags.
// So: HEIF/AVIF, RAW and anything exifr does not handle go to ExifTool; JPEG/PNG/WebP/TIFF/GIF go to
// exifr first, and to ExifTool when exifr fails, or finds metadata but no EXIF DateTimeOriginal
// (ExifTool then derives the date from IPTC/XMP DateCreated, or reads files whose EXIF exifr cannot
// parse). A file with no metadata at all stays with exifr. On the real files of
// test/library/real-photos.test.ts this rule agrees with `exiftool -j -n` field by field.
import path from 'node:path';
import type { Metadata as SharpMetadata } from 'sharp';
import { readExifrTags } from './metadata-exifr';
import { readExifToolTags } from './metadata-exiftool';
import type { RawTags } from './metadata-tags';

export interface EmbeddedText {
  title?: string;
  description?: string;
  keywords?: string[];
}

/** digiKam's pick label (Xmp.digiKam.PickLabel 1–3). */
export type PickLabel = 'rejected' | 'pending' | 'accepted';

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
  /** Metres above sea level (negative below). */
  altitude: number | null;
  /** Stars 0–5 from xmp:Rating, else EXIF Rating, else EXIF RatingPercent; null when none. */
  rating: number | null;
  /** xmp:Label, else digiKam's colour label as its colour name. */
  label: string | null;
  pick: PickLabel | null;
  /** XMP / IPTC / EXIF description and keywords, kept for the AI area to import (source 'xmp'). */
  embedded: EmbeddedText | null;
  /** Which reader the values come from (see the rule above). */
  reader: 'exifr' | 'exiftool' | 'ffprobe' | 'none';
}

export interface MetaInput {
  /** The file (ExifTool reads it from disk). */
  path: string;
  /** Its bytes (exifr parses them). */
  buf: Buffer;
  /** The sniffed format, e.g. 'jpeg', 'heic', or a RAW format. */
  format: string | null;
  /** sharp's header reading; null when libvips cannot open the file. */
  header: SharpMetadata | null;
}

/** Formats exifr reads right; everything else (HEIF, AVIF, RAW, …) is ExifTool's. */
const EXIFR_FORMATS = new Set(['jpeg', 'png', 'webp', 'tiff', 'gif']);
/** TIFF-structured RAW files (CR2, NEF, ARW, DNG, …) sniff as TIFF; only real .tif/.tiff stay with exifr. */
const TIFF_EXTENSIONS = new Set(['.tif', '.tiff']);

export function exifrReads(format: string | null, file: string): boolean {
  if (!format || !EXIFR_FORMATS.has(format)) return false;
  return format !== 'tiff' || TIFF_EXTENSIONS.has(path.extname(file).toLowerCase());
}

/**
 * The rule above, as a predicate on exifr's result: when ExifTool must read the file instead.
 * A file in which exifr found no metadata at all (a screenshot, an exported PNG) stays with exifr:
 * ExifTool finds no date there either, and it is the common case for files without a date.
 */
export function exifrResultNeedsExifTool(tags: RawTags | null): boolean {
  if (tags === null) return true;
  if (!Object.values(tags).some((v) => v !== undefined)) return false;
  return normaliseDate(tags.DateTimeOriginal) === null;
}

export async function readPhotoMeta(input: MetaInput): Promise<PhotoMeta> {
  let tags: RawTags | null = null;
  let reader: PhotoMeta['reader'] = 'none';
  if (exifrReads(input.format, input.path)) {
    tags = await readExifrTags(input.buf, input.header);
    if (tags) reader = 'exifr';
  }
  if (exifrResultNeedsExifTool(tags)) {
    const read = await readExifToolTags(input.path);
    if (read) { tags = read; reader = 'exiftool'; }
  }
  return toPhotoMeta(tags ?? {}, input, reader);
}

const isHeif = (input: MetaInput) => input.header?.format === 'heif' || input.format === 'heic' || input.format === 'avif';

function toPhotoMeta(tags: RawTags, input: MetaInput, reader: PhotoMeta['reader']): PhotoMeta {
  // What sharp's rotate() will apply. HEIF/AVIF carry rotation in their own boxes (libheif applies
  // them) and must ignore the EXIF tag, so only libvips' reading counts there.
  const orientation = isHeif(input) ? validOrientation(input.header?.orientation) : validOrientation(input.header?.orientation) ?? validOrientation(tags.Orientation);
  const swap = orientation !== null && orientation >= 5;
  const w = input.header?.width ?? positiveInt(tags.ImageWidth);
  const h = input.header?.height ?? positiveInt(tags.ImageHeight);
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
    altitude: lat !== null ? finite(tags.GPSAltitude) : null,
    rating: rating(tags),
    label: label(tags),
    pick: pick(tags.PickLabel),
    embedded: embeddedText(tags),
    reader,
  };
}

function positiveInt(v: unknown): number | null {
  const n = typeof v === 'string' ? Number(v) : v;
  return typeof n === 'number' && Number.isInteger(n) && n > 0 ? n : null;
}

function finite(v: unknown): number | null {
  const n = typeof v === 'string' && v.trim() ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : null;
}

/** xmp:Rating / EXIF Rating are 0–5 (−1 is "rejected": no stars); RatingPercent uses Windows' 1/25/50/75/99 steps. */
export function rating(tags: RawTags): number | null {
  const stars = finite(tags.Rating);
  if (stars !== null) return stars < 0 ? 0 : Math.min(5, Math.round(stars));
  const percent = finite(tags.RatingPercent);
  if (percent === null) return null;
  if (percent <= 0) return 0;
  if (percent < 25) return 1;
  if (percent < 50) return 2;
  if (percent < 75) return 3;
  if (percent < 99) return 4;
  return 5;
}

/** digiKam's colour labels (Xmp.digiKam.ColorLabel 1–9), named as Lightroom names its labels. */
const COLOR_LABELS = ['', 'Red', 'Orange', 'Yellow', 'Green', 'Blue', 'Magenta', 'Gray', 'Black', 'White'] as const;

function label(tags: RawTags): string | null {
  const own = text(tags.Label);
  if (own) return own;
  const color = finite(tags.ColorLabel);
  return color !== null && Number.isInteger(color) && color >= 1 && color < COLOR_LABELS.length ? COLOR_LABELS[color]! : null;
}

function pick(v: unknown): PickLabel | null {
  const n = finite(v);
  return n === 1 ? 'rejected' : n === 2 ? 'pending' : n === 3 ? 'accepted' : null;
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
export function takenAt(tags: RawTags): string | null {
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

function gps(tags: RawTags): [number | null, number | null] {
  const lat = finite(tags.GPSLatitude);
  const lon = finite(tags.GPSLongitude);
  if (lat === null || lon === null) return [null, null];
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

function embeddedText(tags: RawTags): EmbeddedText | null {
  const out: EmbeddedText = {};
  const title = langAlt(tags.Title) ?? text(tags.ObjectName) ?? text(tags.Headline);
  const exifDescription = text(tags.ImageDescription);
  const description = langAlt(tags.Description) ?? text(tags['Caption-Abstract'])
    ?? (exifDescription && !CAMERA_BOILERPLATE.test(exifDescription) ? exifDescription : null);
  const keywords = [...new Set([...list(tags.Subject), ...list(tags.Keywords)])];
  if (title) out.title = title;
  if (description) out.description = description;
  if (keywords.length) out.keywords = keywords;
  return Object.keys(out).length ? out : null;
}
