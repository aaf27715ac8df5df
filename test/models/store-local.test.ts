// Import from a folder (offline machines), list and remove; the dtype table the engine shares.
import { describe, expect, it } from 'vitest';
import { existsSync, lstatSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ModelStore } from '../../main/models/store';
import { availableDtypes, describeAvailable, onnxFilesFor, parseOnnxFile, sessionDtypes } from '../../main/models/dtypes';
import { makeModelFolder, tempDir } from './fixture';
import { tinyModelDir } from '../support/models';

const unreachable = 'http://127.0.0.1:9';

describe('importFolder', () => {
  it('copies a SmolVLM folder into the store as local/<name>, leaving the source untouched', async () => {
    const src = makeModelFolder(path.join(tempDir(), 'My Model'), { suffixes: ['', '_q4'], onnxBytes: 20_000 });
    const before = readdirSync(path.join(src, 'onnx')).map((f) => [f, statSync(path.join(src, 'onnx', f)).mtimeMs]);
    const store = new ModelStore({ hubDir: tempDir(), endpoint: unreachable });
    const model = await store.importFolder(src);

    expect(model).toMatchObject({ repo: 'local/My-Model', complete: true, readOnly: false });
    expect(model.dtypes).toEqual({ vision_encoder: ['fp32', 'q4'], embed_tokens: ['fp32', 'q4'], decoder_model_merged: ['fp32', 'q4'] });
    expect(model.path).toBe(path.join(store.hubDir, 'models--local--My-Model', 'snapshots', model.revision));
    for (const f of ['config.json', 'tokenizer.json', 'onnx/decoder_model_merged_q4.onnx']) {
      expect(readFileSync(path.join(model.path, f)).equals(readFileSync(path.join(src, f)))).toBe(true);
    }
    // Only what a model needs is copied (not the README), as real files in blobs, not links to the source.
    expect(existsSync(path.join(model.path, 'README.md'))).toBe(false);
    expect(lstatSync(path.join(model.path, 'config.json')).isSymbolicLink()).toBe(true);
    expect(readdirSync(path.join(src, 'onnx')).map((f) => [f, statSync(path.join(src, 'onnx', f)).mtimeMs])).toEqual(before);
    rmSync(src, { recursive: true });
    expect(readFileSync(path.join(model.path, 'onnx/vision_encoder.onnx')).length).toBeGreaterThan(20_000);
    expect(store.resolveLocal('local/My-Model')).toBe(model.path);

    // Importing the same content again lands on the same snapshot.
    const again = makeModelFolder(path.join(tempDir(), 'My Model'), { suffixes: ['', '_q4'], onnxBytes: 20_000 });
    expect((await store.importFolder(again)).path).toBe(model.path);
  });

  it('rejects folders that are not SmolVLM models with a readable reason', async () => {
    const store = new ModelStore({ hubDir: tempDir(), endpoint: unreachable });
    const noTokenizer = makeModelFolder(tempDir());
    rmSync(path.join(noTokenizer, 'tokenizer.json'));
    await expect(store.importFolder(noTokenizer)).rejects.toThrow(/is not a SmolVLM model folder: missing tokenizer\.json/);

    const noDecoder = makeModelFolder(tempDir(), { suffixes: [''] });
    rmSync(path.join(noDecoder, 'onnx', 'decoder_model_merged.onnx'));
    await expect(store.importFolder(noDecoder)).rejects.toThrow(/missing onnx\/decoder_model_merged\*\.onnx/);

    const bert = makeModelFolder(tempDir(), { modelType: 'bert' });
    await expect(store.importFolder(bert)).rejects.toThrow(/model_type is "bert" \(expected "idefics3" or "smolvlm"\)/);

    const badJson = makeModelFolder(tempDir());
    writeFileSync(path.join(badJson, 'config.json'), '{ nope');
    await expect(store.importFolder(badJson)).rejects.toThrow(/config\.json is not valid JSON/);

    await expect(store.importFolder(path.join(tempDir(), 'missing'))).rejects.toThrow(/is not a folder/);
    expect(store.list()).toEqual([]);
  });

  it('imports the forged tiny model, which resolves as a loadable folder', async () => {
    const tiny = await tinyModelDir();
    const store = new ModelStore({ hubDir: tempDir(), endpoint: unreachable });
    const model = await store.importFolder(tiny, { name: 'tiny' });
    expect(model.complete).toBe(true);
    expect(model.dtypes.decoder_model_merged.length).toBeGreaterThan(0);
    expect(store.resolveLocal('local/tiny', { files: onnxFilesFor(sessionDtypes('cpu', 'fp32')) })).toBe(model.path);
    // A folder path is used as is.
    expect(store.resolveLocal(tiny)).toBe(tiny);
  });
});

describe('list and remove', () => {
  it('lists every model with its dtypes and removes one completely', async () => {
    const store = new ModelStore({ hubDir: tempDir(), endpoint: unreachable });
    const a = await store.importFolder(makeModelFolder(path.join(tempDir(), 'alpha'), { suffixes: ['_fp16'], onnxBytes: 5000 }));
    const b = await store.importFolder(makeModelFolder(path.join(tempDir(), 'beta'), { suffixes: [''], onnxBytes: 5000, seed: 99 }));
    const listed = store.list();
    expect(listed.map((m) => [m.repo, m.revision, describeAvailable(m.dtypes), m.complete])).toEqual([
      ['local/alpha', a.revision, 'fp16', true],
      ['local/beta', b.revision, 'fp32', true],
    ]);
    expect(listed[0].bytes).toBe(a.bytes);
    expect(a.bytes).toBeGreaterThan(3 * 5000);

    expect(store.remove('local/alpha')).toBe(true);
    expect(existsSync(path.join(store.hubDir, 'models--local--alpha'))).toBe(false);
    expect(store.list().map((m) => m.repo)).toEqual(['local/beta']);
    expect(store.remove('local/alpha')).toBe(false);
    expect(() => store.remove('../etc')).toThrow(/is not a model id/);
    expect(store.resolveLocal('local/alpha')).toBeNull();
  });
});

describe('dtypes', () => {
  it('chooses per-session files by device and dtype', () => {
    expect(sessionDtypes('cpu', 'auto')).toEqual({ vision_encoder: 'fp32', embed_tokens: 'fp32', decoder_model_merged: 'q8' });
    expect(sessionDtypes('cuda', 'auto')).toEqual({ vision_encoder: 'fp16', embed_tokens: 'fp16', decoder_model_merged: 'fp16' });
    expect(onnxFilesFor(sessionDtypes('dml', 'q4f16'))).toEqual([
      'onnx/vision_encoder_q4f16.onnx', 'onnx/embed_tokens_q4f16.onnx', 'onnx/decoder_model_merged_q4f16.onnx',
    ]);
    expect(onnxFilesFor(sessionDtypes('cpu', 'auto'))).toEqual([
      'onnx/vision_encoder.onnx', 'onnx/embed_tokens.onnx', 'onnx/decoder_model_merged_quantized.onnx',
    ]);
    expect(parseOnnxFile('onnx/decoder_model_merged_bnb4.onnx')).toEqual({ session: 'decoder_model_merged', dtype: 'bnb4' });
    expect(parseOnnxFile('onnx/decoder_model_merged.onnx_data')).toBeNull();
    expect(parseOnnxFile('onnx/decoder_model_merged_q2.onnx')).toBeNull();
    expect(availableDtypes(['onnx/embed_tokens_uint8.onnx', 'onnx/embed_tokens.onnx', 'onnx/embed_tokens_int8.onnx']).embed_tokens)
      .toEqual(['fp32', 'int8', 'uint8']);
  });
});
