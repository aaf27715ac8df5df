// Images waiting in the composer, and how they become attachment references when sent:
// desktop → the file's path (main copies it), web → an upload id, library → the photo id.
import { mediaUrl, platform, uploadFiles } from '../../api';
import type { Input } from '../../../../shared/api';
import { isImageName, isVideoName } from '../../../../shared/media';

export type AttachmentRef = NonNullable<Input<'chat.send'>['attachments']>[number];

export interface PendingAttachment {
  key: string;
  name: string;
  /** Object URL or thumb URL for the preview. */
  preview: string;
  file?: File;
  photoId?: number;
  /** A video file: previewed by the browser's player (its first frame), not as an image. */
  video?: boolean;
}

let counter = 0;
const nextKey = () => `p${++counter}`;

/** A browser may give HEIC no MIME type: the name counts too (the server checks the content). */
export const isImageFile = (f: File): boolean => f.type.startsWith('image/') || isImageName(f.name);
/** Videos are sent as their keyframes (the server makes them). */
export const isVideoFile = (f: File): boolean => f.type.startsWith('video/') || isVideoName(f.name);
export const isMediaFile = (f: File): boolean => isImageFile(f) || isVideoFile(f);

export function pendingFromFiles(files: Iterable<File>): PendingAttachment[] {
  return [...files].filter(isMediaFile).map((file) => ({ key: nextKey(), name: file.name, preview: URL.createObjectURL(file), file, video: isVideoFile(file) }));
}

export function pendingFromPhoto(photoId: number, name: string): PendingAttachment {
  return { key: nextKey(), name, preview: mediaUrl('thumb', photoId), photoId };
}

export function releasePending(p: PendingAttachment): void {
  if (p.file) URL.revokeObjectURL(p.preview);
}

/** Turns composer images into contract references; throws with every file that could not be sent. */
export async function toRefs(pending: PendingAttachment[]): Promise<AttachmentRef[]> {
  const refs: AttachmentRef[] = [];
  const errors: string[] = [];
  for (const p of pending) {
    if (p.photoId !== undefined) refs.push({ kind: 'photo', photoId: p.photoId });
    else if (p.file && platform.pathForFile) refs.push({ kind: 'path', path: platform.pathForFile(p.file) });
    else if (p.file) {
      const r = await uploadFiles([p.file]);
      if (r.uploadIds[0]) refs.push({ kind: 'upload', uploadId: r.uploadIds[0] });
      else errors.push(r.errors[0] ? `${r.errors[0].name}: ${r.errors[0].error}` : `${p.name}: upload failed`);
    }
  }
  if (errors.length) throw new Error(errors.join('\n'));
  return refs;
}
