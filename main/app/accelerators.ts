// The platform's accelerator preference for device 'auto', best first (CPU is always the engine's last
// resort): CUDA on Linux x64 only when its execution-provider libraries are installed, DirectML on
// Windows, CoreML on macOS, then WebGPU. Providers left out carry a reason, shown in Settings through
// engine.status's fallbackReasons. Pure Node: tested without Electron.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Device } from '../../shared/contract/models';

export interface AcceleratorPlan {
  /** Tried in this order before CPU. */
  order: Device[];
  /** Providers skipped before trying, one line each ("cuda: …"). */
  skipped: string[];
}

export interface ProbeEnv {
  platform: NodeJS.Platform;
  arch: string;
  /** onnxruntime-node's binary folder for this platform (bin/napi-v6/<platform>/<arch>). */
  ortBinDir: string | null;
  exists(file: string): boolean;
  /** Folders the dynamic loader searches for the CUDA runtime. */
  libraryDirs: string[];
}

const CUDA_EP_FILE = 'libonnxruntime_providers_cuda.so';
/** The CUDA 12 runtime libraries onnxruntime's CUDA EP links against. */
const CUDA_RUNTIME_LIBS = ['libcudart.so.12', 'libcublasLt.so.12'];

export function acceleratorPlan(env: ProbeEnv): AcceleratorPlan {
  const skipped: string[] = [];
  if (env.platform === 'win32') return { order: ['dml', 'webgpu'], skipped };
  if (env.platform === 'darwin') return { order: ['coreml', 'webgpu'], skipped };
  if (env.platform !== 'linux') return { order: ['webgpu'], skipped };
  if (env.arch !== 'x64') return { order: [], skipped: [`cuda, webgpu: onnxruntime-node has no GPU providers for linux-${env.arch}`] };

  const order: Device[] = [];
  const epInstalled = !!env.ortBinDir && env.exists(path.join(env.ortBinDir, CUDA_EP_FILE));
  const missingRuntime = CUDA_RUNTIME_LIBS.filter((lib) => !env.libraryDirs.some((d) => env.exists(path.join(d, lib))));
  if (!epInstalled) skipped.push('cuda: the CUDA execution provider is not installed (ONNXRUNTIME_NODE_INSTALL=cuda12 npm install)');
  else if (missingRuntime.length) skipped.push(`cuda: CUDA 12 runtime not found (${missingRuntime.join(', ')}); install the CUDA 12 toolkit and cuDNN 9`);
  else order.push('cuda');
  order.push('webgpu');
  return { order, skipped };
}

/** The probe environment of this machine. */
export function currentProbeEnv(ortBinDir: string | null, env: NodeJS.ProcessEnv = process.env): ProbeEnv {
  const fromEnv = (env.LD_LIBRARY_PATH ?? '').split(path.delimiter).filter(Boolean);
  const cudaHome = env.CUDA_HOME || env.CUDA_PATH;
  return {
    platform: process.platform,
    arch: process.arch,
    ortBinDir,
    exists: existsSync,
    libraryDirs: [
      ...fromEnv,
      ...(cudaHome ? [path.join(cudaHome, 'lib64')] : []),
      '/usr/local/cuda/lib64', '/usr/lib/x86_64-linux-gnu', '/usr/lib64', '/usr/lib',
    ],
  };
}

/** The environment variable carrying the plan into the inference process. */
export const ACCELERATORS_ENV = 'SMOLALBUM_ACCELERATORS';

export function planToEnv(plan: AcceleratorPlan): Record<string, string> {
  return { [ACCELERATORS_ENV]: JSON.stringify(plan) };
}
