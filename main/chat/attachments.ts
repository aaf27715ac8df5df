// Chat attachments. Files from outside the library are copied into the data folder under the hash of
// their content (the same picture attached twice is stored once), so a conversation keeps working when
// the original is moved or deleted. Library photos are referenced by id.
import { existsSync } from 'node:fs';
import { hashFile } from '../media/file-hash';
import { copyFile } from 'node:fs/promises';
import path from 'node:path';
import type { AppContext } from '../service/context';
import type { ChatAttachment } from '../../shared/contract/chat';
import { inspectImage } from '../media/check';
import { writeFileAtomic } from '../media/atomic-write';
import { decodeImage, toSharp } from '../media/decode';
import { AppError } from '../../shared/errors';
import { fileKeyframes, videoKeyframes } from '../ai/video-frames';
import { sniffVideoFile } from '../media/video/formats';

const STORED_ID = /^[0-9a-f]{64}\.[a-z0-9]{2,5}$/;
const THUMB_PX = 192;


/**
 * Copies an image or a video into the attachment store (content-addressed) and returns its attachment
 * record; a video's keyframes are made now (its first one is the preview), as for a library video.
 */
export async function storeAttachment(ctx: AppContext, src: string, displayName: string): Promise<ChatAttachment> {
  const video = await sniffVideoFile(src);
  const ext = video ?? (await inspectImage(src, displayName)).ext;
  const id = `${await hashFile(src)}.${ext}`;
  const dest = path.join(ctx.paths.attachments, id);
  if (!existsSync(dest)) {
    // A crash never leaves a half-written file under the final name.
    await writeFileAtomic(dest, (tmp) => copyFile(src, tmp));
  }
  if (video) {
    const frames = await fileKeyframes(ctx, dest);
    if (!frames) throw new AppError('unsupported', `${displayName} is not a video that can be read.`);
    return { kind: 'file', id, name: displayName, thumb: await thumbDataUrl(frames[0]!.path), frames: frames.map((f) => f.timeMs) };
  }
  return { kind: 'file', id, name: displayName, thumb: await thumbDataUrl(dest) };
}

async function thumbDataUrl(file: string): Promise<string | null> {
  try {
    const img = await decodeImage(file, { resize: { width: THUMB_PX, height: THUMB_PX, fit: 'inside' } });
    const buf = await toSharp(img).webp({ quality: 70 }).toBuffer();
    return `data:image/webp;base64,${buf.toString('base64')}`;
  } catch {
    return null;
  }
}

/**
 * A library photo as an attachment (by id). A video is seen through its keyframes (issue 12): they
 * are made now, so a clip with no decodable frame is refused before anything is written.
 */
export async function photoAttachment(ctx: AppContext, photoId: number): Promise<ChatAttachment> {
  const row = photoRow(ctx, photoId);
  if (!row) throw new AppError('not_found', `Photo ${photoId} is not in the library.`);
  const attachment: ChatAttachment = { kind: 'photo', id: String(photoId), name: row.file_name };
  const frames = await videoKeyframes(ctx, photoId, path.join(row.root, row.rel_path));
  return frames ? { ...attachment, frames: frames.map((f) => f.timeMs) } : attachment;
}

function photoRow(ctx: AppContext, photoId: number) {
  return ctx.db.prepare(
    'SELECT r.path AS root, p.rel_path, p.file_name FROM photos p JOIN roots r ON r.id = p.root_id WHERE p.id = ?',
  ).get(photoId) as { root: string; rel_path: string; file_name: string } | undefined;
}

/**
 * The images the engine reads for an attachment: one file, or a video's keyframes (the same ones the
 * message names, remade if the cache was cleared); a clear error when the file is gone.
 */
export async function attachmentImages(ctx: AppContext, a: ChatAttachment, signal?: AbortSignal): Promise<string[]> {
  const file = attachmentPath(ctx, a);
  if (!a.frames?.length) return [file];
  const frames = a.kind === 'photo'
    ? await videoKeyframes(ctx, Number(a.id), file, signal, a.frames.length)
    : await fileKeyframes(ctx, file, signal, a.frames.length);
  return frames ? frames.map((f) => f.path) : [file];
}

/** Absolute path of an attachment's file (a library original or the stored copy); a clear error when it is gone. */
export function attachmentPath(ctx: AppContext, a: ChatAttachment): string {
  if (a.kind === 'file') {
    if (!STORED_ID.test(a.id)) throw new AppError('input', `Attachment "${a.name}" has an invalid id.`);
    const file = path.join(ctx.paths.attachments, a.id);
    if (!existsSync(file)) throw new AppError('not_found', `The stored copy of "${a.name}" is missing from the data folder.`);
    return file;
  }
  const row = photoRow(ctx, Number(a.id));
  if (!row) throw new AppError('not_found', `Photo "${a.name}" was removed from the library.`);
  const file = path.join(row.root, row.rel_path);
  if (!existsSync(file)) throw new AppError('unavailable', `Photo "${a.name}" is offline (${file} is not reachable).`);
  return file;
}
