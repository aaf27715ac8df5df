// A broken model folder must fail with an error that names the problem. Each case copies the forged
// tiny model to a temp folder and breaks one thing.
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tinyModelDir } from '../support/models';
import { loadModel } from '../../main/engine/loader';
import type { Device, Dtype } from '../../shared/contract/models';
import { hostFor, makePhotos, removeTempDirs, tempDir } from './support';

let tiny: string;
beforeAll(async () => { tiny = await tinyModelDir(); });
afterAll(() => removeTempDirs());

function copyTiny(): string {
  const dir = path.join(tempDir('broken'), 'model');
  cpSync(tiny, dir, { recursive: true });
  return dir;
}

const load = (modelDir: string, dtype: Dtype = 'auto', device: Device = 'cpu') =>
  loadModel({ modelDir, device, dtype, cacheDir: tempDir('broken-cache') });

describe('broken model folders', () => {
  it('corrupt ONNX file', async () => {
    const dir = copyTiny();
    writeFileSync(path.join(dir, 'onnx', 'vision_encoder.onnx'), Buffer.alloc(4096, 0x5a));
    await expect(load(dir)).rejects.toThrow(/Cannot load the model in .*model: .*(protobuf|onnx|parse)/i);
  });

  it('missing file of the requested dtype', async () => {
    const dir = copyTiny();
    rmSync(path.join(dir, 'onnx', 'decoder_model_merged_q4.onnx'));
    await expect(load(dir, 'q4')).rejects.toThrow(/onnx\/decoder_model_merged_q4\.onnx for dtype q4 is missing .*available for decoder_model_merged: fp32, q8/);
    // 'auto' picks what is there instead.
    rmSync(path.join(dir, 'onnx', 'decoder_model_merged_quantized.onnx'));
    const ok = await load(dir, 'auto');
    expect(ok.info.dtype.decoder_model_merged).toBe('fp32');
  });

  it('config with the wrong layer count', async () => {
    const dir = copyTiny();
    const file = path.join(dir, 'config.json');
    const config = JSON.parse(readFileSync(file, 'utf8'));
    config.text_config.num_hidden_layers += 1;
    writeFileSync(file, JSON.stringify(config));
    await expect(load(dir)).rejects.toThrow(new RegExp(`num_hidden_layers is ${config.text_config.num_hidden_layers} but onnx/decoder_model_merged has ${config.text_config.num_hidden_layers - 1} layers`));
  });

  it('tokenizer missing', async () => {
    const dir = copyTiny();
    rmSync(path.join(dir, 'tokenizer.json'));
    await expect(load(dir)).rejects.toThrow(/The tokenizer is missing in .*: tokenizer\.json not found/);
  });

  it('not a model folder, and a device this platform does not have', async () => {
    await expect(load(path.join(os.tmpdir(), 'no-such-model-folder'))).rejects.toThrow(/Model folder not found/);
    await expect(load(tiny, 'auto', process.platform === 'win32' ? 'coreml' : 'dml')).rejects.toThrow(/is not available on/);
  });

  it('auto device falls back to the CPU and says why the accelerators were not used', async () => {
    const loaded = await load(tiny, 'auto', 'auto');
    expect(loaded.info.device).toBe('cpu');
    // This machine has neither CUDA libraries nor a GPU adapter.
    if (process.platform === 'linux' && process.arch === 'x64') {
      expect(loaded.info.fallbackReasons.map((r) => r.split(':')[0])).toEqual(['cuda', 'webgpu']);
    }
  });

  it('a broken model fails the request through the host with the same error, and the host stays usable', async () => {
    const dir = copyTiny();
    rmSync(path.join(dir, 'tokenizer.json'));
    const photos = await makePhotos();
    const host = hostFor(dir);
    try {
      await expect(host.caption({ path: photos.square, style: 'short' })).rejects.toThrow(/The tokenizer is missing/);
      expect(host.status().lastError).toMatch(/The tokenizer is missing/);
      await host.configure({ model: tiny });
      const r = await host.caption({ path: photos.square, style: 'short' });
      expect(r.caption.length).toBeGreaterThan(0);
    } finally {
      await host.close();
    }
  });
});
