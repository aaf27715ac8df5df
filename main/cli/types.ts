// A CLI command: parsed by node:util parseArgs, run against a lazily created context.
import type { ParseArgsConfig } from 'node:util';
import type { AppContext } from '../service/context';
import type { Service } from '../../shared/api';

export interface CliIo {
  json: boolean;
  isTTY: boolean;
  /** Human output (suppressed in --json mode so stdout stays machine-readable). */
  print(text: string): void;
  /** Machine output for --json. */
  printJson(value: unknown): void;
  /** Diagnostics and progress: always stderr. */
  log(text: string): void;
  /** The library of --data-dir (opened on first use). */
  ctx(): AppContext;
  service(): Service;
  /** Resolves when the user presses Ctrl-C (first press); commands use it to stop gracefully. */
  interrupted: Promise<void>;
}

export interface CliCommand {
  name: string;
  summary: string;
  usage: string;
  options?: ParseArgsConfig['options'];
  run(args: { positionals: string[]; values: Record<string, string | boolean | string[] | undefined> }, io: CliIo): Promise<number | void>;
}
