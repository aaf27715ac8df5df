// The few bytes of protobuf a one-op ONNX model needs, written by hand: the engine builds its kernel
// probes (./int8-probe.ts) at run time, and onnx-proto is only a dev dependency (the forge's).
// Field numbers are those of onnx/onnx.proto (ModelProto, GraphProto, NodeProto, TensorProto, …).

/** onnx.TensorProto.DataType values used here. */
export const ONNX_TYPE = { float: 1, uint8: 2, int8: 3, int32: 6 } as const;
export type OnnxType = (typeof ONNX_TYPE)[keyof typeof ONNX_TYPE];

export interface OnnxTensor {
  name: string;
  type: OnnxType;
  dims: number[];
  data: Uint8Array;
}

export interface OnnxValue {
  name: string;
  type: OnnxType;
  dims: number[];
}

export interface OnnxNode {
  op: string;
  inputs: string[];
  outputs: string[];
  domain?: string;
  /** Integer attributes only (all the probes need). */
  ints?: Record<string, number>;
}

export interface OnnxGraph {
  nodes: OnnxNode[];
  inputs: OnnxValue[];
  outputs: OnnxValue[];
  initializers: OnnxTensor[];
  opsets: { domain: string; version: number }[];
}

const VARINT = 0;
const LEN = 2;

/** A protobuf base-128 varint (also used by test/forge/onnx-writer.ts). */
export function varintBytes(value: number): Uint8Array {
  const out: number[] = [];
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return Uint8Array.from(out);
}

class Writer {
  private parts: Uint8Array[] = [];
  private length = 0;

  private push(bytes: Uint8Array): this {
    this.parts.push(bytes);
    this.length += bytes.length;
    return this;
  }

  private varint(value: number): this {
    return this.push(varintBytes(value));
  }

  int(field: number, value: number): this {
    return this.varint((field << 3) | VARINT).varint(value);
  }

  bytes(field: number, value: Uint8Array): this {
    return this.varint((field << 3) | LEN).varint(value.length).push(value);
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  message(field: number, build: (w: Writer) => void): this {
    const inner = new Writer();
    build(inner);
    return this.bytes(field, inner.finish());
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.length);
    let offset = 0;
    for (const p of this.parts) {
      out.set(p, offset);
      offset += p.length;
    }
    return out;
  }
}

function valueInfo(w: Writer, v: OnnxValue): void {
  w.string(1, v.name).message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.int(1, v.type).message(2, (shape) => {
        for (const d of v.dims) shape.message(1, (dim) => dim.int(1, d));
      });
    }),
  );
}

/** A serialized ModelProto (IR version 8) that onnxruntime loads from bytes. */
export function encodeModel(graph: OnnxGraph): Uint8Array {
  const model = new Writer().int(1, 8).string(2, 'smolalbum-probe');
  model.message(7, (g) => {
    graph.nodes.forEach((n, i) =>
      g.message(1, (node) => {
        for (const name of n.inputs) node.string(1, name);
        for (const name of n.outputs) node.string(2, name);
        node.string(3, `${n.op}_${i}`).string(4, n.op);
        for (const [name, value] of Object.entries(n.ints ?? {})) {
          node.message(5, (a) => a.string(1, name).int(3, value).int(20, 2 /* AttributeProto.INT */));
        }
        if (n.domain) node.string(7, n.domain);
      }),
    );
    g.string(2, 'probe');
    for (const t of graph.initializers) {
      g.message(5, (tensor) => {
        for (const d of t.dims) tensor.int(1, d);
        tensor.int(2, t.type).string(8, t.name).bytes(9, t.data);
      });
    }
    for (const v of graph.inputs) g.message(11, (w) => valueInfo(w, v));
    for (const v of graph.outputs) g.message(12, (w) => valueInfo(w, v));
  });
  for (const o of graph.opsets) model.message(8, (op) => op.string(1, o.domain).int(2, o.version));
  return model.finish();
}
