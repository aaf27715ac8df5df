// The real camera files of ../shared/fixtures/real-photos (see its README): the one place tests find
// them. A plain clone has no ../shared; tests then skip with a message saying so.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The real-photos folder, or null when ../shared (or SMOLALBUM_SHARED_DIR) is absent. */
export function realPhotosDir(): string | null {
  const dir = path.join(process.env.SMOLALBUM_SHARED_DIR ?? path.resolve(REPO_ROOT, '../shared'), 'fixtures', 'real-photos');
  return existsSync(dir) ? dir : null;
}

export const REAL_PHOTOS_MISSING = 'skipped: ../shared/fixtures/real-photos is absent (a plain clone); set SMOLALBUM_SHARED_DIR to run it';
