// Where the Electron-ABI build of better-sqlite3 lives (made by scripts/electron-abi.mjs), as seen from
// the running app: beside the package in development, in app.asar.unpacked when packaged (native
// addons cannot be dlopen'ed from inside an asar archive).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { unpackedPath } from '../media/asar';

/** Relative to the better-sqlite3 package folder; keep in sync with scripts/electron-abi.mjs layout(). */
export const ELECTRON_BINDING_REL = path.join('build-electron', 'better_sqlite3.node');

/**
 * The addon to pass to better-sqlite3 under Electron. `packageJson` is the resolved path of
 * better-sqlite3/package.json. Throws a message that says how to produce the build when it is missing.
 */
export function electronSqliteBinding(packageJson: string, exists: (p: string) => boolean = existsSync): string {
  const file = unpackedPath(path.join(path.dirname(packageJson), ELECTRON_BINDING_REL));
  if (!exists(file)) {
    throw new Error(`better-sqlite3 has no build for this Electron (${file} is missing). ` +
      'Run "npm start" or "node scripts/electron-abi.mjs electron" to build it.');
  }
  return file;
}
