// `export --xmp | --txt [--format caption|tags|"tags, caption"] [--overwrite] | --csv FILE | --jsonl FILE [--out DIR]`
import path from 'node:path';
import type { CliCommand } from '../types';
import { invoke } from '../../service/invoke';
import type { ExportSummary } from '../../../shared/contract/export';

const USAGE = 'export --xmp | --txt [--format caption|tags|"tags, caption"] [--overwrite] | --csv FILE | --jsonl FILE [--out DIR]';

export const exportCommand: CliCommand = {
  name: 'export',
  summary: 'Write captions and tags to XMP sidecars, dataset .txt files, CSV or JSONL (photos are never modified)',
  usage: USAGE,
  options: {
    xmp: { type: 'boolean', default: false },
    txt: { type: 'boolean', default: false },
    csv: { type: 'string' },
    jsonl: { type: 'string' },
    format: { type: 'string' },
    overwrite: { type: 'boolean', default: false },
    out: { type: 'string' },
  },
  async run({ values }, io) {
    const kinds = (['xmp', 'txt', 'csv', 'jsonl'] as const).filter((k) => values[k] !== undefined && values[k] !== false);
    if (kinds.length !== 1) {
      io.log(`Choose one of --xmp, --txt, --csv FILE, --jsonl FILE.\nUsage: smolalbum ${USAGE}`);
      return 2;
    }
    const kind = kinds[0]!;
    const table = kind === 'csv' || kind === 'jsonl';
    if (table && values.out !== undefined) { io.log(`--out is for sidecars (--xmp, --txt); --${kind} takes the output file.`); return 2; }
    if (values.format !== undefined && kind !== 'txt') { io.log('--format applies to --txt only.'); return 2; }
    const out = table ? (values[kind] as string) : (values.out as string | undefined);
    const summary = (await invoke(io.service(), 'export.run', {
      kind,
      out: out ? path.resolve(out) : undefined,
      txtFormat: values.format,
      overwrite: values.overwrite === true,
    })) as ExportSummary;
    if (io.json) io.printJson(summary);
    else {
      const what = table ? `${summary.written} photos to ${summary.files[0]}` : `${summary.written} ${kind} files written, ${summary.skipped} skipped`;
      io.print(`Exported ${what}`);
    }
    for (const e of summary.errors) io.log(`Error: ${e.error}`);
    return summary.errors.length ? 1 : 0;
  },
};
