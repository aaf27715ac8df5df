// Decoding any file we read to upright pixels at a requested size, as a sharp pipeline. The one
// decoder the library (thumbnails), the caption drop zone, uploads, chat attachments and the
// inference process's image reader use:
//  - JPEG/PNG/WebP/TIFF/GIF/AVIF: sharp (libvips; JPEG and WebP shrink on load toward the size),
//    rotated by the EXIF orientation;
//  - HEIC/HEIF (HEVC): libvips when this build can (a system libvips with libde265), else heic-decode
//    in a worker (main/media/heic.ts). libheif has applied irot/imir already: no EXIF rotation again;
//  - RAW: the largest embedded preview (main/media/raw.ts), turned by the RAW's orientation;
//  - a damaged JPEG/PNG/WebP/TIFF/GIF is decoded as far as it goes and reported with the decoder's
//    warning; only a file that gives no pixels at all fails.
// Decompression bombs are refused by the pixel limit before any pixel is decoded.
// encodeDirect is the shortcut for files libvips reads cleanly by itself: decoded, resized and
// encoded in one pipeline, no raw pixels handed to JavaScript and back.
import { readFile } from 'node:fs/promises';
import sharp, { type Metadata, type ResizeOptions, type Sharp, type SharpOptions } from 'sharp';
import { AppError } from '../../shared/errors';
import { FORMAT_NAMES, isRawFormat, type MediaFormat } from '../../shared/media';
import { decodeHeif } from './heic';
import { extractRawPreview } from './raw';
import { sniffFile, sniffFormat, isHeifFamily, SNIFF_BYTES } from './sniff';

/** Decompression-bomb guard: larger images are refused before any pixel is decoded. */
/** AppError details.detail of a RAW that has no embedded preview to show (the indexer keeps such a photo). */
export const NO_RAW_PREVIEW = 'no usable embedded preview';

export const MAX_INPUT_PIXELS = 250_000_000;

export interface DecodeOptions {
  /** Resize (sharp's options; never enlarges unless asked). Omitted: full size. */
  resize?: ResizeOptions;
  /** The format when already sniffed. */
  format?: MediaFormat;
  /** Name for messages (defaults to the path). */
  name?: string;
  /** Accept the partial pixels of a damaged file (the result says what was wrong). Default true. */
  allowDamaged?: boolean;
  /** sharp's header of this very input when the caller already read it (a buffer's bytes): not read again. */
  header?: Pick<Metadata, 'width' | 'height'>;
}

export interface DecodedImage {
  format: MediaFormat;
  /** Upright size of the pixels returned. */
  width: number;
  height: number;
  channels: 1 | 2 | 3 | 4;
  /** Raw pixels, upright, at the requested size. */
  data: Buffer;
  /** The decoder's complaint when the file is damaged and was only partly decoded. */
  damaged: string | null;
  /** 'preview' when the pixels are a RAW's embedded preview. */
  source: 'file' | 'preview';
}

/** Upright raw pixels and their size: what a decoder (or ffmpeg, for a video frame) hands on. */
export type Pixels = Pick<DecodedImage, 'data' | 'width' | 'height' | 'channels'>;

/** The decoded pixels as a sharp pipeline (for encoding or further resizing). */
export function toSharp(img: Pixels): Sharp {
  return sharp(img.data, { raw: { width: img.width, height: img.height, channels: img.channels } });
}

// Whether this libvips decodes HEVC: learnt from the first HEIC tried.
let libvipsHevc: boolean | null = null;
const DAMAGE_TOLERANT: ReadonlySet<MediaFormat> = new Set(['jpeg', 'png', 'webp', 'tiff', 'gif']);

