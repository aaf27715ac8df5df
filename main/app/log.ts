// The desktop app's log: one file in userData/logs, rotated by size (main.log → main.1.log → …), so a
// long-running install never fills the disk. Synchronous appends: the main process logs little, and a
// line written just before a crash must reach the disk.
import { appendFileSync, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';

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
  readonly file: string;
  log(level: Level, msg: string): void;
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

export function createLogger(opts: LogOptions): Logger {
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
    const line = `${new Date().toISOString()} ${level.toUpperCase()} ${msg.replace(/\r?\n/g, '\n    ')}\n`;
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
