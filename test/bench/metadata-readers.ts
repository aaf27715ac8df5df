// Part (f) of `npm run bench -- index`: metadata ms/photo, exifr vs ExifTool, side by side on the same
// files — the measurement behind the reader rule in main/library/metadata.ts. Two sets: the bench's
// 12 MP camera JPEGs and, when present, the real camera files of ../shared/fixtures/real-photos
// (HEIC, AVIF, TIFF, PNG, damaged JPEGs). Files are read into memory first (the indexer holds the
// bytes when it reads metadata), one file at a time, ExifTool's process already started.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { readExifrTags } from '../../main/library/metadata-exifr';
import { readExifToolTags } from '../../main/library/metadata-exiftool';
import { exifrReads, readPhotoMeta } from '../../main/library/metadata';
import { sniffFormat } from '../../main/media/sniff';
import { closeExifTool } from '../../main/media/exiftool';
import { realPhotosDir } from '../support/real-photos';

export interface ReaderFigures {
  files: number;
  exifrMsPerPhoto: number | null;
  exiftoolMsPerPhoto: number;
  /** readPhotoMeta, i.e. the rule: exifr, ExifTool where exifr is not right. */
  appMsPerPhoto: number;
  /** Share of files the rule sends to ExifTool. */
  exiftoolShare: number;
}

const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;

function imagesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...imagesUnder(p));
    else if (sniffFormat(readFileSync(p).subarray(0, 32))) out.push(p);
  }
  return out.sort();
}

async function measure(files: string[]): Promise<ReaderFigures> {
  const items = files.map((file) => {
    const buf = readFileSync(file);
    return { file, buf, format: sniffFormat(buf.subarray(0, 32)) };
  });
  const exifrItems = items.filter((i) => exifrReads(i.format, i.file));
  const time = async (list: typeof items, fn: (i: (typeof items)[number]) => Promise<unknown>) => {
    const t0 = performance.now();
    for (const i of list) await fn(i);
    return (performance.now() - t0) / Math.max(1, list.length);
  };
  // Warm up both readers outside the timing: ExifTool's process start, exifr's first-call JIT.
  await readExifToolTags(items[0]!.file);
  for (const i of exifrItems.slice(0, 5)) await readExifrTags(i.buf, null);
  const exifrMs = exifrItems.length ? await time(exifrItems, (i) => readExifrTags(i.buf, null)) : null;
  const exiftoolMs = await time(items, (i) => readExifToolTags(i.file));
  let viaExifTool = 0;
  const appMs = await time(items, async (i) => {
    const meta = await readPhotoMeta({ path: i.file, buf: i.buf, format: i.format, header: null });
    if (meta.reader === 'exiftool') viaExifTool++;
  });
  return {
    files: items.length,
    exifrMsPerPhoto: exifrMs === null ? null : round(exifrMs),
    exiftoolMsPerPhoto: round(exiftoolMs),
    appMsPerPhoto: round(appMs),
    exiftoolShare: round(viaExifTool / items.length, 3),
  };
}

export async function metadataReaders(cameraJpegs: string[], log: (s: string) => void): Promise<{ cameraJpegs: ReaderFigures; realPhotos: ReaderFigures | null }> {
  try {
    const camera = await measure(cameraJpegs.slice(0, 300));
    log(`(f) metadata, ${camera.files} camera JPEGs: exifr ${camera.exifrMsPerPhoto} ms/photo, ExifTool ${camera.exiftoolMsPerPhoto} ms/photo; app rule ${camera.appMsPerPhoto} ms/photo (${Math.round(camera.exiftoolShare * 100)} % via ExifTool)`);
    const dir = realPhotosDir();
    const real = dir ? await measure(imagesUnder(dir)) : null;
    if (real) log(`    metadata, ${real.files} real camera files: exifr ${real.exifrMsPerPhoto} ms/photo (on the formats it reads), ExifTool ${real.exiftoolMsPerPhoto} ms/photo; app rule ${real.appMsPerPhoto} ms/photo (${Math.round(real.exiftoolShare * 100)} % via ExifTool)`);
    else log('    metadata on real camera files: skipped (../shared/fixtures/real-photos is absent)');
    return { cameraJpegs: camera, realPhotos: real };
  } finally {
    await closeExifTool();
  }
}
