// Streams an ONNX ModelProto to disk without ever holding all weights in one buffer.
// The graph's small parts (nodes, I/O) are encoded with onnx-proto; each initializer is encoded as its
// TensorProto header plus a hand-written raw_data field, produced lazily one tensor at a time. Protobuf
// lets a message's fields arrive in any order, so GraphProto = header fields + initializer records.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import onnxProto from 'onnx-proto';
import { varintBytes } from '../../main/engine/onnx-encode';

export const { onnx } = onnxProto;

/** One weight tensor; `bytes()` is called exactly once, while writing. */
export interface Initializer {
  name: string;
  dataType: number; // onnx.TensorProto.DataType
  dims: number[];
  byteLength: number;
  bytes: () => Uint8Array;
}

export interface ModelParts {
  graph: onnxProto.onnx.IGraphProto; // without initializers
  initializers: Initializer[];
  opsets: { domain: string; version: number }[];
  irVersion: number;
  producer: string;
}

const GRAPH_FIELD = 7; // ModelProto.graph
const INITIALIZER_FIELD = 5; // GraphProto.initializer
const RAW_DATA_FIELD = 9; // TensorProto.raw_data
const LEN_WIRE_TYPE = 2;

const varint = varintBytes;

function tag(field: number): Uint8Array {
  return varint((field << 3) | LEN_WIRE_TYPE);
}

interface EncodedInitializer {
  head: Uint8Array; // tag+len of the TensorProto, its header fields, tag+len of raw_data
  init: Initializer;
}

function encodeInitializerHead(init: Initializer): EncodedInitializer {
  const tensorHeader = onnx.TensorProto.encode({ name: init.name, dataType: init.dataType, dims: init.dims }).finish();
  const rawPrefix = concat([tag(RAW_DATA_FIELD), varint(init.byteLength)]);
  const tensorLength = tensorHeader.length + rawPrefix.length + init.byteLength;
  return { head: concat([tag(INITIALIZER_FIELD), varint(tensorLength), tensorHeader, rawPrefix]), init };
}

function concat(parts: Uint8Array[]): Uint8Array {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** Writes the model to `file`; returns the byte count. */
export async function writeModel(file: string, parts: ModelParts): Promise<number> {
  const graphHeader = onnx.GraphProto.encode(parts.graph).finish();
  const encoded = parts.initializers.map(encodeInitializerHead);
  const graphLength = graphHeader.length + encoded.reduce((n, e) => n + e.head.length + e.init.byteLength, 0);
  const modelHeader = onnx.ModelProto.encode({
    irVersion: parts.irVersion,
    producerName: parts.producer,
    opsetImport: parts.opsets,
  }).finish();

  const out = createWriteStream(file);
  let written = 0;
  const write = async (chunk: Uint8Array): Promise<void> => {
    written += chunk.length;
    if (!out.write(chunk)) await once(out, 'drain');
  };
  try {
    await write(modelHeader);
    await write(concat([tag(GRAPH_FIELD), varint(graphLength)]));
    await write(graphHeader);
    for (const { head, init } of encoded) {
      await write(head);
      const data = init.bytes();
      if (data.length !== init.byteLength) {
        throw new Error(`initializer ${init.name}: produced ${data.length} bytes, declared ${init.byteLength}`);
      }
      await write(data);
    }
    out.end();
    await once(out, 'finish');
  } catch (err) {
    out.destroy();
    throw err;
  }
  return written;
}
