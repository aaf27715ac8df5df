// Entry of the inference process (child_process.fork or Electron utilityProcess). Speaks the
// protocol of ./protocol over whichever parent channel exists; runs one request at a time.
import v8 from 'node:v8';
import vm from 'node:vm';
import { EngineError, type EngineMessage, type EngineRequest, type HostMessage, type WireError } from './protocol';
import { EngineRunner, InterruptableStoppingCriteria, type RequestControl } from './runner';

interface Channel {
  send(msg: EngineMessage): void;
  onMessage(fn: (msg: HostMessage) => void): void;
}

interface ParentPort {
  postMessage(msg: unknown): void;
  on(event: 'message', fn: (e: { data: unknown }) => void): void;
}

function parentChannel(): Channel {
  const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;
  if (parentPort) {
    return { send: (m) => parentPort.postMessage(m), onMessage: (fn) => parentPort.on('message', (e) => fn(e.data as HostMessage)) };
  }
  if (process.send) {
    // The parent going away (crash, kill) must not leave an orphan holding a GB of model.
    process.on('disconnect', () => process.exit(0));
    return { send: (m) => process.send?.(m), onMessage: (fn) => process.on('message', (m) => fn(m as HostMessage)) };
  }
  throw new Error('The SmolAlbum inference process must be started by SmolAlbum (no parent channel).');
}

function toWire(err: unknown): WireError {
  if (err instanceof EngineError) return { message: err.message, code: err.code };
  return { message: err instanceof Error ? err.message : String(err), code: 'internal' };
}

/**
 * A full GC between requests once the process has grown by GC_GROWTH_BYTES since the last one: the ORT
 * output tensors of finished requests — logits, KV caches, tens of MB of external memory on a real
 * model — are freed then rather than whenever V8 next feels pressure, which keeps the peak RSS flat
 * from photo to photo. Not after every request: a full collection costs tens of ms of CPU (measured
 * 50–80 ms after each caption of the forged tiny model, more than the caption itself), taken from the
 * cores the app and the next request need.
 */
const GC_GROWTH_BYTES = 32 * 1024 * 1024;
const collectIfGrown: () => void = (() => {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  let rssAfterGc = process.memoryUsage.rss();
  return () => {
    if (process.memoryUsage.rss() - rssAfterGc < GC_GROWTH_BYTES) return;
    gc();
    rssAfterGc = process.memoryUsage.rss();
  };
})();

const channel = parentChannel();
const runner = new EngineRunner();
const queue: EngineRequest[] = [];
let active: { id: number; stopper: InterruptableStoppingCriteria } | null = null;
let draining = false;

async function execute(req: EngineRequest): Promise<unknown> {
  const stopper = new InterruptableStoppingCriteria();
  active = { id: req.id, stopper };
  const ctl: RequestControl = { stopper };
  switch (req.type) {
    case 'load':
      return runner.load(req.params);
    case 'caption':
      return runner.caption(req.params, ctl);
    case 'generate':
      if (req.params.stream) ctl.onText = (text) => channel.send({ type: 'token', id: req.id, text });
      return runner.generate(req.params, ctl);
  }
}

async function drain(): Promise<void> {
  if (draining) return;
  draining = true;
  while (queue.length) {
    const req = queue.shift()!;
    try {
      const result = await execute(req);
      channel.send({ type: 'result', id: req.id, result });
    } catch (err) {
      channel.send({ type: 'error', id: req.id, error: toWire(err) });
    } finally {
      active = null;
      collectIfGrown();
    }
  }
  draining = false;
}

channel.onMessage((msg) => {
  switch (msg.type) {
    case 'cancel': {
      if (active?.id === msg.id) {
        active.stopper.interrupt();
        return;
      }
      const i = queue.findIndex((r) => r.id === msg.id);
      if (i >= 0) {
        queue.splice(i, 1);
        channel.send({ type: 'error', id: msg.id, error: { message: 'Cancelled', code: 'cancelled' } });
      }
      return;
    }
    case 'exit':
      process.exit(0);
      return;
    default:
      queue.push(msg);
      void drain();
  }
});

channel.send({ type: 'hello', pid: process.pid });
