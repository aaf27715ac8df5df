// The int8 check behind the CPU precision: the decision on forged measurements (a CPU whose u8·s8
// kernel saturates, one whose kernels are exact), the real probe on this machine (it must land in one
// of the two consistent states), its per-machine cache, and the weight type read from a q8 file.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseCpuDtypes, exactAnswer, explainOverride, saturatedAnswer, verdict, type Int8Measurement } from '../../main/engine/dtype-choice';
import { measureInt8, probeInt8 } from '../../main/engine/int8-probe';
import { weightTypeOf } from '../../main/engine/onnx-scan';
import { availableDtypes, type ConcreteDtype, type SessionName } from '../../main/models/dtypes';
import { tinyModelDir } from '../support/models';
import { removeTempDirs, tempDir } from './support';

const ms = { fp32: 1.0, q4: 0.6, q8s8: 0.25, q8u8: 0.33 };
/** AVX2 without VNNI: vpmaddubsw saturates each pair of u8·s8 products at 32,767. */
const SATURATING: Int8Measurement = { u8s8: 1_048_544, u8u8: 4_161_600, ms };
/** VNNI or AVX-512: both kernels exact. */
const EXACT: Int8Measurement = { u8s8: 1_625_600, u8u8: 4_161_600, ms };

const all = (...d: ConcreteDtype[]): Record<SessionName, ConcreteDtype[]> => ({ vision_encoder: d, embed_tokens: d, decoder_model_merged: d });

afterAll(removeTempDirs);

describe('int8 worst case', () => {
  it('knows the exact and the saturated answers', () => {
    expect(exactAnswer('u8s8')).toBe(1_625_600);
    expect(saturatedAnswer('u8s8')).toBe(1_048_544);
    expect(verdict('u8s8', 1_625_600)).toBe('exact');
    expect(verdict('u8s8', 1_048_544)).toBe('saturates');
    expect(verdict('u8s8', 7)).toBe('wrong');
  });
});

describe('CPU precision decision', () => {
  it('leaves a signed-weight q8 decoder out where u8·s8 saturates, and takes the fastest correct format', () => {
    const c = chooseCpuDtypes({ measured: SATURATING, available: all('fp32', 'q8', 'q4'), q8WeightType: 'int8' })!;
    expect(c.dtypes).toEqual({ vision_encoder: 'fp32', embed_tokens: 'fp32', decoder_model_merged: 'q4' });
    expect(c.int8).toEqual({ u8s8: 'saturates', u8u8: 'exact' });
    expect(c.reason).toMatch(/decoder q4: the fastest correct format/);
    expect(c.reason).toMatch(/q8 left out: this CPU's int8 kernel \(u8·s8\) saturates: 1,048,544 instead of 1,625,600/);
  });

  it('takes q8 where the kernels are exact and q8 measured fastest', () => {
    const c = chooseCpuDtypes({ measured: EXACT, available: all('fp32', 'q8', 'q4'), q8WeightType: 'int8' })!;
    expect(c.dtypes.decoder_model_merged).toBe('q8');
    expect(c.int8).toEqual({ u8s8: 'exact', u8u8: 'exact' });
    expect(c.reason).not.toMatch(/left out/);
  });

  it('keeps an unsigned-weight q8 decoder (the real SmolVLM files) where only u8·s8 saturates', () => {
    const c = chooseCpuDtypes({ measured: SATURATING, available: all('fp32', 'q8', 'q4'), q8WeightType: 'uint8' })!;
    expect(c.dtypes.decoder_model_merged).toBe('q8');
  });

  it('needs both kernels right when the q8 weight type is unknown', () => {
    const c = chooseCpuDtypes({ measured: SATURATING, available: all('fp32', 'q8'), q8WeightType: null })!;
    expect(c.dtypes.decoder_model_merged).toBe('fp32');
    expect(c.reason).toMatch(/decoder fp32: the only correct format present/);
  });

  it('ranks by measured speed: fp32 wins when it measured faster than q4', () => {
    const c = chooseCpuDtypes({ measured: { ...SATURATING, ms: { ...ms, fp32: 0.5 } }, available: all('fp32', 'q8', 'q4'), q8WeightType: 'int8' })!;
    expect(c.dtypes.decoder_model_merged).toBe('fp32');
  });

  it('warns when the only decoder present computes wrong results here', () => {
    const available = { vision_encoder: ['fp32'], embed_tokens: ['fp32'], decoder_model_merged: ['q8'] } as Record<SessionName, ConcreteDtype[]>;
    const c = chooseCpuDtypes({ measured: SATURATING, available, q8WeightType: 'int8' })!;
    expect(c.dtypes.decoder_model_merged).toBe('q8');
    expect(c.reason).toMatch(/WARNING/);
    expect(chooseCpuDtypes({ measured: EXACT, available, q8WeightType: 'int8' })!.reason).not.toMatch(/WARNING/);
  });

  it('keeps a precision the user chose, with a warning only when its kernel is wrong here', () => {
    const q8 = { vision_encoder: 'q8', embed_tokens: 'q8', decoder_model_merged: 'q8' } as const;
    expect(explainOverride(q8, 'int8', SATURATING)).toMatch(/precision q8 chosen in Settings; WARNING: .*u8·s8.*saturates/);
    expect(explainOverride(q8, 'int8', EXACT)).toBe('precision q8 chosen in Settings');
  });
});

describe('the real probe on this machine', () => {
  let dir: string;
  beforeAll(() => { dir = tempDir('int8-probe'); });

  it('lands in one of the two consistent states and times every format', async () => {
    const m = await measureInt8();
    expect([exactAnswer('u8s8'), saturatedAnswer('u8s8')]).toContain(m.u8s8);
    expect(m.u8u8).toBe(exactAnswer('u8u8'));
    for (const t of Object.values(m.ms)) expect(t).toBeGreaterThan(0);
  });

  it('is measured once and then read from the cache folder', async () => {
    const first = await probeInt8(dir);
    expect(first.cached).toBe(false);
    const file = path.join(dir, 'int8-probe.json');
    expect(existsSync(file)).toBe(true);
    expect(JSON.parse(readFileSync(file, 'utf8')).onnxruntime).toBe(first.onnxruntime);
    const second = await probeInt8(dir);
    expect(second).toEqual({ ...first, cached: true });
  });
});

describe('q8 weight type', () => {
  it('reads the forged q8 decoder as signed and finds no integer weights in fp32', async () => {
    const model = await tinyModelDir();
    expect(weightTypeOf(path.join(model, 'onnx/decoder_model_merged_quantized.onnx'))).toBe('int8');
    expect(weightTypeOf(path.join(model, 'onnx/decoder_model_merged.onnx'))).toBeNull();
    expect(availableDtypes(['onnx/decoder_model_merged_quantized.onnx']).decoder_model_merged).toEqual(['q8']);
  });
});
