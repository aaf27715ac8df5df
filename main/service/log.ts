// The log of a running library (AppContext.log): one file in the data folder's logs/, rotated by size
// (main.log → main.1.log → …), so a long-running install never fills the disk; the CLI logs to stderr
// instead. Synchronous appends: little is logged, and a line written just before a crash must reach
// the disk. Failures go through logFailure(): only faults (kind `internal`) are logged, with stacks.
import { appendFileSync, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { isFault } from '../../shared/errors';

export interface LogOptions {
  dir: string;
  /** Base name without extension (default "main"). */
  name?: string;
  /** Rotate when the current file would grow past this (default 1 MiB). */
  maxBytes?: number;
  /** Rotated files kept besides the current one (default 3). */
  keep?: number;
  /** Also echo to stderr (development). */
  echo?: boolean;
}

export type Level = 'info' | 'warn' | 'error';

export interface Logger {
  /** The current log file, or null when the log goes to stderr only. */
  readonly file: string | null;
  log(level: Level, msg: string): void;
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

export function createLogger(opts: LogOptions): Logger & { readonly file: string } {
  const name = opts.name ?? 'main';
  const maxBytes = opts.maxBytes ?? 1024 * 1024;
  const keep = Math.max(1, opts.keep ?? 3);
  mkdirSync(opts.dir, { recursive: true });
  const file = path.join(opts.dir, `${name}.log`);
  const rotated = (i: number) => path.join(opts.dir, `${name}.${i}.log`);
  let size = existsSync(file) ? statSync(file).size : 0;

  const rotate = () => {
    rmSync(rotated(keep), { force: true });
    for (let i = keep - 1; i >= 1; i--) if (existsSync(rotated(i))) renameSync(rotated(i), rotated(i + 1));
    if (existsSync(file)) renameSync(file, rotated(1));
    size = 0;
  };

  const log = (level: Level, msg: string) => {
    const line = lineOf(level, msg);
    const bytes = Buffer.byteLength(line);
    try {
      if (size > 0 && size + bytes > maxBytes) rotate();
      appendFileSync(file, line);
      size += bytes;
    } catch {
      // Logging must never take the app down (disk full, folder removed): the line is dropped.
    }
    if (opts.echo) process.stderr.write(line);
  };
  return {
    file,
    log,
    info: (m) => log('info', m),
    warn: (m) => log('warn', m),
    error: (m) => log('error', m),
  };
}

const lineOf = (level: Level, msg: string): string => `${new Date().toISOString()} ${level.toUpperCase()} ${msg.replace(/\r?\n/g, '\n    ')}\n`;

/** The CLI's log: stderr only (a one-shot command's diagnostics belong on its terminal). */
export function stderrLogger(): Logger {
  const log = (level: Level, msg: string) => { process.stderr.write(lineOf(level, msg)); };
  return { file: null, log, info: (m) => log('info', m), warn: (m) => log('warn', m), error: (m) => log('error', m) };
}

/**
 * Logs a failure an adapter answered, if it is a fault (a bug or unexpected failure, with its stack).
 * A person's mistake (bad input, not found, …) was already answered to them and is not a fault.
 */
export function logFailure(log: Logger, where: string, err: unknown): void {
  if (!isFault(err)) return;
  log.error(`${where}: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
}
