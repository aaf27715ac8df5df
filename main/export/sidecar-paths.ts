// Where a sidecar goes: beside the photo, or in a mirror tree under --out DIR that repeats each
// root's folder layout under the root's folder name (disambiguated by root id when names clash).
import path from 'node:path';
import type { ExportRow } from './export-rows';

export type SidecarKind = 'xmp' | 'txt';

export class SidecarPlanner {
  private readonly rootDirs = new Map<number, string>();
  private readonly usedNames = new Set<string>();

  constructor(private readonly outDir: string | null) {}

  /**
   * XMP: `<file>.xmp` (photo.jpg.xmp, as digiKam, darktable and Immich write it).
   * TXT: `<name>.txt` (photo.txt), the dataset convention captioning and training tools read.
   */
  pathFor(row: ExportRow, kind: SidecarKind): string {
    const rel = kind === 'xmp' ? `${row.relPath}.xmp` : row.relPath.replace(/\.[^./]*$/, '') + '.txt';
    if (!this.outDir) return path.join(row.rootPath, ...rel.split('/'));
    return path.join(this.rootDir(row), ...rel.split('/'));
  }

  private rootDir(row: ExportRow): string {
    let dir = this.rootDirs.get(row.rootId);
    if (!dir) {
      const base = path.basename(row.rootPath) || `root-${row.rootId}`;
      const name = this.usedNames.has(base) ? `${base}-${row.rootId}` : base;
      this.usedNames.add(name);
      dir = path.join(this.outDir!, name);
      this.rootDirs.set(row.rootId, dir);
    }
    return dir;
  }
}