export async function decodeImage(input: string | Buffer, opts: DecodeOptions = {}): Promise<DecodedImage> {
  // Messages name the file only when the caller gave a name (the library stores them on the photo).
  const name = opts.name ?? '';
  const format = opts.format ?? (typeof input === 'string' ? await sniffFile(input) : sniffFormat(input.subarray(0, SNIFF_BYTES), name));
  if (!format) throw new AppError('unsupported', `${name || 'the file'} is not a supported image (JPEG, PNG, WebP, AVIF, TIFF, GIF, HEIC/HEIF or camera RAW expected)`);
  if (isRawFormat(format)) return decodeRaw(input, format, name, opts);
  if (isHeifFamily(format) && libvipsHevc !== true) {
    if (libvipsHevc === null) {
      try {
        const img = await decodeWithSharp(input, format, name, { ...opts, allowDamaged: false });
        libvipsHevc = true;
        return img;
      } catch (err) {
        // This libvips cannot decode HEVC (the prebuilt one): remember, and use the worker from now on.
        if (/compression|codec|unsupported|decoder|hevc|plugin/i.test(String((err as Error).message))) libvipsHevc = false;
      }
    }
    return decodeHeifFile(input, format, name, opts);
  }
  return decodeWithSharp(input, format, name, opts);
}

async function decodeHeifFile(input: string | Buffer, format: MediaFormat, name: string, opts: DecodeOptions): Promise<DecodedImage> {
  const bytes = typeof input === 'string' ? await readFile(input) : input;
  const px = await decodeHeif(bytes).catch((err: Error) => {
    const detail = err.message.replace(/^cannot decode HEIF: /, '');
    throw new AppError('unsupported', `cannot decode ${FORMAT_NAMES[format]}${name && ` ${name}`}: ${detail}`, { details: { detail } });
  });
  if (px.width * px.height > MAX_INPUT_PIXELS) throw tooLarge(name, px.width, px.height);
  let img = sharp(px.data, { raw: { width: px.width, height: px.height, channels: 4 } });
  const opaque = (await img.stats()).channels[3]?.min === 255;
  if (opaque) img = img.removeAlpha();
  if (opts.resize) img = img.resize(withDefaults(opts.resize));
  const { data, info } = await img.raw().toBuffer({ resolveWithObject: true });
  return { format, width: info.width, height: info.height, channels: info.channels as 3 | 4, data, damaged: null, source: 'file' };
}

async function decodeRaw(input: string | Buffer, format: MediaFormat, name: string, opts: DecodeOptions): Promise<DecodedImage> {
  if (typeof input !== 'string') throw new AppError('internal', 'a RAW file must be decoded from its path');
  const preview = await extractRawPreview(input);
  if (!preview) throw new AppError('unsupported', `${FORMAT_NAMES[format]}${name && ` ${name}`} has no usable embedded preview`, { details: { detail: NO_RAW_PREVIEW } });
  const img = await decodeWithSharp(preview.jpeg, 'jpeg', name, { ...opts }, preview.orientation);
  return { ...img, format, source: 'preview' };
}

const withDefaults = (r: ResizeOptions): ResizeOptions => ({ withoutEnlargement: true, ...r });

/**
 * One libvips pipeline from a file to an encoded image of it: upright, resized, sRGB, 3 channels —
 * the pixels decodeImage gives, made sRGB without alpha (main/engine/images.ts tileSource). For the
 * formats libvips reads itself, and only when it reads the file cleanly within the pixel limit; null
 * otherwise (HEIC, RAW, damaged, too large, unreadable): decodeImage handles and reports those.
 * About two thirds of the CPU of decoding to raw pixels and encoding them again (a small photo: 3.5 ms vs 5.6).
 */
export async function encodeDirect(file: string, resize: ResizeOptions, encode: (img: Sharp) => Sharp): Promise<Buffer | null> {
  try {
    const format = await sniffFile(file);
    // The formats libvips decodes itself (those decodeWithSharp also reads when damaged).
    if (!format || !DAMAGE_TOLERANT.has(format)) return null;
    const img = orient(sharp(file, { failOn: format === 'tiff' ? 'error' : 'warning', limitInputPixels: MAX_INPUT_PIXELS }), undefined);
    return await encode(img.resize(withDefaults(resize)).toColourspace('srgb').removeAlpha()).toBuffer();
  } catch {
    return null;
  }
}

