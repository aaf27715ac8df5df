// Where the real camera files for tests live (see its README): $SMOLALBUM_SHARED_DIR or ../shared next
// to the repository, + /fixtures/real-photos. Null when absent (a plain clone): tests skip then.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export function realPhotosDir(): string | null {
  const shared = process.env.SMOLALBUM_SHARED_DIR ?? path.resolve(REPO_ROOT, '../shared');
  const dir = path.join(shared, 'fixtures', 'real-photos');
  return existsSync(dir) ? dir : null;
}

export const REAL_PHOTOS_ABSENT = 'skipped: ../shared/fixtures/real-photos is absent (a plain clone; set SMOLALBUM_SHARED_DIR to its parent folder)';
