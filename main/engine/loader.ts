// Loads a local SmolVLM folder with transformers.js: checks the folder first (so a broken model
// gives a readable error instead of a deep stack), picks the dtype of each session file, and tries
// execution providers in order (transformers.js has no fallback of its own).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { configureLocalOnly, loadProcessor, loadVision2Seq, type VlmModel, type VlmProcessor } from './transformers';
import type { Device, Dtype } from '../../shared/contract/models';
import { inspectLayout, REQUIRED_CONFIG_FILES } from '../models/layout';
import { DTYPE_SUFFIX, SESSION_NAMES, sessionDtypes, type ConcreteDtype, type SessionDtypes } from '../models/dtypes';
import { cpuDtypes } from './cpu-dtypes';
import { EngineError, type LoadParams, type LoadResult } from './protocol';

/** Accelerators `auto` tries on this platform, best first (CPU is always last). */
export function acceleratorsFor(platform: NodeJS.Platform = process.platform, arch: string = process.arch): Device[] {
  if (platform === 'win32') return ['dml', 'webgpu'];
  if (platform === 'darwin') return ['coreml', 'webgpu'];
  if (platform === 'linux' && arch === 'x64') return ['cuda', 'webgpu'];
  if (platform === 'linux') return [];
  return ['webgpu'];
}

/** Devices onnxruntime-node can run here (what transformers.js accepts). */
function supportedDevices(): Device[] {
  return [...acceleratorsFor(), 'cpu'];
}

/**
 * The desktop app may hand over its own accelerator plan (main/app/accelerators.ts: providers whose
 * libraries are missing are skipped before trying, with the reason) in SMOLALBUM_ACCELERATORS.
 */
export function acceleratorPlanFromEnv(env: NodeJS.ProcessEnv = process.env): { order: Device[]; skipped: string[] } | null {
  const raw = env.SMOLALBUM_ACCELERATORS;
  if (!raw) return null;
  try {
    const plan = JSON.parse(raw) as { order?: unknown; skipped?: unknown };
    const known = acceleratorsFor();
    const order = Array.isArray(plan.order) ? plan.order.filter((d): d is Device => known.includes(d as Device)) : known;
    const skipped = Array.isArray(plan.skipped) ? plan.skipped.filter((s): s is string => typeof s === 'string') : [];
    return { order, skipped };
  } catch {
    return null;
  }
}

/** When 'auto' wants a dtype whose file is absent, the next best present one (fp32 first: always exported). */
const AUTO_FALLBACK: ConcreteDtype[] = ['fp32', 'q8', 'fp16', 'q4', 'int8', 'uint8', 'q4f16', 'bnb4'];

export function chooseDtypes(device: Device, dtype: Dtype, onnxFiles: readonly string[], modelDir: string): SessionDtypes {
  const wanted = sessionDtypes(device, dtype);
  const present = new Set(onnxFiles);
  const file = (s: string, d: ConcreteDtype) => `onnx/${s}${DTYPE_SUFFIX[d]}.onnx`;
  const out = { ...wanted };
  for (const s of SESSION_NAMES) {
    if (present.has(file(s, wanted[s]))) continue;
    const available = AUTO_FALLBACK.filter((d) => present.has(file(s, d)));
    if (dtype !== 'auto' || available.length === 0) {
      throw new EngineError(
        `Model file ${file(s, wanted[s])} for dtype ${wanted[s]} is missing in ${modelDir}` +
          (available.length ? ` (available for ${s}: ${available.join(', ')}; use --dtype auto or one of those)` : ''),
        'model',
      );
    }
    out[s] = available[0];
  }
  return out;
}

export interface ModelConfig {
  model_type: string;
  image_token_id: number;
  text_config: { num_hidden_layers: number; max_position_embeddings?: number };
}

export interface LoadedModel {
  model: VlmModel;
  processor: VlmProcessor;
  config: ModelConfig;
  /** Tokens the decoder can attend to (prompt + generated). */
  contextLimit: number;
  info: LoadResult;
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) out.push(name);
  const onnx = path.join(dir, 'onnx');
  if (existsSync(onnx)) for (const name of readdirSync(onnx)) out.push(`onnx/${name}`);
  return out;
}

