// A small ONNX graph builder: named values, lazily generated initializers, one helper per op call.
import type onnxProto from 'onnx-proto';
import { onnx, type Initializer, type ModelParts } from './onnx-writer';

export const DataType = {
  float: 1,
  uint8: 2,
  int8: 3,
  int32: 6,
  int64: 7,
  bool: 9,
} as const;
export type DataTypeName = keyof typeof DataType;

const BYTES_PER_ELEMENT: Record<DataTypeName, number> = { float: 4, uint8: 1, int8: 1, int32: 4, int64: 8, bool: 1 };

/** Attribute values: integer → INT, `{ f }` → FLOAT, integer array → INTS, string → STRING. */
export type AttrValue = number | { f: number } | number[] | string;

export type Dim = number | string; // number: static, string: symbolic dim_param

const AttributeType = onnx.AttributeProto.AttributeType;

function toAttribute(name: string, value: AttrValue): onnxProto.onnx.IAttributeProto {
  if (typeof value === 'number') return { name, type: AttributeType.INT, i: value };
  if (typeof value === 'string') return { name, type: AttributeType.STRING, s: new TextEncoder().encode(value) };
  if (Array.isArray(value)) return { name, type: AttributeType.INTS, ints: value };
  return { name, type: AttributeType.FLOAT, f: value.f };
}

function valueInfo(name: string, type: DataTypeName, dims: Dim[]): onnxProto.onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: DataType[type],
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

export function elementCount(dims: number[]): number {
  return dims.reduce((n, d) => n * d, 1);
}

function asBytes(data: Float32Array | BigInt64Array | Int8Array | Uint8Array | Int32Array): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

export interface OpOptions {
  outputs?: number; // number of outputs (default 1)
  domain?: string;
}

export class GraphBuilder {
  private readonly nodes: onnxProto.onnx.INodeProto[] = [];
  private readonly inputs: onnxProto.onnx.IValueInfoProto[] = [];
  private readonly outputs: onnxProto.onnx.IValueInfoProto[] = [];
  private readonly initializers: Initializer[] = [];
  private readonly usedNames = new Set<string>();
  private readonly domains = new Set<string>();
  private counter = 0;

  constructor(private readonly name: string) {}

  input(name: string, type: DataTypeName, dims: Dim[]): string {
    this.inputs.push(valueInfo(name, type, dims));
    this.usedNames.add(name);
    return name;
  }

  /** Declares a graph output; `value` is renamed to `name` with an Identity when they differ. */
  output(name: string, value: string, type: DataTypeName, dims: Dim[]): void {
    if (value !== name) this.nodes.push({ opType: 'Identity', input: [value], output: [name], name: `${name}_out` });
    this.outputs.push(valueInfo(name, type, dims));
  }

  fresh(prefix: string): string {
    let candidate = `${prefix}_${this.counter++}`;
    while (this.usedNames.has(candidate)) candidate = `${prefix}_${this.counter++}`;
    this.usedNames.add(candidate);
    return candidate;
  }

  /** Adds a node; returns its output names. */
  ops(opType: string, inputs: string[], attrs: Record<string, AttrValue> = {}, options: OpOptions = {}): string[] {
    const count = options.outputs ?? 1;
    const outputs = Array.from({ length: count }, () => this.fresh(opType.toLowerCase()));
    if (options.domain) this.domains.add(options.domain);
    this.nodes.push({
      opType,
      input: inputs,
      output: outputs,
      name: `${opType}_${this.nodes.length}`,
      domain: options.domain ?? '',
      attribute: Object.entries(attrs).map(([key, value]) => toAttribute(key, value)),
    });
    return outputs;
  }

  op(opType: string, inputs: string[], attrs: Record<string, AttrValue> = {}, options: OpOptions = {}): string {
    return this.ops(opType, inputs, attrs, options)[0]!;
  }

  /** Registers an initializer whose bytes are produced only when the file is written. */
  initializer(name: string, type: DataTypeName, dims: number[], bytes: () => Uint8Array): string {
    if (this.usedNames.has(name)) throw new Error(`duplicate value name ${name}`);
    this.usedNames.add(name);
    return this.addInitializer(name, type, dims, bytes);
  }

  private addInitializer(name: string, type: DataTypeName, dims: number[], bytes: () => Uint8Array): string {
    const byteLength = elementCount(dims) * BYTES_PER_ELEMENT[type];
    this.initializers.push({ name, dataType: DataType[type], dims, byteLength, bytes });
    return name;
  }

  floats(name: string, dims: number[], values: () => Float32Array): string {
    return this.initializer(name, 'float', dims, () => asBytes(values()));
  }

  int8s(name: string, dims: number[], values: () => Int8Array): string {
    return this.initializer(name, 'int8', dims, () => asBytes(values()));
  }

  uint8s(name: string, dims: number[], values: () => Uint8Array): string {
    return this.initializer(name, 'uint8', dims, () => values());
  }

  /** A small int64 constant (shapes, axes, indices). */
  int64(values: number[], dims: number[] = [values.length]): string {
    return this.addInitializer(this.fresh('const_i64'), 'int64', dims, () => asBytes(BigInt64Array.from(values.map((v) => BigInt(v)))));
  }

  /** A small float constant; a scalar when `dims` is []. */
  scalar(value: number, dims: number[] = []): string {
    return this.addInitializer(this.fresh('const_f32'), 'float', dims, () => asBytes(Float32Array.of(value)));
  }

  toModel(producer: string): ModelParts {
    const opsets = [{ domain: '', version: 17 }];
    for (const domain of this.domains) opsets.push({ domain, version: 1 });
    return {
      graph: { name: this.name, node: this.nodes, input: this.inputs, output: this.outputs },
      initializers: this.initializers,
      opsets,
      irVersion: 8,
      producer,
    };
  }
}
