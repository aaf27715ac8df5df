// Reads metadata tags with exifr from the bytes the indexer already holds, renamed to ExifTool's tag
// names and numeric forms (metadata-tags.ts). Returns null when exifr cannot parse the file, {} when
// the file holds no metadata.
import exifr from 'exifr';
import type { Metadata as SharpMetadata } from 'sharp';
import type { RawTags } from './metadata-tags';

// exifr options are reused objects (exifr caches parsed options per object).
const FULL = {
  tiff: true, exif: true, gps: true, xmp: true, iptc: true, icc: false, ifd1: false, jfif: false,
  ihdr: false, interop: false, makerNote: false, userComment: false,
  reviveValues: false, translateValues: false, translateKeys: true, mergeOutput: true, silentErrors: true,
};
// exifr's IPTC reader fails on some TIFF layouts; retry without it.
const NO_IPTC = { ...FULL, iptc: false };

/** The tags; {} when the file has no metadata at all; null when exifr failed. */
async function tryParse(input: Buffer, options: object): Promise<RawTags | null> {
  try {
    const out = (await exifr.parse(input, options)) as RawTags | undefined;
    if (!out) return {};
    if (Array.isArray(out.errors) && out.errors.length) return null;
    return out;
  } catch {
    return null;
  }
}

/** exifr's raw tags, or null when it failed. `header` is sharp's reading of the same bytes, if any. */
async function readExifrRaw(buf: Buffer, header: SharpMetadata | null): Promise<RawTags | null> {
  let tags = (await tryParse(buf, FULL)) ?? (await tryParse(buf, NO_IPTC));
  // Formats exifr can't open (WebP, GIF): parse the EXIF block libvips extracted.
  if ((!tags || !Object.keys(tags).length) && header?.exif) {
    const exif = header.exif.subarray(0, 6).toString('latin1') === 'Exif\0\0' ? header.exif.subarray(6) : header.exif;
    tags = await tryParse(exif, NO_IPTC);
  }
  if (!tags) return null;
  if (header?.xmp && tags.description === undefined && tags.subject === undefined && tags.title === undefined) {
    try {
      const xmp = (await exifr.sidecar(header.xmp, { xmp: true, mergeOutput: true })) as RawTags | undefined;
      const dc = (xmp?.dc ?? xmp) as RawTags | undefined;
      if (dc) Object.assign(tags, { description: dc.description, subject: dc.subject, title: dc.title });
    } catch { /* unreadable XMP: nothing to keep */ }
  }
  return tags;
}

/** exifr's tags under ExifTool's names (GPS signed, altitude signed by its ref), or null. */
export async function readExifrTags(buf: Buffer, header: SharpMetadata | null): Promise<RawTags | null> {
  const t = await readExifrRaw(buf, header);
  if (!t) return null;
  if (!Object.keys(t).length) return {};
  // GPSAltitudeRef is a one-byte field (exifr gives it as a byte array): 1 = below sea level.
  const ref = ArrayBuffer.isView(t.GPSAltitudeRef) ? (t.GPSAltitudeRef as Uint8Array)[0] : t.GPSAltitudeRef;
  const altitude = typeof t.GPSAltitude === 'number' ? (ref === 1 ? -t.GPSAltitude : t.GPSAltitude) : undefined;
  return {
    DateTimeOriginal: t.DateTimeOriginal,
    CreateDate: t.CreateDate,
    DateTimeDigitized: t.DateTimeDigitized,
    OffsetTimeOriginal: t.OffsetTimeOriginal,
    OffsetTimeDigitized: t.OffsetTimeDigitized,
    Make: t.Make,
    Model: t.Model,
    LensModel: t.LensModel,
    Lens: t.Lens,
    GPSLatitude: t.latitude,
    GPSLongitude: t.longitude,
    GPSAltitude: altitude,
    Orientation: t.Orientation,
    Rating: t.Rating,
    RatingPercent: t.RatingPercent,
    Label: t.Label,
    ColorLabel: t.ColorLabel,
    PickLabel: t.PickLabel,
    Title: t.title,
    ObjectName: t.ObjectName,
    Headline: t.Headline,
    Description: t.description,
    ImageDescription: t.ImageDescription,
    'Caption-Abstract': t['Caption-Abstract'] ?? t.Caption,
    Subject: t.subject,
    Keywords: t.Keywords,
  };
}