function readJson<T>(file: string): T {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch (err) {
    throw new EngineError(`${file} is not valid JSON: ${(err as Error).message}`, 'model');
  }
}

/** Checks the folder the way a person would, before transformers.js does it obscurely. */
function checkFolder(dir: string): { files: string[]; config: ModelConfig } {
  if (!path.isAbsolute(dir)) throw new EngineError(`Model folder must be an absolute path: ${dir}`, 'model');
  if (!existsSync(dir)) throw new EngineError(`Model folder not found: ${dir}`, 'model');
  const files = listFiles(dir);
  const layout = inspectLayout(files);
  const missingConfig = layout.missing.filter((f) => (REQUIRED_CONFIG_FILES as readonly string[]).includes(f));
  if (missingConfig.some((f) => f.startsWith('tokenizer'))) {
    throw new EngineError(`The tokenizer is missing in ${dir}: ${missingConfig.filter((f) => f.startsWith('tokenizer')).join(', ')} not found`, 'model');
  }
  if (!layout.complete) throw new EngineError(`${dir} is not a complete SmolVLM model folder: missing ${layout.missing.join(', ')}`, 'model');
  const config = readJson<ModelConfig>(path.join(dir, 'config.json'));
  if (config.model_type !== 'idefics3' && config.model_type !== 'smolvlm') {
    throw new EngineError(`${dir} is not a SmolVLM model: config.json model_type is ${JSON.stringify(config.model_type)}`, 'model');
  }
  if (!config.text_config || typeof config.text_config.num_hidden_layers !== 'number') {
    throw new EngineError(`${dir}/config.json has no text_config.num_hidden_layers`, 'model');
  }
  return { files, config };
}

/** The decoder graph must have exactly the layers config.json declares, or decoding fails later. */
function checkLayers(model: VlmModel, config: ModelConfig, dir: string): void {
  const inputs = model.sessionInputNames('decoder_model_merged') ?? [];
  const layers = inputs.filter((n) => /^past_key_values\.\d+\.key$/.test(n)).length;
  if (layers !== config.text_config.num_hidden_layers) {
    throw new EngineError(
      `Model mismatch in ${dir}: config.json text_config.num_hidden_layers is ${config.text_config.num_hidden_layers} but onnx/decoder_model_merged has ${layers} layers`,
      'model',
    );
  }
}

/**
 * A cache that "has" exactly the model folder's ONNX files, as their paths (Node loads by path).
 * transformers.js asks by local path first and re-reads the hit by its remote-style key
 * (`<host>/<model>/resolve/<rev>/<file>`), so both forms map to the file in `dir`.
 */
function localOnnxPaths(dir: string) {
  const root = path.resolve(dir);
  const resolve = (key: string): string | undefined => {
    if (typeof key !== 'string' || !/\.onnx(_data(_\d+)?)?$/.test(key)) return undefined;
    let file: string | undefined;
    if (path.isAbsolute(key)) file = path.resolve(key);
    else {
      const rel = /\/resolve\/[^/]+\/(.+)$/.exec(key)?.[1];
      if (rel) file = path.resolve(root, rel);
    }
    return file && file.startsWith(root + path.sep) && existsSync(file) ? file : undefined;
  };
  return {
    async match(key: string): Promise<string | undefined> {
      return resolve(key);
    },
    async put(): Promise<void> {},
  };
}

function shortError(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split('\n')[0].slice(0, 400);
}

/**
 * ORT's CPU threads spin for a while after every run, waiting for more work. On a laptop's few cores
 * that spinning takes the cores the indexer, the API server and the UI need between two model calls
 * (measured on 2 cores: a 32 px tile made right after a caption took 20 ms instead of 9, and the
 * tiny model's caption + tags 151 → 126 ms). Off: the threads sleep as soon as a run ends.
 */
