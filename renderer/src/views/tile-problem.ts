// What a tile (or the detail) says about a file it has no picture for. Pure: unit-tested under Node.
import type { PhotoStatus } from '../../../shared/types';

export type TileProblem = 'unsupported' | 'damaged' | 'unreadable' | 'offline' | 'nopreview';

/** What a tile says instead of a picture it cannot show, from the stored reason. */
export function problemOf(status: PhotoStatus, error: string | null): TileProblem | null {
  if (status === 'damaged') return 'damaged';
  if (status === 'offline') return 'offline';
  // A kept photo with a reason but no picture: a RAW without an embedded preview.
  if (status === 'ok') return error ? 'nopreview' : null;
  if (status !== 'error') return null;
  if (/not a supported|not an image|text file|unsupported|can't decode|cannot decode|no video stream/i.test(error ?? '')) return 'unsupported';
  if (/damaged|truncat|corrupt|premature|incomplete/i.test(error ?? '')) return 'damaged';
  return 'unreadable';
}
