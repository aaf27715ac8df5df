// The content hash that names cached files (thumbnails, keyframes, chat attachment copies): SHA-256
// of the bytes, streamed so a multi-GB video is never held in memory.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

export async function hashFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
