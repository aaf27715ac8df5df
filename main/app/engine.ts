// The desktop engine factory: ENGINE's host (restarts with backoff, timeouts, status events) over a
// utilityProcess port, with this platform's accelerator plan handed to the inference process.
import { createRequire } from 'node:module';
import path from 'node:path';
import type { AppContext } from '../service/context';
import type { EngineClient } from '../engine/client';
import { createEngineHost } from '../engine/factory';
import { createUtilityPort } from './utility-port';
import { acceleratorPlan, currentProbeEnv, planToEnv } from './accelerators';
import { unpackedPath } from '../media/asar';
import type { Logger } from '../service/log';

/** onnxruntime-node's binaries for this platform (unpacked from the asar when packaged). */
function ortBinDir(): string | null {
  try {
    const pkg = createRequire(import.meta.url).resolve('onnxruntime-node/package.json');
    return unpackedPath(path.join(path.dirname(pkg), 'bin', 'napi-v6', process.platform, process.arch));
  } catch {
    return null;
  }
}

export function electronEngineFactory(log: Logger): (ctx: AppContext) => EngineClient {
  return (ctx) => {
    const plan = acceleratorPlan(currentProbeEnv(ortBinDir(), ctx.env));
    log.info(`engine: accelerators ${plan.order.join(', ') || '(none)'} then cpu${plan.skipped.length ? `; skipped ${plan.skipped.join('; ')}` : ''}`);
    const env = { ...ctx.env, ...planToEnv(plan) };
    return createEngineHost(ctx, () => createUtilityPort({ env, log }));
  };
}