function tooLarge(name: string, w: number, h: number): AppError {
  return new AppError('too_large', `${name || 'image'} is ${w}×${h} (${Math.round((w * h) / 1e6)} megapixels), over the ${MAX_INPUT_PIXELS / 1e6}-megapixel limit: refused as a possible decompression bomb`);
}

/**
 * Turns a pipeline upright by an explicit EXIF orientation (a RAW's), the way libvips' autorot does;
 * without one, sharp reads the file's own orientation.
 */
function orient(img: Sharp, orientation: number | undefined): Sharp {
  switch (orientation) {
    case undefined: return img.rotate();
    case 2: return img.flop();
    case 3: return img.rotate(180);
    case 4: return img.flip();
    case 5: return img.rotate(90).flop();
    case 6: return img.rotate(90);
    case 7: return img.rotate(270).flop();
    case 8: return img.rotate(270);
    default: return img;
  }
}

async function decodeWithSharp(input: string | Buffer, format: MediaFormat, name: string, opts: DecodeOptions, orientation?: number): Promise<DecodedImage> {
  const header = opts.header ?? await libvipsStep(format, name, () => sharp(input, { limitInputPixels: false }).metadata());
  const w = header.width ?? 0;
  const h = header.height ?? 0;
  if (w * h > MAX_INPUT_PIXELS) throw tooLarge(name, w, h);
  const run = (failOn: SharpOptions['failOn']) => {
    let img = orient(sharp(input, { failOn, limitInputPixels: MAX_INPUT_PIXELS }), orientation);
    if (opts.resize) img = img.resize(withDefaults(opts.resize));
    return img.raw().toBuffer({ resolveWithObject: true });
  };
  let damaged: string | null = null;
  let out: Awaited<ReturnType<typeof run>>;
  try {
    // libjpeg/libpng/libwebp report corrupt data (bad restart markers, a cut-off tail) as warnings:
    // those files are damaged. libtiff warns about harmless private tags, so TIFF fails only on errors.
    out = await libvipsStep(format, name, () => run(format === 'tiff' ? 'error' : 'warning'));
  } catch (strict) {
    if (opts.allowDamaged === false || !DAMAGE_TOLERANT.has(format) || !(strict instanceof AppError)) throw strict;
    try {
      out = await run('none');
    } catch {
      throw strict;
    }
    damaged = String(strict.details?.detail ?? strict.message);
  }
  const { data, info } = out;
  return { format, width: info.width, height: info.height, channels: info.channels as 1 | 2 | 3 | 4, data, damaged, source: 'file' };
}

/** sharp/libvips messages repeat the decoder's complaints; keep the first plain statement. */
export function shortDecodeError(message: string): string {
  const first = message.split(/\n|\s+Vips\w+:/)[0]!.trim().replace(/[:.]+$/, '');
  return first || message.trim();
}

/**
 * Runs a libvips step, turning its multi-line errors into one readable AppError. libvips keeps one
 * error buffer per process, so a failure while other images decode can come back as a bare
 * "Unknown error"; the step is tried again for the real reason.
 */
async function libvipsStep<T>(format: MediaFormat, name: string, step: () => Promise<T>): Promise<T> {
  let lastMessage = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await step();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code) throw err; // a file-system error, reported as such
      lastMessage = String((err as Error).message);
      if (!/^\s*(Unknown error)?\s*$/i.test(lastMessage)) break;
    }
  }
  // sharp adds "Warning treated as error due to failOn…": the decoder's own words are the message.
  const lines = [...new Set(lastMessage.split('\n').map((l) => l.trim()).filter((l) => l && !/treated as error|failOn/i.test(l)))];
  const detail = lines.length && !/^\s*(Unknown error)?\s*$/i.test(lastMessage) ? lines.join('; ') : 'the file is damaged or incomplete (corrupt data)';
  return Promise.reject(new AppError('unsupported', `cannot decode ${FORMAT_NAMES[format]}${name && ` ${name}`}: ${detail}`, { details: { detail } }));
}
