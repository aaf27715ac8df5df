// What a file is, decided by its content (magic bytes), never by its name alone. The one sniffer:
// the library, uploads, chat attachments and the caption drop zone all ask here. The name only
// tells apart the TIFF-structured RAW kinds (NEF, ARW, DNG, PEF … all start like a TIFF).
import { open } from 'node:fs/promises';
import { extensionOf, RAW_EXTENSION_FORMAT, type MediaFormat } from '../../shared/media';

/** Bytes sniffFormat needs (enough for an ISO-BMFF ftyp box with a dozen compatible brands). */
export const SNIFF_BYTES = 64;

const ascii = (buf: Uint8Array, start: number, end: number): string =>
  String.fromCharCode(...buf.subarray(start, Math.min(end, buf.length)));

/** ISO-BMFF brands (major and compatible) that mean AVIF, HEVC-coded HEIC, generic HEIF, Canon CR3. */
const AVIF_BRANDS = new Set(['avif', 'avis']);
const HEIC_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis']);
const HEIF_BRANDS = new Set(['mif1', 'msf1', 'mif2']);

/**
 * The format of a file from its first bytes (`name` refines TIFF-structured RAWs), or null when it
 * is no format we read.
 */
export function sniffFormat(head: Uint8Array, name = ''): MediaFormat | null {
  if (head.length < 12) return null;
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'jpeg';
  if (head[0] === 0x89 && ascii(head, 1, 4) === 'PNG') return 'png';
  if (ascii(head, 0, 4) === 'GIF8') return 'gif';
  if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 12) === 'WEBP') return 'webp';
  if (ascii(head, 0, 15) === 'FUJIFILMCCD-RAW') return 'raf';
  const order = ascii(head, 0, 2);
  if (order === 'II' || order === 'MM') {
    const magic = ascii(head, 2, 4);
    if (magic === 'RO' || magic === 'RS' || (order === 'MM' && magic === 'OR')) return 'orf';
    if (order === 'II' && head[2] === 0x55 && head[3] === 0x00) return 'rw2';
    const tiff = (order === 'II' && head[2] === 0x2a && head[3] === 0x00) || (order === 'MM' && head[2] === 0x00 && head[3] === 0x2a);
    if (tiff) {
      if (ascii(head, 8, 10) === 'CR') return 'cr2';
      return RAW_EXTENSION_FORMAT[extensionOf(name)] ?? 'tiff';
    }
  }
  if (ascii(head, 4, 8) === 'ftyp') {
    const boxEnd = Math.min(head.length, new DataView(head.buffer, head.byteOffset, head.length).getUint32(0) || head.length);
    const brands = [ascii(head, 8, 12)];
    for (let i = 16; i + 4 <= boxEnd; i += 4) brands.push(ascii(head, i, i + 4));
    if (brands[0] === 'crx ') return 'cr3';
    if (brands.some((b) => AVIF_BRANDS.has(b))) return 'avif';
    if (brands.some((b) => HEIC_BRANDS.has(b))) return 'heic';
    if (brands.some((b) => HEIF_BRANDS.has(b))) return 'heif';
  }
  return null;
}

/** A file's first `n` bytes (fewer when it is shorter), or null when it cannot be read. */
export async function readHead(file: string, n = SNIFF_BYTES): Promise<Uint8Array | null> {
  try {
    const fh = await open(file, 'r');
    try {
      const head = new Uint8Array(n);
      const { bytesRead } = await fh.read(head, 0, n, 0);
      return head.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
  } catch {
    return null;
  }
}

/** Reads a file's first bytes and sniffs them; null when unreadable or no format we read. */
export async function sniffFile(file: string): Promise<MediaFormat | null> {
  const head = await readHead(file);
  return head ? sniffFormat(head, file) : null;
}

/** Formats heic-decode (libheif) reads; sharp's prebuilt libvips reads only AVIF of the HEIF family. */
export const isHeifFamily = (f: MediaFormat): boolean => f === 'heic' || f === 'heif';
