// Runs one export: XMP sidecars (merged), dataset .txt files, or a CSV / JSONL table. Originals are
// never opened for writing; every file is written atomically; per-file problems are reported and the
// export goes on.
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Db } from '../db/connection';
import type { ExportSummary } from '../../shared/contract/export';
import { exportRows, type ExportRow } from './export-rows';
import { mergeXmp, type XmpPlace } from './xmp-doc';
import { AppError, kindOf } from '../../shared/errors';
import { countryName } from '../../shared/country-names';
import { SidecarPlanner } from './sidecar-paths';
import { writeFileAtomic } from '../media/atomic-write';
import { csvTable, jsonlTable } from './table-format';

export type TxtFormat = 'caption' | 'tags' | 'tags, caption';

export interface ExportOptions {
  kind: 'xmp' | 'txt' | 'csv' | 'jsonl';
  out?: string;
  txtFormat: TxtFormat;
  overwrite: boolean;
  photoIds?: number[];
}

/** Sidecars in flight at once: enough to hide fsync latency, few enough to stay gentle on disks. */
const CONCURRENCY = 8;

export async function runExport(db: Db, opts: ExportOptions): Promise<ExportSummary> {
  const summary: ExportSummary = { written: 0, skipped: 0, errors: [], files: [] };
  if (opts.kind === 'csv' || opts.kind === 'jsonl') {
    if (!opts.out) throw new AppError('input', 'csv and jsonl export need an output file');
    const file = path.resolve(opts.out);
    const rows = [...exportRows(db, opts.photoIds)];
    await writeFileAtomic(file, opts.kind === 'csv' ? csvTable(rows) : jsonlTable(rows));
    return { ...summary, written: rows.length, files: [file] };
  }

  const planner = new SidecarPlanner(opts.out ? path.resolve(opts.out) : null);
  const claimed = new Map<string, string>();
  const tasks: { target: string; run: () => Promise<void> }[] = [];
  for (const row of exportRows(db, opts.photoIds)) {
    const tags = row.tags;
    // Nothing to say: no caption, no tags (and, for XMP, no place, rating or label). Damaged photos are shown, so exported too.
    const xmpOnly = opts.kind === 'xmp' && (!!xmpPlace(row) || row.rating !== null || row.label !== null);
    if ((row.status !== 'ok' && row.status !== 'damaged') || (!row.caption && !tags.length && !xmpOnly)) { summary.skipped++; continue; }
    if (opts.kind === 'txt' && !txtContent(row, opts.txtFormat)) { summary.skipped++; continue; }
    const target = planner.pathFor(row, opts.kind);
    if (path.resolve(target) === path.resolve(row.path)) {
      summary.errors.push({ path: target, error: 'the sidecar would replace the photo itself; skipped' });
      continue;
    }
    const owner = claimed.get(target);
    if (owner) {
      summary.errors.push({ path: target, error: `also the sidecar of ${owner} (same name in the same folder); skipped` });
      continue;
    }
    claimed.set(target, row.path);
    tasks.push({ target, run: async () => {
      const outcome = opts.kind === 'xmp'
        ? await writeXmpSidecar(target, row, !!opts.out)
        : await writeTxtSidecar(target, txtContent(row, opts.txtFormat)!, opts.overwrite, !!opts.out);
      if (outcome === 'written') { summary.written++; summary.files.push(target); } else summary.skipped++;
    } });
  }
  await runPool(tasks.map((t) => t.run), CONCURRENCY, (i, err) => {
    summary.errors.push({ path: tasks[i]!.target, error: (err as Error).message });
  });
  summary.errors.sort((a, b) => a.path.localeCompare(b.path));
  summary.files.sort();
  return summary;
}

async function readIfExists(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new Error(`cannot read the existing sidecar ${file}: ${(err as Error).message}`);
  }
}

async function writeXmpSidecar(file: string, row: ExportRow, mkdirs: boolean): Promise<'written' | 'unchanged'> {
  const existing = await readIfExists(file);
  let xml: string;
  try {
    xml = mergeXmp(existing, { caption: row.caption, tags: row.tags, place: xmpPlace(row), rating: row.rating, label: row.label });
  } catch (err) {
    if (kindOf(err) === 'unsupported') throw new AppError('unsupported', `the existing sidecar ${file} is malformed (${(err as Error).message}); left unchanged`);
    throw err;
  }
  if (xml === existing) return 'unchanged';
  await writeFileAtomic(file, xml, { mkdirs });
  return 'written';
}

/** The place as written to XMP: names always, coordinates only for a place a person set. */
function xmpPlace(row: ExportRow): XmpPlace | null {
  const p = row.place;
  if (!p || (!p.city && !p.countryCode)) return null;
  return {
    city: p.city, region: p.region, countryCode: p.countryCode,
    country: p.countryCode ? countryName(p.countryCode, 'en') : null,
    gps: p.source === 'user' ? { lat: p.lat, lon: p.lon } : null,
  };
}

async function writeTxtSidecar(file: string, text: string, overwrite: boolean, mkdirs: boolean): Promise<'written' | 'unchanged'> {
  if (!overwrite && (await stat(file).then(() => true, () => false))) return 'unchanged';
  await writeFileAtomic(file, `${text}\n`, { mkdirs });
  return 'written';
}

export function txtContent(row: Pick<ExportRow, 'caption' | 'tags'>, format: TxtFormat): string | null {
  const caption = row.caption?.replace(/\s+/g, ' ').trim() ?? '';
  const tags = row.tags.join(', ');
  const text = format === 'caption' ? caption : format === 'tags' ? tags : [tags, caption].filter(Boolean).join(', ');
  return text || null;
}

async function runPool(tasks: (() => Promise<void>)[], limit: number, onError: (index: number, err: unknown) => void): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      try { await tasks[i]!(); } catch (err) { onError(i, err); }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
}
