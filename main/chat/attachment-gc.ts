// Deletes stored attachment copies no message refers to any more (after a conversation is removed).
import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { AppContext } from '../service/context';
import type { ChatRepo } from './repo';

/** Files younger than this may belong to a message being sent right now. */
const GRACE_MS = 10 * 60 * 1000;

export async function collectUnusedAttachments(ctx: AppContext, repo: ChatRepo, now = Date.now()): Promise<number> {
  const used = repo.referencedFileIds();
  let removed = 0;
  for (const name of await readdir(ctx.paths.attachments).catch(() => [] as string[])) {
    if (used.has(name)) continue;
    const file = path.join(ctx.paths.attachments, name);
    const st = await stat(file).catch(() => null);
    if (!st?.isFile() || now - st.mtimeMs < GRACE_MS) continue;
    await rm(file, { force: true });
    removed++;
  }
  return removed;
}
