import * as ort from 'onnxruntime-node';
const dir = process.argv[2]!; const sfx = process.argv[3] ?? '';
const t0 = performance.now();
const vis = await ort.InferenceSession.create(`${dir}/onnx/vision_encoder${sfx}.onnx`);
console.log('vision load', ((performance.now()-t0)/1000).toFixed(2));
const pv = new ort.Tensor('float32', new Float32Array(3*512*512).map((_, i) => Math.sin(i)), [1,1,3,512,512]);
const pm = new ort.Tensor('bool', new Uint8Array(512*512).fill(1), [1,1,512,512]);
for (let r = 0; r < 2; r++) { const t = performance.now(); const o = await vis.run({ pixel_values: pv, pixel_attention_mask: pm }); console.log('vision run', ((performance.now()-t)/1000).toFixed(2), o.image_features!.dims); }
const dec = await ort.InferenceSession.create(`${dir}/onnx/decoder_model_merged${sfx}.onnx`);
const L = 30, KV = 3, HD = 64, H = 576;
const past = (n: number) => { const f: Record<string, ort.Tensor> = {}; for (let i=0;i<L;i++) for (const k of ['key','value']) f[`past_key_values.${i}.${k}`] = new ort.Tensor('float32', new Float32Array(KV*n*HD), [1,KV,n,HD]); return f; };
const i64 = (a: number[], d: number[]) => new ort.Tensor('int64', BigInt64Array.from(a.map(BigInt)), d);
let S = 90;
let t = performance.now();
let o = await dec.run({ inputs_embeds: new ort.Tensor('float32', new Float32Array(S*H).map((_, i) => Math.sin(i)*0.05), [1,S,H]), attention_mask: i64(Array(S).fill(1), [1,S]), position_ids: i64([...Array(S).keys()], [1,S]), ...past(0) });
console.log('prefill', ((performance.now()-t)/1000).toFixed(2));
t = performance.now();
for (let step = 0; step < 32; step++) {
  const f: Record<string, ort.Tensor> = {};
  for (const [k, v] of Object.entries(o)) if (k.startsWith('present')) f[k.replace('present','past_key_values')] = v;
  const T = S + step + 1;
  o = await dec.run({ inputs_embeds: new ort.Tensor('float32', new Float32Array(H).fill(0.01), [1,1,H]), attention_mask: i64(Array(T).fill(1), [1,T]), position_ids: i64([T-1], [1,1]), ...f });
}
console.log('32 steps', ((performance.now()-t)/1000).toFixed(2));
