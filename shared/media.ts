// The one format vocabulary and the one list of file extensions the app looks at. Main decides what
// a file IS by its content (main/media/sniff.ts); these names only make a file a candidate and feed
// file pickers (Electron dialogs, the renderer's <input accept>). Videos get their own group here.

/** Still images that sharp (or heic-decode for HEVC) decodes directly. */
export const STILL_FORMATS = ['jpeg', 'png', 'webp', 'avif', 'tiff', 'gif', 'heic', 'heif'] as const;
/** Camera RAW kinds: shown and captioned through their embedded JPEG preview (ExifTool). */
export const RAW_FORMATS = ['cr2', 'cr3', 'nef', 'nrw', 'arw', 'dng', 'raf', 'orf', 'rw2', 'pef', 'srw'] as const;

export type StillFormat = (typeof STILL_FORMATS)[number];
export type RawFormat = (typeof RAW_FORMATS)[number];
/** Every format a library file can have (the photos.format column). */
export type MediaFormat = StillFormat | RawFormat;
/** What kind of media a format is; 'video' joins when videos are indexed. */
export type MediaType = 'image' | 'raw';

const RAW_SET: ReadonlySet<string> = new Set(RAW_FORMATS);
export const isRawFormat = (f: string | null | undefined): f is RawFormat => !!f && RAW_SET.has(f);
export const mediaTypeOf = (f: MediaFormat): MediaType => (isRawFormat(f) ? 'raw' : 'image');

/** Extensions (lower case, no dot) of still images. */
export const IMAGE_EXTENSIONS: readonly string[] = [
  'jpg', 'jpeg', 'jpe', 'jfif', 'png', 'apng', 'webp', 'avif', 'tif', 'tiff', 'gif', 'heic', 'heif', 'hif',
];
/** Extension → RAW kind (TIFF-structured RAWs are told apart by name; see main/media/sniff.ts). */
export const RAW_EXTENSION_FORMAT: Readonly<Record<string, RawFormat>> = {
  cr2: 'cr2', cr3: 'cr3', nef: 'nef', nrw: 'nrw', arw: 'arw', srf: 'arw', sr2: 'arw', dng: 'dng',
  raf: 'raf', orf: 'orf', rw2: 'rw2', pef: 'pef', srw: 'srw',
};
export const RAW_EXTENSIONS: readonly string[] = Object.keys(RAW_EXTENSION_FORMAT);
/** Everything the library indexes. */
export const PHOTO_EXTENSIONS: readonly string[] = [...IMAGE_EXTENSIONS, ...RAW_EXTENSIONS];

/** Lower-case extension without the dot; '' when the name has none (or is a dot file). */
export function extensionOf(name: string): string {
  const base = name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
  const dot = base.lastIndexOf('.');
  return dot <= 0 ? '' : base.slice(dot + 1).toLowerCase();
}

const IMAGE_SET: ReadonlySet<string> = new Set(IMAGE_EXTENSIONS);
const PHOTO_SET: ReadonlySet<string> = new Set(PHOTO_EXTENSIONS);
/** A still image by name (uploads, chat, caption: RAWs are library-only). */
export const isImageName = (name: string): boolean => IMAGE_SET.has(extensionOf(name));
/** A library candidate by name: any photo extension. The content still decides. */
export const isPhotoName = (name: string): boolean => PHOTO_SET.has(extensionOf(name));

/**
 * A library candidate: a photo extension (in any case) or none at all (cameras and phones sometimes
 * drop it; such files are sniffed). Videos, sidecars and documents are not.
 */
export const isCandidateName = (name: string): boolean => extensionOf(name) === '' || isPhotoName(name);

/** For <input type="file" accept>: browsers do not map .heic/.heif to image/* everywhere. */
export const IMAGE_ACCEPT = ['image/*', ...IMAGE_EXTENSIONS.map((e) => `.${e}`)].join(',');

export const FORMAT_MIME: Readonly<Record<MediaFormat, string>> = {
  jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp', avif: 'image/avif', tiff: 'image/tiff',
  gif: 'image/gif', heic: 'image/heic', heif: 'image/heif',
  cr2: 'image/x-canon-cr2', cr3: 'image/x-canon-cr3', nef: 'image/x-nikon-nef', nrw: 'image/x-nikon-nrw',
  arw: 'image/x-sony-arw', dng: 'image/x-adobe-dng', raf: 'image/x-fuji-raf', orf: 'image/x-olympus-orf',
  rw2: 'image/x-panasonic-rw2', pef: 'image/x-pentax-pef', srw: 'image/x-samsung-srw',
};

/** Human names, for messages. */
export const FORMAT_NAMES: Readonly<Record<MediaFormat, string>> = {
  jpeg: 'JPEG', png: 'PNG', webp: 'WebP', avif: 'AVIF', tiff: 'TIFF', gif: 'GIF', heic: 'HEIC', heif: 'HEIF',
  cr2: 'Canon CR2', cr3: 'Canon CR3', nef: 'Nikon NEF', nrw: 'Nikon NRW', arw: 'Sony ARW', dng: 'DNG',
  raf: 'Fujifilm RAF', orf: 'Olympus ORF', rw2: 'Panasonic RW2', pef: 'Pentax PEF', srw: 'Samsung SRW',
};

/** The file extension a stored copy of this format gets (chat attachments, uploads). */
export const FORMAT_EXTENSION: Readonly<Record<MediaFormat, string>> = {
  jpeg: 'jpg', png: 'png', webp: 'webp', avif: 'avif', tiff: 'tiff', gif: 'gif', heic: 'heic', heif: 'heif',
  cr2: 'cr2', cr3: 'cr3', nef: 'nef', nrw: 'nrw', arw: 'arw', dng: 'dng', raf: 'raf', orf: 'orf', rw2: 'rw2',
  pef: 'pef', srw: 'srw',
};
