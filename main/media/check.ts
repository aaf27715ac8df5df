// Is this file an image we can read? For files that arrive one by one (uploads, chat attachments,
// the caption drop zone): decided by content (main/media/sniff.ts, then the decoder), never by name.
// Camera RAWs are library-only (their preview is read by ExifTool there); they are refused here.
import sharp from 'sharp';
import { AppError } from '../../shared/errors';
import { FORMAT_EXTENSION, isRawFormat, type MediaFormat } from '../../shared/media';
import { decodeImage, shortDecodeError } from './decode';
import { isHeifFamily, sniffFile, sniffFormat, SNIFF_BYTES } from './sniff';

export interface ImageInfo { format: MediaFormat; ext: string; width: number | null; height: number | null }

const EXPECTED = 'JPEG, PNG, WebP, GIF, TIFF, AVIF or HEIC/HEIF expected';

/** Sniffs the content (a file, or bytes already in memory) and reads the header; throws an AppError naming the file when it is no usable image. */
export async function inspectImage(file: string | Buffer, displayName = typeof file === 'string' ? file : 'the image'): Promise<ImageInfo> {
  const format = typeof file === 'string' ? await sniffFile(file) : sniffFormat(file.subarray(0, SNIFF_BYTES));
  if (!format) throw new AppError('unsupported', `${displayName} is not an image (${EXPECTED}).`);
  if (isRawFormat(format)) throw new AppError('unsupported', `${displayName} is a camera RAW file: add its folder to the library to see it (${EXPECTED} here).`);
  let width: number | null = null;
  let height: number | null = null;
  try {
    const meta = await sharp(file, { failOn: 'error' }).metadata();
    width = meta.width ?? null;
    height = meta.height ?? null;
    if (!width || !height) throw new Error('no image size in the header');
  } catch (err) {
    // libvips reads HEIF headers only for what it can decode; the HEIC decoder checks those files.
    if (!isHeifFamily(format)) throw new AppError('unsupported', `${displayName} is not a readable image (${shortDecodeError((err as Error).message)}).`);
  }
  return { format, ext: FORMAT_EXTENSION[format], width, height };
}

/**
 * Full decode at a tiny size: catches pixel data a header check lets through. A damaged file that
 * still gives pixels passes, with the decoder's warning.
 */
export async function decodeCheck(file: string, displayName = file): Promise<{ damaged: string | null }> {
  try {
    const img = await decodeImage(file, { resize: { width: 8, height: 8, fit: 'inside' } });
    return { damaged: img.damaged };
  } catch (err) {
    const detail = (err instanceof AppError && typeof err.details?.detail === 'string') ? err.details.detail : shortDecodeError((err as Error).message);
    throw new AppError(err instanceof AppError ? err.kind : 'unsupported', `${displayName} is damaged or not a readable image (${shortDecodeError(detail)}).`);
  }
}
