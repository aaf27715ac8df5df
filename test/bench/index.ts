// `npm run bench -- <name> [--json] [--photos N]`: runs test/bench/<name>.ts, which exports
// run({ json, args }) (args: what followed the name, for benches with options of their own).
const [name, ...rest] = process.argv.slice(2);
if (!name || !/^[a-z0-9-]+$/.test(name)) {
  process.stderr.write('Usage: npm run bench -- <name> [--json]\n');
  process.exit(2);
}
const json = rest.includes('--json');
// Names whose module would clash with this file's own name.
const ALIASES: Record<string, string> = { index: 'index-photos' };
const mod = (await import(`./${ALIASES[name] ?? name}`)) as { run?: (opts: { json: boolean; args: string[] }) => Promise<void> };
if (typeof mod.run !== 'function') {
  process.stderr.write(`Benchmark "${name}" has no run() export\n`);
  process.exit(2);
}
await mod.run({ json, args: rest.filter((a) => a !== '--json') });
export {};
