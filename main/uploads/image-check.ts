// Is this file an image SmolVLM can read? Decided by content (magic bytes, then sharp), never by name.
import { open } from 'node:fs/promises';
import sharp, { type Metadata } from 'sharp';
import { AppError } from '../../shared/errors';

export const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.webp', '.gif', '.tif', '.tiff', '.avif', '.heic', '.heif']);

const EXT_BY_FORMAT: Record<string, string> = {
  jpeg: 'jpg', png: 'png', webp: 'webp', gif: 'gif', tiff: 'tiff', avif: 'avif', heif: 'heif',
};

/** Format named by the first bytes of a file, or null when they are no image format we accept. */
export function sniffImageFormat(head: Uint8Array): string | null {
  const at = (i: number, bytes: number[]) => bytes.every((b, k) => head[i + k] === b);
  const ascii = (i: number, s: string) => at(i, [...s].map((c) => c.charCodeAt(0)));
  if (at(0, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (at(0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (ascii(0, 'GIF87a') || ascii(0, 'GIF89a')) return 'gif';
  if (ascii(0, 'RIFF') && ascii(8, 'WEBP')) return 'webp';
  if (ascii(0, 'II*\0') || ascii(0, 'MM\0*')) return 'tiff';
  if (ascii(4, 'ftyp')) {
    const brand = String.fromCharCode(...head.slice(8, 12));
    if (brand === 'avif' || brand === 'avis') return 'avif';
    if (['heic', 'heix', 'mif1', 'msf1', 'hevc'].includes(brand)) return 'heif';
  }
  return null;
}

/** sharp/libvips messages repeat the decoder's complaints; keep the first plain statement. */
export function shortDecodeError(message: string): string {
  const first = message.split(/\n|\s+Vips\w+:/)[0]!.trim().replace(/[:.]+$/, '');
  return first || message.trim();
}

/** Bytes needed by sniffImageFormat. */
export const SNIFF_BYTES = 16;

export interface ImageInfo { format: string; ext: string; width: number; height: number }

/** Reads the header and decodes the metadata; throws a message naming the file when it is not a usable image. */
export async function inspectImage(file: string, displayName = file): Promise<ImageInfo> {
  const fh = await open(file, 'r');
  const head = new Uint8Array(SNIFF_BYTES);
  try { await fh.read(head, 0, SNIFF_BYTES, 0); } finally { await fh.close(); }
  if (!sniffImageFormat(head)) throw new AppError('unsupported', `${displayName} is not an image (JPEG, PNG, WebP, GIF, TIFF, AVIF or HEIF expected).`);
  let meta: Metadata;
  try {
    meta = await sharp(file, { failOn: 'error' }).metadata();
  } catch (err) {
    throw new AppError('unsupported', `${displayName} is not a readable image (${shortDecodeError((err as Error).message)}).`);
  }
  if (!meta.format || !meta.width || !meta.height) throw new AppError('unsupported', `${displayName} is not a readable image.`);
  return { format: meta.format, ext: EXT_BY_FORMAT[meta.format] ?? meta.format, width: meta.width, height: meta.height };
}

/** Full decode: catches truncated/corrupt pixel data that a header check lets through. */
export async function decodeCheck(file: string, displayName = file): Promise<void> {
  try {
    await sharp(file, { failOn: 'error' }).resize(8, 8, { fit: 'inside' }).raw().toBuffer();
  } catch (err) {
    throw new AppError('unsupported', `${displayName} is damaged or not a readable image (${shortDecodeError((err as Error).message)}).`);
  }
}
