// The real camera files of ../shared/fixtures/real-photos (read-only; see its README). Absent in a
// plain clone: tests that need them skip with a message saying so.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The folder, or null when it is not there. */
export function realPhotosDir(): string | null {
  const dir = path.join(process.env.SMOLALBUM_SHARED_DIR ?? path.resolve(repoRoot, '../shared'), 'fixtures', 'real-photos');
  return existsSync(dir) ? dir : null;
}

export const REAL_PHOTOS_ABSENT = 'skipped: ../shared/fixtures/real-photos is absent (a plain clone; set SMOLALBUM_SHARED_DIR to its parent folder)';
