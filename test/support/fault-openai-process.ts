// Stand-in endpoints (test/support/fault-openai.ts) in a child process: remote inference servers run
// on other machines, so a benchmark must not charge their request parsing to SmolAlbum's event loop.
// Run as a script it starts N servers and prints their base URLs as one JSON line; it exits when its
// stdin closes (the parent ended).
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { FaultServer } from './fault-openai';

const SELF = fileURLToPath(import.meta.url);

export class FaultServersProcess {
  private child: ChildProcess | null = null;
  baseUrls: string[] = [];

  async start(count: number, delayMs: number): Promise<void> {
    const child = spawn(process.execPath, ['--import', 'tsx', SELF, String(count), String(delayMs)], { stdio: ['pipe', 'pipe', 'inherit'] });
    this.child = child;
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout! }).once('line', resolve);
      child.once('exit', (code) => reject(new Error(`the stand-in endpoints exited (${code})`)));
    });
    this.baseUrls = JSON.parse(line) as string[];
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => { child.once('exit', () => resolve()); child.stdin!.end(); });
  }
}

if (process.argv[1] === SELF) {
  const [count, delayMs] = process.argv.slice(2).map(Number);
  const servers = Array.from({ length: count }, () => new FaultServer({ delayMs }));
  await Promise.all(servers.map((s) => s.start()));
  process.stdout.write(`${JSON.stringify(servers.map((s) => s.baseUrl))}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => { void Promise.all(servers.map((s) => s.stop())).then(() => process.exit(0)); });
}
