// The tool runner process: a small, long-lived Node process that starts ffmpeg and ffprobe on the
// app's behalf (./tool-runner.ts). It imports nothing but ./tool-exec.ts, so it stays small — which
// is the point: Node starts a child with fork(), whose cost grows with the memory of the process
// that forks. From the indexer (hundreds of MB, busy) a start cost ~15 ms of its CPU and made every
// page it then wrote fault once; from here it costs ~2 ms.
import { execTool, type ToolRun } from './tool-exec';
import type { RunnerReply, RunnerRequest } from './tool-runner-protocol';

const runs = new Map<number, ToolRun>();

process.on('message', (m: RunnerRequest) => {
  if (m.kind === 'kill') { runs.get(m.id)?.kill(); return; }
  const run = execTool(m.bin, m.args, { maxStdout: m.maxStdout });
  runs.set(m.id, run);
  if (run.pid !== undefined) process.send?.({ id: m.id, pid: run.pid } satisfies RunnerReply);
  void run.done.then((exit) => {
    runs.delete(m.id);
    process.send?.({ id: m.id, exit } satisfies RunnerReply);
  });
});

// The app went away (or closed the channel): its tools go with it.
process.on('disconnect', () => {
  for (const run of runs.values()) run.kill();
  process.exit(0);
});
