// Which ONNX file each session loads on the CPU when the precision is 'auto': correctness first (an
// int8 format whose kernel saturates on this CPU is left out), then the speed measured here. A pure
// function of what ./int8-probe.ts measured, so the decision is tested on forged measurements.
import { SESSION_NAMES, type ConcreteDtype, type SessionDtypes, type SessionName } from '../models/dtypes';

/** Linear-layer formats the probe times: q8 with signed (s8) or unsigned (u8) weights. */
export type KernelKind = 'fp32' | 'q4' | 'q8s8' | 'q8u8';
export type WeightType = 'int8' | 'uint8';

/** The worst cases: every pair of products exceeds int16 when a kernel adds pairs in 16 bits. */
export const WORST_CASE = {
  u8s8: { k: 64, a: 200, b: 127 },
  u8u8: { k: 64, a: 255, b: 255 },
} as const;
export type Int8Kernel = keyof typeof WORST_CASE;

export interface Int8Measurement {
  /** What MatMulInteger returned for WORST_CASE.u8s8 / .u8u8. */
  u8s8: number;
  u8u8: number;
  /** Median ms of one decode-shaped run of a linear layer in each format. */
  ms: Record<KernelKind, number>;
}

export type KernelVerdict = 'exact' | 'saturates' | 'wrong';

export const exactAnswer = (kernel: Int8Kernel) => WORST_CASE[kernel].k * WORST_CASE[kernel].a * WORST_CASE[kernel].b;
/** What a kernel that saturates each pair of products at int16 returns. */
export const saturatedAnswer = (kernel: Int8Kernel) => (WORST_CASE[kernel].k / 2) * 32767;

export function verdict(kernel: Int8Kernel, got: number): KernelVerdict {
  if (got === exactAnswer(kernel)) return 'exact';
  return got === saturatedAnswer(kernel) ? 'saturates' : 'wrong';
}

export interface Int8Verdicts {
  u8s8: KernelVerdict;
  u8u8: KernelVerdict;
}

export function verdicts(m: Int8Measurement): Int8Verdicts {
  return { u8s8: verdict('u8s8', m.u8s8), u8u8: verdict('u8u8', m.u8u8) };
}

/** The int8 kernels a dtype's file runs on (null weight type: not known, so both must be right). */
function kernelsOf(dtype: ConcreteDtype, weightType: WeightType | null): Int8Kernel[] {
  if (dtype === 'int8') return ['u8s8'];
  if (dtype === 'uint8') return ['u8u8'];
  if (dtype === 'q8') return weightType === 'int8' ? ['u8s8'] : weightType === 'uint8' ? ['u8u8'] : ['u8s8', 'u8u8'];
  return [];
}

const fmt = (n: number) => n.toLocaleString('en-US');
const kernelLabel = (k: Int8Kernel) => (k === 'u8s8' ? 'u8·s8' : 'u8·u8');

function wrongKernels(dtype: ConcreteDtype, weightType: WeightType | null, v: Int8Verdicts): Int8Kernel[] {
  return kernelsOf(dtype, weightType).filter((k) => v[k] !== 'exact');
}

function whyWrong(kernels: Int8Kernel[], m: Int8Measurement): string {
  return kernels.map((k) => `this CPU's int8 kernel (${kernelLabel(k)}) ${verdict(k, m[k]) === 'saturates' ? 'saturates' : 'is wrong'}: ${fmt(m[k])} instead of ${fmt(exactAnswer(k))}`).join('; ');
}

function speedOf(dtype: ConcreteDtype, weightType: WeightType | null, m: Int8Measurement): number | null {
  if (dtype === 'fp32') return m.ms.fp32;
  if (dtype === 'q4') return m.ms.q4;
  if (dtype === 'q8') return weightType === 'int8' ? m.ms.q8s8 : weightType === 'uint8' ? m.ms.q8u8 : Math.max(m.ms.q8s8, m.ms.q8u8);
  return null;
}

/** When nothing measured applies: the order the loader has always used (fp32 first: always exported). */
const FALLBACK_ORDER: ConcreteDtype[] = ['fp32', 'q8', 'fp16', 'q4', 'int8', 'uint8', 'q4f16', 'bnb4'];
/** The decoder formats whose speed the probe measures. */
const DECODER_CANDIDATES: ConcreteDtype[] = ['q8', 'q4', 'fp32'];

