#!/usr/bin/env node
// smolalbum CLI: thin adapter over the service. Global flags: --data-dir DIR, --json, --help.
import { parseArgs } from 'node:util';
import { commands } from './commands/index';
import { createContext, type AppContext } from '../service/context';
import { createService } from '../service/index';
import { defaultDataDir } from '../service/paths';
import { nodeEngineFactory } from '../engine/factory';
import type { CliIo } from './types';
import type { Service } from '../../shared/api';
import { errorPayload, EXIT_CODE_OF_KIND } from '../../shared/errors';
import { logFailure, stderrLogger } from '../service/log';

const globalOptions = {
  'data-dir': { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

function usage(): string {
  const lines = commands.map((c) => `  ${c.usage.padEnd(60)} ${c.summary}`);
  return `Usage: smolalbum <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nEvery command takes --data-dir DIR (default: ${defaultDataDir()}, or SMOLALBUM_DATA_DIR) and --json.\n`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return name ? 0 : 1;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    process.stderr.write(`Unknown command "${name}".\n\n${usage()}`);
    return 2;
  }
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: { ...globalOptions, ...command.options }, allowPositionals: true, strict: true });
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\nUsage: smolalbum ${command.usage}\n`);
    return 2;
  }
  const values = parsed.values as Record<string, string | boolean | string[] | undefined>;
  if (values.help) {
    process.stdout.write(`Usage: smolalbum ${command.usage}\n${command.summary}\n`);
    return 0;
  }
  const json = values.json === true;
  const dataDir = typeof values['data-dir'] === 'string' ? values['data-dir'] : defaultDataDir();
  let ctx: AppContext | null = null;
  let service: Service | null = null;
  let onInterrupt: () => void = () => {};
  const interrupted = new Promise<void>((resolve) => { onInterrupt = resolve; });
  let interrupts = 0;
  const sigint = () => { interrupts++; if (interrupts > 1) process.exit(130); onInterrupt(); };
  process.on('SIGINT', sigint);
  const log = stderrLogger();
  const io: CliIo = {
    json,
    isTTY: Boolean(process.stderr.isTTY),
    print: (text) => { if (!json) process.stdout.write(text.endsWith('\n') ? text : `${text}\n`); },
    printJson: (value) => { process.stdout.write(`${JSON.stringify(value, null, 2)}\n`); },
    log: (text) => { process.stderr.write(text.endsWith('\n') || text.endsWith('\r') ? text : `${text}\n`); },
    // `serve` answers a browser from one event loop: its searches run on a worker thread.
    ctx: () => (ctx ??= createContext({ dataDir, engineFactory: nodeEngineFactory, log, searchThread: name === 'serve' })),
    service: () => (service ??= createService(io.ctx())),
    interrupted,
  };
  try {
    const code = await command.run({ positionals: parsed.positionals, values }, io);
    return code ?? 0;
  } catch (err) {
    // The CLI adapter's one mapping of an error: its kind's exit code; a fault's stack goes to the log.
    const payload = errorPayload(err);
    logFailure(log, `smolalbum ${name}`, err);
    io.log(`Error: ${payload.message}`);
    return EXIT_CODE_OF_KIND[payload.kind];
  } finally {
    process.off('SIGINT', sigint);
    await (ctx as AppContext | null)?.close();
  }
}

const isEntry = Boolean(process.argv[1] && /cli[\\/]index\.(ts|js)$/.test(process.argv[1]));
if (isEntry) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (err) => { console.error(err); process.exitCode = 1; });
}
