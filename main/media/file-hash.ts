// The content hash that names cached files (thumbnails, keyframes, chat attachment copies): SHA-256
// of the bytes, streamed so a multi-GB video is never held in memory.
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';

const CHUNK = 1 << 20;

/** The same hash of bytes already in memory (a photo read whole, an uploaded image). */
export const hashBytes = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

export async function hashFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  const fh = await open(file, 'r');
  try {
    // One buffer read into again and again: no new megabyte per chunk to zero, fault in and collect.
    const buf = Buffer.allocUnsafe(CHUNK);
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, CHUNK, null);
      if (!bytesRead) break;
      hash.update(buf.subarray(0, bytesRead));
    }
  } finally {
    await fh.close();
  }
  return hash.digest('hex');
}
