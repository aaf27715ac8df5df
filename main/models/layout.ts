// The SmolVLM folder contract (reference/smolvlm-contract.md §1): which files make a model loadable.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { availableDtypes, SESSION_NAMES, type ConcreteDtype, type SessionName } from './dtypes';
import { AppError } from '../../shared/errors';

/** Files transformers.js fails without. */
export const REQUIRED_CONFIG_FILES = [
  'config.json', 'preprocessor_config.json', 'processor_config.json', 'tokenizer.json', 'tokenizer_config.json',
] as const;
/** Small files used when present (generation defaults, chat template copies for other tools). */
export const OPTIONAL_CONFIG_FILES = ['generation_config.json', 'special_tokens_map.json', 'chat_template.json'] as const;

const MODEL_TYPES = new Set(['idefics3', 'smolvlm']);

export interface LayoutReport {
  /** Every required config file and at least one dtype for each of the three sessions. */
  complete: boolean;
  missing: string[];
  dtypes: Record<SessionName, ConcreteDtype[]>;
}

export function inspectLayout(files: readonly string[]): LayoutReport {
  const set = new Set(files);
  const dtypes = availableDtypes(files);
  const missing: string[] = REQUIRED_CONFIG_FILES.filter((f) => !set.has(f));
  for (const s of SESSION_NAMES) if (!dtypes[s].length) missing.push(`onnx/${s}*.onnx`);
  return { complete: missing.length === 0, missing, dtypes };
}

/** External-data companions of an ONNX file (`x.onnx_data`, `x.onnx_data_1`, …) among `files`. */
export function externalDataFiles(onnxFile: string, files: Iterable<string>): string[] {
  const prefix = `${onnxFile}_data`;
  return [...files].filter((f) => f === prefix || (f.startsWith(prefix) && /^_\d+$/.test(f.slice(prefix.length)))).sort();
}

/** Throws a readable error unless `dir` holds a loadable SmolVLM model. */
export function assertSmolVlmFolder(dir: string, files: readonly string[]): LayoutReport {
  const report = inspectLayout(files);
  if (!report.complete) throw new AppError('unsupported', `${dir} is not a SmolVLM model folder: missing ${report.missing.join(', ')}`);
  let config: { model_type?: unknown };
  try {
    config = JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8')) as { model_type?: unknown };
  } catch (err) {
    throw new AppError('unsupported', `${path.join(dir, 'config.json')} is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof config.model_type !== 'string' || !MODEL_TYPES.has(config.model_type)) {
    throw new AppError('unsupported', `${dir} is not a SmolVLM model: config.json model_type is ${JSON.stringify(config.model_type)} (expected "idefics3" or "smolvlm")`);
  }
  return report;
}
