// Image formats decided by content (magic bytes), never by file extension.
import { VIDEO_EXTENSIONS } from '../media/video/formats';

export type ImageFormat = 'jpeg' | 'png' | 'webp' | 'avif' | 'tiff' | 'gif' | 'heic';

/** Bytes needed by sniffFormat. */
export const SNIFF_BYTES = 64;

/** Extensions that make a file a candidate; the content still decides whether and how it is read. */
const CANDIDATE_EXTENSIONS = new Set([
  'jpg', 'jpeg', 'jpe', 'jfif', 'png', 'apng', 'webp', 'avif', 'tif', 'tiff', 'gif', 'heic', 'heif', 'hif',
  ...VIDEO_EXTENSIONS,
]);

/**
 * A file is looked at when it carries an image extension (in any case) or none at all (cameras and
 * phones sometimes drop it), or a video extension. Everything else — sidecars, documents — is not.
 */
export function isCandidateName(name: string): boolean {
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return true;
  return CANDIDATE_EXTENSIONS.has(name.slice(dot + 1).toLowerCase());
}

const ascii = (buf: Uint8Array, start: number, end: number): string =>
  String.fromCharCode(...buf.subarray(start, Math.min(end, buf.length)));

/** ISO-BMFF brands (bytes 8..11 and the compatible list) that mean AVIF or HEIC. */
const AVIF_BRANDS = new Set(['avif', 'avis']);
const HEIC_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'mif1', 'msf1']);

export function sniffFormat(head: Uint8Array): ImageFormat | null {
  if (head.length < 12) return null;
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'jpeg';
  if (head[0] === 0x89 && ascii(head, 1, 4) === 'PNG') return 'png';
  if (ascii(head, 0, 4) === 'GIF8') return 'gif';
  if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 12) === 'WEBP') return 'webp';
  if ((head[0] === 0x49 && head[1] === 0x49 && head[2] === 0x2a && head[3] === 0x00)
    || (head[0] === 0x4d && head[1] === 0x4d && head[2] === 0x00 && head[3] === 0x2a)) return 'tiff';
  if (ascii(head, 4, 8) === 'ftyp') {
    const brands = [ascii(head, 8, 12)];
    for (let i = 16; i + 4 <= head.length; i += 4) brands.push(ascii(head, i, i + 4));
    if (brands.some((b) => AVIF_BRANDS.has(b))) return 'avif';
    if (brands.some((b) => HEIC_BRANDS.has(b))) return 'heic';
  }
  return null;
}

export const FORMAT_MIME: Record<ImageFormat, string> = {
  jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp', avif: 'image/avif',
  tiff: 'image/tiff', gif: 'image/gif', heic: 'image/heic',
};
