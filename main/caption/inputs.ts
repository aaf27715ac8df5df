// Turns what was dropped (files, folders, browser uploads) into the list of images to caption.
// Folders are walked recursively by the library's walker (hidden/system entries skipped, links not
// followed) and keep only image and video file extensions;
// a file given directly is always queued, so a bad one shows its own error instead of vanishing.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { isImageName, isVideoName } from '../../shared/media';
import { listFiles } from '../media/walk';
import { resolveUpload } from '../uploads/store';
import { AppError } from '../../shared/errors';

export interface CaptionInput {
  /** File the engine reads. */
  file: string;
  /** Shown name, and {filename} in prompts (without extension). */
  name: string;
  /** Name of the folder it lies in ({folder}); '' for uploads. */
  folder: string;
  source: 'path' | 'upload';
  uploadId?: string;
}

export const MAX_BATCH_FILES = 10_000;
/** Images, and videos (captioned from their keyframes). */
const isCaptionable = (name: string): boolean => isImageName(name) || isVideoName(name);

export async function collectInputs(paths: string[], uploadIds: string[], uploadsDir: string): Promise<{
  inputs: CaptionInput[]; rejected: { name: string; error: string }[];
}> {
  const inputs: CaptionInput[] = [];
  const rejected: { name: string; error: string }[] = [];
  const seen = new Set<string>();
  const add = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    inputs.push({ file, name: path.basename(file), folder: path.basename(path.dirname(file)), source: 'path' });
  };
  for (const raw of paths) {
    if (!path.isAbsolute(raw)) { rejected.push({ name: raw, error: 'Give an absolute path.' }); continue; }
    const p = path.resolve(raw);
    const st = await stat(p).catch(() => null);
    if (!st) rejected.push({ name: p, error: 'No such file or folder.' });
    else if (st.isDirectory()) {
      const files = await listFiles(p, { accept: isCaptionable, limit: MAX_BATCH_FILES }).catch((err: Error) => { rejected.push({ name: p, error: err.message }); return []; });
      if (files.length === 0) rejected.push({ name: p, error: 'This folder holds no images or videos.' });
      files.forEach(add);
    } else if (st.isFile()) add(p);
    else rejected.push({ name: p, error: 'Not a regular file.' });
  }
  for (const id of uploadIds) {
    try {
      const up = await resolveUpload(uploadsDir, id);
      inputs.push({ file: up.file, name: up.name, folder: '', source: 'upload', uploadId: id });
    } catch (err) {
      rejected.push({ name: id, error: (err as Error).message });
    }
  }
  if (inputs.length > MAX_BATCH_FILES) throw new AppError('too_large', `Too many files (${inputs.length}); caption at most ${MAX_BATCH_FILES} at once.`);
  return { inputs, rejected };
}