const CPU_SESSION_OPTIONS = { extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } } };

export async function loadModel(params: LoadParams): Promise<LoadedModel> {
  const t0 = performance.now();
  const dir = params.modelDir;
  const { files, config } = checkFolder(dir);

  // transformers.js opens every local file as a FileResponse whose read stream starts at once and
  // buffers the whole file in JS although ORT then loads the .onnx by path: ~1 GB of fp32 weights
  // read twice and held until GC. Answering ONNX lookups with the path itself skips that stream.
  // ORT's own log stays quiet: failures reach us as exceptions (reported in fallbackReasons).
  configureLocalOnly({ cacheDir: params.cacheDir, customCache: localOnnxPaths(dir) });

  let processor: VlmProcessor;
  try {
    processor = await loadProcessor(dir);
  } catch (err) {
    throw new EngineError(`Cannot load the processor/tokenizer of ${dir}: ${shortError(err)}`, 'model');
  }

  const supported = supportedDevices();
  const plan = acceleratorPlanFromEnv();
  const fallbackReasons: string[] = [];
  let candidates: Device[];
  if (params.device === 'auto') {
    candidates = plan ? [...plan.order, 'cpu'] : supported;
    if (plan) fallbackReasons.push(...plan.skipped);
  } else if (!supported.includes(params.device)) {
    throw new EngineError(`Device "${params.device}" is not available on ${process.platform}-${process.arch} (available: ${supported.join(', ')}, auto)`, 'device');
  } else {
    candidates = [params.device];
  }

  // On the CPU the int8 kernels are checked first (./cpu-dtypes.ts): correctness, then speed.
  const cpu = candidates.includes('cpu') ? await cpuDtypes(params.dtype, files, dir, params.cacheDir, () => chooseDtypes('cpu', params.dtype, files, dir)) : null;
  for (const device of candidates) {
    const dtypes = device === 'cpu' && cpu ? cpu.dtypes : chooseDtypes(device, params.dtype, files, dir);
    const dtypeReason = device === 'cpu' && cpu ? cpu.reason : `${params.dtype === 'auto' ? 'the default' : 'chosen in Settings:'} precision for ${device}`;
    try {
      const model = await loadVision2Seq(dir, {
        device,
        dtype: { ...dtypes },
        // ORT's CPU arena stays on: without it every run page-faults its activations anew (+12% CPU
        // per caption measured) for ~150 MB less peak RSS.
        ...(device === 'cpu' ? { sessionOptions: CPU_SESSION_OPTIONS } : { sessionOptions: { logSeverityLevel: 4 } }),
        // No progress_callback: with one, transformers.js probes each local .onnx through a stream
        // that reads the whole file into memory for nothing (RSS grew ~50 MB per request after).
      });
      checkLayers(model, config, dir);
      const contextLimit = contextLimitOf(config, processor);
      return {
        model, processor, config, contextLimit,
        info: { modelDir: dir, device, dtype: { ...dtypes }, dtypeReason, fallbackReasons, ms: Math.round(performance.now() - t0) },
      };
    } catch (err) {
      if (err instanceof EngineError) throw err;
      const reason = shortError(err);
      if (device === 'cpu' || params.device !== 'auto') {
        const prefix = device === 'cpu' ? `Cannot load the model in ${dir}` : `Cannot run the model on ${device}`;
        throw new EngineError(`${prefix}: ${reason}${fallbackReasons.length ? ` (also tried: ${fallbackReasons.join('; ')})` : ''}`, device === 'cpu' ? 'model' : 'device');
      }
      fallbackReasons.push(`${device}: ${reason}`);
    }
  }
  throw new EngineError('No execution provider could load the model', 'device');
}

function contextLimitOf(config: ModelConfig, processor: VlmProcessor): number {
  const fromConfig = config.text_config.max_position_embeddings ?? 8192;
  const fromTokenizer = processor.modelMaxLength;
  return fromTokenizer !== undefined ? Math.min(fromConfig, fromTokenizer) : fromConfig;
}
