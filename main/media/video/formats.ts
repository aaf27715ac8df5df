// Video containers decided by content (magic bytes), never by file extension: ISO-BMFF / QuickTime
// by their ftyp brands (or a bare QuickTime atom), Matroska/WebM by the EBML header's DocType, AVI by
// its RIFF form type.

import { readHead } from '../sniff';
import { FORMAT_MIME, type VideoFormat } from '../../../shared/media';

export { isVideoFormat, type VideoFormat } from '../../../shared/media';

/** Bytes sniffVideo needs: the ftyp box with its brands, or the EBML header up to its DocType. */
export const VIDEO_SNIFF_BYTES = 64;

const ascii = (buf: Uint8Array, start: number, end: number): string =>
  String.fromCharCode(...buf.subarray(start, Math.min(end, buf.length)));

const MOV_BRANDS = new Set(['qt  ']);
const M4V_BRANDS = new Set(['M4V ', 'M4VH', 'M4VP']);
const THREE_GP = /^3g[2p]/;
const MP4_BRANDS = new Set(['isom', 'iso2', 'iso3', 'iso4', 'iso5', 'iso6', 'mp41', 'mp42', 'avc1', 'hvc1', 'dash', 'mmp4', 'MSNV', 'f4v ', 'XAVC', 'NDAS']);
/** Top-level atoms an old QuickTime file (no ftyp) starts with. */
const BARE_QT_ATOMS = new Set(['moov', 'mdat', 'wide', 'pnot']);

function isoVideo(head: Uint8Array): VideoFormat | null {
  const type = ascii(head, 4, 8);
  if (type !== 'ftyp') return BARE_QT_ATOMS.has(type) ? 'mov' : null;
  const major = ascii(head, 8, 12);
  const boxSize = Math.min(((head[0]! << 24) | (head[1]! << 16) | (head[2]! << 8) | head[3]!) >>> 0, head.length);
  const compatible: string[] = [];
  for (let i = 16; i + 4 <= boxSize; i += 4) compatible.push(ascii(head, i, i + 4));
  const decide = (b: string): VideoFormat | null => {
    if (MOV_BRANDS.has(b)) return 'mov';
    if (M4V_BRANDS.has(b)) return 'm4v';
    if (THREE_GP.test(b)) return '3gp';
    if (MP4_BRANDS.has(b)) return 'mp4';
    return null;
  };
  return decide(major) ?? compatible.map(decide).find((f) => f !== null) ?? null;
}

function ebmlVideo(head: Uint8Array): VideoFormat | null {
  if (!(head[0] === 0x1a && head[1] === 0x45 && head[2] === 0xdf && head[3] === 0xa3)) return null;
  // DocType element (0x42 0x82), then a one-byte size (0x80 | n) and the name.
  for (let i = 4; i + 3 < head.length; i++) {
    if (head[i] === 0x42 && head[i + 1] === 0x82) {
      const size = head[i + 2]! & 0x7f;
      const doc = ascii(head, i + 3, i + 3 + size);
      if (doc === 'webm') return 'webm';
      if (doc === 'matroska') return 'mkv';
      return null;
    }
  }
  return null;
}

/** The video container of a file's first bytes, or null. Image formats (HEIC/AVIF ftyp) are not videos. */
export function sniffVideo(head: Uint8Array): VideoFormat | null {
  if (head.length < 12) return null;
  if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 12) === 'AVI ') return 'avi';
  return ebmlVideo(head) ?? isoVideo(head);
}

/**
 * The Content-Type a clip is served with for playback. Chromium has no video/quicktime type but its
 * MP4 demuxer reads QuickTime/M4V/3GP, so those are served as video/mp4 (the bytes are unchanged).
 */
export function playbackMime(f: VideoFormat): string {
  return f === 'mov' || f === 'm4v' || f === '3gp' ? 'video/mp4' : FORMAT_MIME[f];
}

/** Reads a file's first bytes and sniffs them; null when unreadable or no video. */
export async function sniffVideoFile(file: string): Promise<VideoFormat | null> {
  const head = await readHead(file, VIDEO_SNIFF_BYTES);
  return head ? sniffVideo(head) : null;
}
