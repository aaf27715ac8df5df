// HTTP Range (RFC 9110 §14) for media files, shared by web mode's /media/:id and the Electron
// smolalbum:// protocol handler, so <video> seeks the same way in both. One range per request: that
// is what media elements send; a multi-range request is answered with the whole file, which the RFC
// allows. A malformed or unsatisfiable `bytes=` range is answered 416 with the size.

export type RangeAnswer =
  | { kind: 'full' }
  | { kind: 'partial'; start: number; end: number }
  | { kind: 'unsatisfiable' };

/** Reads a Range header against a file of `size` bytes. */
export function parseRange(header: string | null | undefined, size: number): RangeAnswer {
  if (header === null || header === undefined || header.trim() === '') return { kind: 'full' };
  const m = /^\s*([A-Za-z]+)\s*=\s*(.*)$/.exec(header);
  // Another unit than bytes is ignored (RFC 9110 §14.2).
  if (!m || m[1]!.toLowerCase() !== 'bytes') return { kind: 'full' };
  const specs = m[2]!.split(',').map((s) => s.trim()).filter(Boolean);
  if (specs.length !== 1) return specs.length === 0 ? { kind: 'unsatisfiable' } : { kind: 'full' };
  const r = /^(\d*)-(\d*)$/.exec(specs[0]!);
  if (!r || (r[1] === '' && r[2] === '')) return { kind: 'unsatisfiable' };
  if (r[1] === '') {
    // Suffix: the last N bytes.
    const n = Number(r[2]);
    if (!Number.isSafeInteger(n) || n === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'partial', start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(r[1]);
  const end = r[2] === '' ? size - 1 : Math.min(Number(r[2]), size - 1);
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start >= size || end < start) return { kind: 'unsatisfiable' };
  return { kind: 'partial', start, end };
}

export interface RangeReply {
  status: 200 | 206 | 416;
  headers: Record<string, string>;
  /** Bytes to send (inclusive end); null for 416. */
  slice: { start: number; end: number } | null;
}

/** Status, headers and byte slice of a media response (caller adds Content-Type, caching, security headers). */
export function rangeReply(header: string | null | undefined, size: number): RangeReply {
  const r = parseRange(header, size);
  if (r.kind === 'unsatisfiable') {
    return { status: 416, headers: { 'Content-Range': `bytes */${size}`, 'Accept-Ranges': 'bytes' }, slice: null };
  }
  if (r.kind === 'full') {
    return { status: 200, headers: { 'Accept-Ranges': 'bytes', 'Content-Length': String(size) }, slice: size ? { start: 0, end: size - 1 } : null };
  }
  return {
    status: 206,
    headers: { 'Accept-Ranges': 'bytes', 'Content-Range': `bytes ${r.start}-${r.end}/${size}`, 'Content-Length': String(r.end - r.start + 1) },
    slice: { start: r.start, end: r.end },
  };
}
