// Files of the desktop build that must be real files on disk (native addons, executables, scripts
// another process runs) are unpacked beside app.asar (electron-builder.yml asarUnpack).

/** Maps a path inside app.asar to its unpacked twin (no-op outside an asar). */
export function unpackedPath(p: string): string {
  return p.replace(/([\\/])app\.asar([\\/])/, '$1app.asar.unpacked$2');
}
