import * as ort from 'onnxruntime-node';
import { readFileSync } from 'node:fs';
import onnxProto from 'onnx-proto';
const [src, dst] = [process.argv[2]!, process.argv[3]!];
await ort.InferenceSession.create(src, { optimizedModelFilePath: dst, graphOptimizationLevel: 'all' } as never);
const m = onnxProto.onnx.ModelProto.decode(readFileSync(dst));
const counts: Record<string, number> = {};
for (const n of m.graph!.node!) counts[`${n.domain||''}:${n.opType}`] = (counts[`${n.domain||''}:${n.opType}`] ?? 0) + 1;
console.log(counts);
