// The CPU dtypes the loader uses, with the reason shown in engine status: for 'auto', the int8 probe
// (cached per machine, ./int8-probe.ts) and the weight type of the q8 decoder feed ./dtype-choice.ts;
// a precision the user chose is kept, with a warning when its int8 kernel is wrong on this CPU.
import path from 'node:path';
import type { Dtype } from '../../shared/contract/models';
import { availableDtypes, describeDtypes, onnxFileFor, type SessionDtypes } from '../models/dtypes';
import { chooseCpuDtypes, explainOverride, type Int8Measurement, type WeightType } from './dtype-choice';
import { probeInt8 } from './int8-probe';
import { weightTypeOf } from './onnx-scan';

export interface CpuDtypes {
  dtypes: SessionDtypes;
  reason: string;
}

function q8WeightType(dir: string, files: readonly string[]): WeightType | null {
  const file = onnxFileFor('decoder_model_merged', 'q8');
  if (!files.includes(file)) return null;
  try {
    return weightTypeOf(path.join(dir, file));
  } catch {
    return null; // unreadable here: ORT will say why when it loads it; both kernels must then be right
  }
}

/**
 * `fallback` is the loader's own choice (explicit dtype, or auto without measurements); it throws
 * the loader's clear error when an explicit dtype's file is missing.
 */
export async function cpuDtypes(dtype: Dtype, files: readonly string[], dir: string, cacheDir: string, fallback: () => SessionDtypes): Promise<CpuDtypes> {
  let measured: Int8Measurement | null = null;
  let probeError = '';
  try {
    measured = (await probeInt8(cacheDir)).measured;
  } catch (err) {
    probeError = err instanceof Error ? err.message.split('\n')[0] : String(err);
  }
  const weightType = q8WeightType(dir, files);
  if (dtype !== 'auto') {
    const dtypes = fallback();
    return { dtypes, reason: explainOverride(dtypes, weightType, measured) };
  }
  const choice = measured ? chooseCpuDtypes({ measured, available: availableDtypes(files), q8WeightType: weightType }) : null;
  if (choice) return { dtypes: choice.dtypes, reason: choice.reason };
  const dtypes = fallback();
  return { dtypes, reason: `${describeDtypes(dtypes)}: the default CPU precision (the int8 check could not run${probeError ? `: ${probeError}` : ''})` };
}
