// Many grid thumbnails in one answer (web mode's GET /api/thumbs?ids=…). Chromium pays several ms of
// CPU for every HTTP request (about 10 ms a thumbnail on a 2-core machine, with `npm run bench -- ui`);
// a grid page shows ~90 tiles, so one request per tile kept the machine busy after the results showed.
// Layout: a u32 little-endian header length, the header (UTF-8 JSON: ThumbBatchEntry[] in body
// order), then the images' bytes back to back. Ids without a thumbnail are left out.

/** Most ids one request may name. */
export const THUMB_BATCH_MAX = 120;

export interface ThumbBatchEntry {
  id: number;
  mime: string;
  length: number;
}

/** 'ids=3,1,2' → [3, 1, 2] (duplicates dropped); null when not 1–THUMB_BATCH_MAX positive ids. */
export function parseThumbIds(text: string): number[] | null {
  if (!/^[1-9]\d{0,15}(,[1-9]\d{0,15})*$/.test(text)) return null;
  const ids = [...new Set(text.split(',').map(Number))];
  if (ids.length > THUMB_BATCH_MAX || !ids.every(Number.isSafeInteger)) return null;
  return ids;
}

/** The bytes before the images: length prefix and header. */
export function thumbBatchHead(entries: ThumbBatchEntry[]): Uint8Array {
  const header = new TextEncoder().encode(JSON.stringify(entries));
  const head = new Uint8Array(4 + header.length);
  new DataView(head.buffer).setUint32(0, header.length, true);
  head.set(header, 4);
  return head;
}

/** Splits an answer into its images (views of `body`, no copies). Throws on a body that does not add up. */
export function readThumbBatch(body: ArrayBuffer): { id: number; mime: string; bytes: Uint8Array<ArrayBuffer> }[] {
  const fail = (why: string) => new Error(`Thumbnail batch: ${why}`);
  if (body.byteLength < 4) throw fail('shorter than its header');
  const headerLength = new DataView(body).getUint32(0, true);
  if (4 + headerLength > body.byteLength) throw fail('header runs past the end');
  const entries = JSON.parse(new TextDecoder().decode(new Uint8Array(body, 4, headerLength))) as ThumbBatchEntry[];
  let at = 4 + headerLength;
  const out = entries.map((e) => {
    const bytes = new Uint8Array(body, at, e.length);
    at += e.length;
    return { id: e.id, mime: e.mime, bytes };
  });
  if (at !== body.byteLength) throw fail(`${body.byteLength - at} bytes left over`);
  return out;
}
