// Which ONNX file each SmolVLM session loads, per device and dtype (file suffixes as transformers.js 4.3.1
// builds them: utils/dtypes.js). The engine passes the per-session map to from_pretrained as `dtype`;
// the store downloads exactly the files it names.
import type { Device, Dtype } from '../../shared/contract/models';

export const SESSION_NAMES = ['vision_encoder', 'embed_tokens', 'decoder_model_merged'] as const;
export type SessionName = (typeof SESSION_NAMES)[number];

/** A concrete dtype (never 'auto'). */
export type ConcreteDtype = Exclude<Dtype, 'auto'>;
export type SessionDtypes = Record<SessionName, ConcreteDtype>;

export const DTYPE_SUFFIX: Record<ConcreteDtype, string> = {
  fp32: '',
  fp16: '_fp16',
  q8: '_quantized',
  int8: '_int8',
  uint8: '_uint8',
  q4: '_q4',
  q4f16: '_q4f16',
  bnb4: '_bnb4',
};

/**
 * Defaults when the user says 'auto'. CPU: the vision encoder is compute bound and loses accuracy when
 * quantised, while decoding reads every weight once per token, so only the decoder is quantised (q8).
 * GPU providers run fp16 kernels natively.
 */
const CPU_AUTO: SessionDtypes = { vision_encoder: 'fp32', embed_tokens: 'fp32', decoder_model_merged: 'q8' };
const GPU_AUTO: SessionDtypes = { vision_encoder: 'fp16', embed_tokens: 'fp16', decoder_model_merged: 'fp16' };

/** The dtype of each session file for a device (an explicit dtype applies to all three). */
export function sessionDtypes(device: Device, dtype: Dtype): SessionDtypes {
  if (dtype !== 'auto') return { vision_encoder: dtype, embed_tokens: dtype, decoder_model_merged: dtype };
  // 'auto' device starts on CPU defaults: they are the files every machine can run.
  return { ...(device === 'cpu' || device === 'auto' ? CPU_AUTO : GPU_AUTO) };
}

/** Path of one session's ONNX file inside a model folder, e.g. `onnx/decoder_model_merged_quantized.onnx`. */
export function onnxFileFor(session: SessionName, dtype: ConcreteDtype): string {
  return `onnx/${session}${DTYPE_SUFFIX[dtype]}.onnx`;
}

/** The three ONNX files a session dtype map needs. */
export function onnxFilesFor(dtypes: SessionDtypes): string[] {
  return SESSION_NAMES.map((s) => onnxFileFor(s, dtypes[s]));
}

/** The dtype an ONNX file name stands for, e.g. `onnx/embed_tokens_q4.onnx` → {embed_tokens, q4}. */
export function parseOnnxFile(file: string): { session: SessionName; dtype: ConcreteDtype } | null {
  const norm = file.replace(/\\/g, '/');
  if (!norm.startsWith('onnx/') || !norm.endsWith('.onnx')) return null;
  const stem = norm.slice('onnx/'.length, -'.onnx'.length);
  for (const session of SESSION_NAMES) {
    if (!stem.startsWith(session)) continue;
    const suffix = stem.slice(session.length);
    const dtype = (Object.keys(DTYPE_SUFFIX) as ConcreteDtype[]).find((d) => DTYPE_SUFFIX[d] === suffix);
    if (dtype) return { session, dtype };
  }
  return null;
}

/** Which dtypes are present per session among the given relative file names. */
export function availableDtypes(files: Iterable<string>): Record<SessionName, ConcreteDtype[]> {
  const out: Record<SessionName, ConcreteDtype[]> = { vision_encoder: [], embed_tokens: [], decoder_model_merged: [] };
  for (const f of files) {
    const parsed = parseOnnxFile(f);
    if (parsed && !out[parsed.session].includes(parsed.dtype)) out[parsed.session].push(parsed.dtype);
  }
  for (const s of SESSION_NAMES) out[s].sort((a, b) => dtypeOrder(a) - dtypeOrder(b));
  return out;
}

const dtypeOrder = (d: ConcreteDtype) => Object.keys(DTYPE_SUFFIX).indexOf(d);

/** Short label of a dtype map: "fp16" when uniform, else "vision_encoder=fp32,embed_tokens=fp32,decoder_model_merged=q8". */
export function describeDtypes(dtypes: SessionDtypes): string {
  const values = SESSION_NAMES.map((s) => dtypes[s]);
  if (values.every((v) => v === values[0])) return values[0];
  return SESSION_NAMES.map((s) => `${s}=${dtypes[s]}`).join(',');
}

/** Label of what a folder holds, e.g. "fp32,q8" or "vision_encoder=fp32,embed_tokens=fp32,decoder_model_merged=q8". */
export function describeAvailable(av: Record<SessionName, ConcreteDtype[]>): string {
  const lists = SESSION_NAMES.map((s) => av[s].join('+'));
  if (lists.every((l) => l === lists[0])) return av.vision_encoder.join(',');
  return SESSION_NAMES.map((s, i) => `${s}=${lists[i] || 'none'}`).join(',');
}
