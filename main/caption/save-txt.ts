// "Save .txt beside images": IMG_1.jpg → IMG_1.txt in the same folder (the dataset convention).
// Existing .txt files are kept unless overwrite is asked; each file is written atomically.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { CaptionItem } from '../../shared/contract/chat';
import type { CaptionInput } from './inputs';
import { writeFileAtomic } from '../media/atomic-write';

export interface SaveTxtResult {
  written: number;
  skipped: number;
  errors: { path: string; error: string }[];
}

export const txtPathFor = (imageFile: string): string => path.join(path.dirname(imageFile), `${path.parse(imageFile).name}.txt`);

export async function saveTxtFiles(entries: { item: CaptionItem; input: CaptionInput }[], overwrite: boolean): Promise<SaveTxtResult> {
  const out: SaveTxtResult = { written: 0, skipped: 0, errors: [] };
  for (const { item, input } of entries) {
    if (item.status !== 'done' || item.caption === null) { out.skipped++; continue; }
    if (input.source === 'upload') {
      out.errors.push({ path: item.name, error: 'Uploaded from the browser: there is no folder to save beside. Use Export instead.' });
      continue;
    }
    const txt = txtPathFor(input.file);
    if (!overwrite && existsSync(txt)) { out.skipped++; continue; }
    try {
      await writeFileAtomic(txt, `${item.caption}\n`);
      out.written++;
    } catch (err) {
      out.errors.push({ path: txt, error: (err as Error).message });
    }
  }
  return out;
}
