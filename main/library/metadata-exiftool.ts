// Reads a photo's metadata tags through the one long-lived ExifTool process (main/media/exiftool.ts),
// as `exiftool -j -n` prints them: numeric values, ExifTool's own tag priority and its Composite
// tags (signed GPS, DateTimeOriginal built from IPTC/XMP DateCreated when EXIF has none).
import { exiftool } from '../media/exiftool';
import type { RawTags } from './metadata-tags';

/** Only the tags SmolAlbum keeps: ExifTool skips the rest (faster, and no large binary values). */
export const EXIFTOOL_TAGS = [
  'DateTimeOriginal', 'CreateDate', 'DateTimeDigitized', 'OffsetTimeOriginal', 'OffsetTimeDigitized',
  'Make', 'Model', 'LensModel', 'Lens',
  'GPSLatitude', 'GPSLongitude', 'GPSAltitude',
  'Orientation', 'ImageWidth', 'ImageHeight',
  'Rating', 'RatingPercent', 'Label', 'ColorLabel', 'PickLabel',
  'Title', 'ObjectName', 'Headline', 'Description', 'ImageDescription', 'Caption-Abstract', 'Subject', 'Keywords',
] as const;

const READ_ARGS = ['-n', ...EXIFTOOL_TAGS.map((t) => `-${t}`)];

/** The tags of the file at `abs`, or null when ExifTool cannot read it. Never writes to the file. */
export async function readExifToolTags(abs: string): Promise<RawTags | null> {
  try {
    // useMWG off: exiftool-vendored turns on the MWG composites by default, which read dates and
    // descriptions differently from plain `exiftool`.
    const tags = (await exiftool().readRaw(abs, { readArgs: READ_ARGS, useMWG: false })) as unknown as RawTags;
    return tags && typeof tags === 'object' ? tags : null;
  } catch {
    return null;
  }
}
