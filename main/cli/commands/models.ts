// `smolalbum models list | pull REPO [--revision R] [--dtype D] | import DIR | rm REPO`
import path from 'node:path';
import type { CliCommand, CliIo } from '../types';
import { invoke } from '../../service/invoke';
import type { DownloadProgress, ModelInfo } from '../../../shared/contract/models';

const USAGE = 'models list | pull REPO [--revision R] [--dtype D] | import DIR | rm REPO';

export function formatBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) { v /= 1000; i++; }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

function formatEta(ms: number | null): string {
  if (ms === null) return '--';
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/** Progress on stderr: a rewritten line on a terminal, at most one line a second otherwise. */
function progressPrinter(io: CliIo): (p: DownloadProgress) => void {
  let last = 0;
  return (p) => {
    const now = Date.now();
    if (p.retry) {
      // Every retry is said, with its reason, as it happens (Ctrl-C stops the pull).
      const r = p.retry;
      const wait = r.delayMs >= 1000 ? `${Math.round(r.delayMs / 1000)} s` : `${r.delayMs} ms`;
      io.log(`${io.isTTY ? '\n' : ''}Retrying in ${wait} (attempt ${r.attempt} of ${r.of}): ${r.reason}`);
      return;
    }
    if (!p.done && !io.isTTY && now - last < 1000) return;
    last = now;
    const pct = p.total > 0 ? Math.floor((p.bytes / p.total) * 100) : 100;
    const line = `${p.done ? 'Done' : 'Downloading'} ${p.file}  ${formatBytes(p.bytes)} / ${formatBytes(p.total)} (${pct}%)  ${formatBytes(p.bytesPerSec)}/s  ETA ${formatEta(p.etaMs)}`;
    io.log(io.isTTY ? `\r${line.padEnd(100)}${p.done ? '\n' : '\r'}` : line);
  };
}

function printModels(io: CliIo, models: ModelInfo[]): void {
  if (!models.length) { io.print('No models yet. Try: smolalbum models pull HuggingFaceTB/SmolVLM-256M-Instruct'); return; }
  const rows = models.map((m) => [m.repo, m.revision.slice(0, 8), m.dtype, m.state, formatBytes(m.bytes), m.path]);
  const header = ['MODEL', 'REVISION', 'DTYPE', 'STATE', 'SIZE', 'PATH'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  for (const r of [header, ...rows]) io.print(r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  '));
}

export const modelsCommand: CliCommand = {
  name: 'models',
  summary: 'List, download (from HF_ENDPOINT), import and remove SmolVLM models',
  usage: USAGE,
  options: {
    revision: { type: 'string' },
    dtype: { type: 'string' },
  },
  async run({ positionals, values }, io) {
    const [sub, arg, ...extra] = positionals;
    const needsArg = sub === 'pull' || sub === 'import' || sub === 'rm';
    if (!sub || !['list', 'pull', 'import', 'rm'].includes(sub) || (needsArg && !arg) || extra.length || (sub === 'list' && arg)) {
      io.log(`Usage: smolalbum ${USAGE}`);
      return 2;
    }
    const service = io.service();
    const out = (value: ModelInfo | ModelInfo[] | { removed: boolean }, human: () => void) => (io.json ? io.printJson(value) : human());

    if (sub === 'list') {
      const models = await invoke(service, 'models.list', {}) as ModelInfo[];
      out(models, () => printModels(io, models));
      return 0;
    }
    if (sub === 'rm') {
      const result = await invoke(service, 'models.remove', { repo: arg }) as { removed: boolean };
      out(result, () => io.print(result.removed ? `Removed ${arg}` : `${arg} is not in the model store`));
      return result.removed ? 0 : 1;
    }
    const off = io.ctx().events.on('models.download', progressPrinter(io));
    try {
      const work = sub === 'pull'
        ? invoke(service, 'models.pull', { repo: arg, revision: values.revision, dtype: values.dtype ?? 'auto' })
        : invoke(service, 'models.import', { dir: path.resolve(arg) });
      const stopped = io.interrupted.then(() => null);
      const model = await Promise.race([work, stopped]) as ModelInfo | null;
      if (!model) {
        io.log('\nInterrupted: what was downloaded is kept and the next pull resumes it.');
        work.catch(() => {}); // aborted when the library closes
        return 130;
      }
      out(model, () => io.print(`${sub === 'pull' ? 'Ready' : 'Imported'}: ${model.repo} @ ${model.revision.slice(0, 8)} (${model.dtype}, ${formatBytes(model.bytes)})\n${model.path}`));
      return 0;
    } finally {
      off();
    }
  },
};
