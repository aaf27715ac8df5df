// The tool runner process (main/media/video/tool-runner.ts): ffmpeg and ffprobe are started from a
// small helper process, not from this one; their output, limits, timeouts and cancelling are the
// same as when started here, and a runner that dies or cannot start costs no run.
import { afterAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { runTool, tool } from '../../main/media/video/tools';
import { toolRunner, ToolRunner } from '../../main/media/video/tool-runner';
import { execTool } from '../../main/media/video/tool-exec';
import { grabPixels } from '../../main/media/video/frames';
import { makeClip } from '../support/videos';
import { tempDir } from '../library/helpers';

const linux = process.platform === 'linux';

/** Processes whose parent is `ppid`, by command name (Linux /proc). */
function childrenOf(ppid: number, comm: string): number[] {
  const out: number[] = [];
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (parent === ppid && name === comm) out.push(Number(e));
    } catch { /* gone meanwhile */ }
  }
  return out;
}

const alive = (pid: number) => { try { process.kill(pid, 0); return true; } catch { return false; } };

const until = async (cond: () => boolean, ms = 15_000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
};

/** An ffmpeg run that goes on until stopped. */
const ENDLESS = ['-nostdin', '-f', 'lavfi', '-i', 'testsrc2=size=320x240', '-f', 'null', '-'];

describe('the tool runner process', () => {
  const own: ToolRunner[] = [];
  afterAll(() => { for (const r of own) r.close(); });

  it.skipIf(!linux)('starts ffmpeg from the runner, not from this process, and cancelling stops it there', async () => {
    const runner = toolRunner()!;
    const stop = new AbortController();
    const running = runTool('ffmpeg', ENDLESS, { signal: stop.signal });
    running.catch(() => undefined);
    await until(() => runner.pid !== undefined && childrenOf(runner.pid, 'ffmpeg').length > 0);
    expect(runner.pid).not.toBe(process.pid);
    expect(childrenOf(process.pid, 'ffmpeg')).toEqual([]);
    stop.abort();
    await expect(running).rejects.toMatchObject({ kind: 'cancelled' });
    await until(() => childrenOf(runner.pid!, 'ffmpeg').length === 0);
  });

  it('gives the bytes a direct run gives, as a Buffer; keeps the output bound and the timeout', async () => {
    const clip = await makeClip({ file: path.join(tempDir('runner'), 'clip.mp4'), seconds: 1 });
    const args = ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', '--', clip];
    const through = await runTool('ffprobe', args);
    const direct = await execTool(tool('ffprobe').path, args).done;
    expect(Buffer.isBuffer(through.stdout)).toBe(true);
    expect(through.stdout.equals(direct.stdout)).toBe(true);
    const px = await grabPixels(clip, 0.5, 120);
    expect(px).toMatchObject({ width: 160, height: 120, channels: 3 });
    expect(px!.data.length).toBe(160 * 120 * 3);
    await expect(runTool('ffprobe', args, { maxStdout: 64 })).rejects.toMatchObject({ kind: 'too_large' });
    await expect(runTool('ffmpeg', ENDLESS, { timeoutMs: 400 })).rejects.toThrow(/ffmpeg took longer than \d+ s and was stopped/);
  });

  it.skipIf(!linux)('a runner that dies mid-run: the run starts again here and finishes', async () => {
    const runner = new ToolRunner();
    own.push(runner);
    const clip = await makeClip({ file: path.join(tempDir('runner-dies'), 'clip.mp4'), seconds: 1 });
    const args = ['-v', 'error', '-print_format', 'json', '-show_format', '--', clip];
    const first = runner.run(tool('ffmpeg').path, ENDLESS);
    await until(() => runner.pid !== undefined && childrenOf(runner.pid, 'ffmpeg').length > 0);
    const [orphan] = childrenOf(runner.pid!, 'ffmpeg');
    const probe = runner.run(tool('ffprobe').path, args);
    process.kill(runner.pid!, 'SIGKILL');
    const exit = await probe.done;
    expect(exit.code).toBe(0);
    expect(JSON.parse(exit.stdout.toString('utf8')).format.filename).toBe(clip);
    // The tool the runner had started does not outlive it (it writes nothing, so no broken pipe
    // would stop it); the endless run restarted here, and cancelling still reaches it.
    await until(() => !alive(orphan!));
    first.kill();
    expect((await first.done).code).toBeNull();
    // Later runs go straight from here.
    expect((await runner.run(tool('ffprobe').path, args).done).code).toBe(0);
    expect(runner.pid).toBeUndefined();
  });

  it('without a runner entry, runs start here', async () => {
    const runner = new ToolRunner(null);
    own.push(runner);
    const exit = await runner.run(tool('ffprobe').path, ['-version']).done;
    expect(exit.code).toBe(0);
    expect(exit.stdout.toString('utf8')).toMatch(/ffprobe version/);
    expect(runner.pid).toBeUndefined();
  });
});
