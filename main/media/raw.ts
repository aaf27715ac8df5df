// Camera RAW files are shown and captioned through their largest embedded JPEG preview, read with
// the one ExifTool process (main/media/exiftool.ts). The preview is rotated by the RAW's own
// orientation (previews carry none of their own, or a wrong one).
import { exiftool } from './exiftool';
import { sniffFormat } from './sniff';

/** Embedded previews, in the order makers use them for the largest image. */
const PREVIEW_TAGS = ['JpgFromRaw2', 'JpgFromRaw', 'PreviewImage', 'OtherImage', 'PreviewTIFF', 'ThumbnailImage'] as const;

export interface RawPreview {
  jpeg: Buffer;
  /** The RAW's EXIF orientation (1–8); the preview must be turned by it. */
  orientation: number;
  tag: string;
}

/** The largest usable JPEG preview of a RAW file, or null when it has none. */
export async function extractRawPreview(file: string): Promise<RawPreview | null> {
  const tags = await exiftool().readRaw(file, ['-n', '-Orientation', ...PREVIEW_TAGS.map((t) => `-${t}`)]) as Record<string, unknown>;
  const sizeOf = (v: unknown): number => {
    const m = typeof v === 'string' ? /Binary data (\d+) bytes/.exec(v) : null;
    return m ? Number(m[1]) : 0;
  };
  const candidates = PREVIEW_TAGS.map((tag) => ({ tag, size: sizeOf(tags[tag]) }))
    .filter((c) => c.size > 0)
    .sort((a, b) => b.size - a.size);
  const o = Number(tags.Orientation);
  const orientation = Number.isInteger(o) && o >= 1 && o <= 8 ? o : 1;
  for (const c of candidates) {
    const jpeg = await exiftool().extractBinaryTagToBuffer(c.tag, file).catch(() => null);
    if (jpeg && sniffFormat(jpeg.subarray(0, 64)) === 'jpeg') return { jpeg, orientation, tag: c.tag };
  }
  return null;
}
