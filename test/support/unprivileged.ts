// Runs a command without the power to ignore file permissions, so "unreadable" and "read-only" tests
// are real even as root. Root keeps its uid (the checkout may sit under a 0700 directory that another
// uid cannot traverse) and drops only CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH, with util-linux's
// setpriv, from the inheritable and bounding sets (so the exec'd process cannot regain them).
import { spawnSync, type SpawnSyncOptionsWithStringEncoding, type SpawnSyncReturns } from 'node:child_process';

const DROPPED = '-dac_override,-dac_read_search';

export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

export function spawnWithoutDacOverride(
  command: string, args: string[], options: SpawnSyncOptionsWithStringEncoding,
): SpawnSyncReturns<string> {
  if (!isRoot()) return spawnSync(command, args, options);
  return spawnSync('setpriv', [`--inh-caps=${DROPPED}`, `--bounding-set=${DROPPED}`, '--', command, ...args], options);
}