export interface ChoiceInput {
  measured: Int8Measurement;
  /** dtypes whose files are present, per session. */
  available: Record<SessionName, ConcreteDtype[]>;
  /** Integer type of the q8 decoder file's weights, when it is present and was read. */
  q8WeightType: WeightType | null;
}

export interface DtypeChoice {
  dtypes: SessionDtypes;
  /** One line a person can read: what was chosen and why. */
  reason: string;
  int8: Int8Verdicts;
}

/** The CPU dtypes for precision 'auto'; null for a session means no file is present at all. */
export function chooseCpuDtypes(input: ChoiceInput): DtypeChoice | null {
  const { measured, available, q8WeightType } = input;
  const v = verdicts(measured);
  const out = {} as SessionDtypes;
  const notes: string[] = [];

  // The vision encoder and embeddings stay fp32 for quality (README: dtypes); without an fp32 file,
  // the first present one whose kernels are right.
  for (const s of SESSION_NAMES.filter((n) => n !== 'decoder_model_merged')) {
    const present = FALLBACK_ORDER.filter((d) => available[s].includes(d));
    if (present.length === 0) return null;
    const right = present.filter((d) => wrongKernels(d, null, v).length === 0);
    out[s] = right[0] ?? present[0];
    if (out[s] !== 'fp32') notes.push(`${s} ${out[s]} (no fp32 file)`);
  }

  const decoder = available.decoder_model_merged;
  const presentDecoders = FALLBACK_ORDER.filter((d) => decoder.includes(d));
  if (presentDecoders.length === 0) return null;
  const measuredHere = DECODER_CANDIDATES.filter((d) => decoder.includes(d));
  const excluded = measuredHere.filter((d) => wrongKernels(d, q8WeightType, v).length > 0);
  const right = measuredHere.filter((d) => !excluded.includes(d));
  const timings = measuredHere.map((d) => `${d} ${speedOf(d, q8WeightType, measured)} ms`).join(', ');
  let reason: string;
  if (right.length > 0) {
    right.sort((a, b) => speedOf(a, q8WeightType, measured)! - speedOf(b, q8WeightType, measured)!);
    out.decoder_model_merged = right[0];
    reason = right.length > 1
      ? `decoder ${right[0]}: the fastest correct format measured on this CPU (${timings} per layer)`
      : `decoder ${right[0]}: the only correct format present (${timings} per layer)`;
  } else {
    // Only wrong or unmeasured formats present: the first present one that is right, else the first.
    const rightOther = presentDecoders.filter((d) => wrongKernels(d, q8WeightType, v).length === 0);
    out.decoder_model_merged = rightOther[0] ?? presentDecoders[0];
    reason = rightOther.length > 0
      ? `decoder ${out.decoder_model_merged}: the only correct format present`
      : `decoder ${out.decoder_model_merged}: WARNING, it is the only format present but its results are wrong on this CPU; download the fp32 or q4 files`;
  }
  for (const d of excluded) reason += `; ${d} left out: ${whyWrong(wrongKernels(d, q8WeightType, v), measured)}`;
  if (notes.length) reason += `; ${notes.join('; ')}`;
  return { dtypes: out, reason, int8: v };
}

/** The reason line when the user chose the precision (a warning when its int8 kernel is wrong here). */
export function explainOverride(dtypes: SessionDtypes, q8WeightType: WeightType | null, measured: Int8Measurement | null): string {
  const chosen = [...new Set(SESSION_NAMES.map((s) => dtypes[s]))];
  let reason = `precision ${chosen.join('/')} chosen in Settings`;
  if (measured) {
    const v = verdicts(measured);
    const wrong = [...new Set(chosen.flatMap((d) => wrongKernels(d, d === dtypes.decoder_model_merged ? q8WeightType : null, v)))];
    if (wrong.length) reason += `; WARNING: ${whyWrong(wrong, measured)}, so results may be wrong (use auto, fp32 or q4)`;
  }
  return reason;
}
