// Which integer type a quantised ONNX file stores its weights in (u8 or s8), read from the tensor
// headers of the graph's initializers without loading the weights: the reader hops over each
// raw_data field, so a 137 MB decoder costs a few hundred small reads. Used to match a q8 file to the
// int8 kernel that will run it (u8·u8 or u8·s8, ./int8-probe.ts).
import { closeSync, openSync, readSync } from 'node:fs';
import { ONNX_TYPE } from './onnx-encode';

export type WeightType = 'int8' | 'uint8';

/** A window over a file, read in chunks; positions are absolute. */
class FileReader {
  private buf = Buffer.alloc(0);
  private start = 0;

  constructor(private readonly fd: number) {}

  private ensure(pos: number, n: number): void {
    if (pos >= this.start && pos + n <= this.start + this.buf.length) return;
    const size = Math.max(n, 64 * 1024);
    const buf = Buffer.alloc(size);
    const got = readSync(this.fd, buf, 0, size, pos);
    this.buf = buf.subarray(0, got);
    this.start = pos;
  }

  byteAt(pos: number): number {
    this.ensure(pos, 1);
    const b = this.buf[pos - this.start];
    if (b === undefined) throw new Error('truncated ONNX file');
    return b;
  }

  /** A varint at `pos`: its value and the position after it. */
  varint(pos: number): [number, number] {
    let value = 0;
    let scale = 1;
    for (let p = pos; p < pos + 10; p++) {
      const b = this.byteAt(p);
      value += (b & 0x7f) * scale;
      scale *= 128;
      if (b < 0x80) return [value, p + 1];
    }
    throw new Error('bad varint in ONNX file');
  }
}

/** Visits the fields of the message in [pos, end): (field, wireType, valuePos, value|length). */
function* fields(r: FileReader, pos: number, end: number): Generator<{ field: number; wire: number; at: number; value: number }> {
  let p = pos;
  while (p < end) {
    const [key, afterKey] = r.varint(p);
    const field = Math.floor(key / 8);
    const wire = key & 7;
    if (wire === 0) {
      const [value, next] = r.varint(afterKey);
      yield { field, wire, at: afterKey, value };
      p = next;
    } else if (wire === 2) {
      const [length, next] = r.varint(afterKey);
      yield { field, wire, at: next, value: length };
      p = next + length;
    } else if (wire === 5) {
      yield { field, wire, at: afterKey, value: 0 };
      p = afterKey + 4;
    } else if (wire === 1) {
      yield { field, wire, at: afterKey, value: 0 };
      p = afterKey + 8;
    } else {
      throw new Error(`unsupported protobuf wire type ${wire}`);
    }
  }
}

const GRAPH = 7; // ModelProto.graph
const INITIALIZER = 5; // GraphProto.initializer
const DIMS = 1; // TensorProto.dims
const DATA_TYPE = 2; // TensorProto.data_type

/** Elements per integer type among the initializers big enough to be weights (not zero points). */
export function initializerIntTypes(file: string, minElements = 256): Record<WeightType, number> {
  const counts: Record<WeightType, number> = { int8: 0, uint8: 0 };
  const fd = openSync(file, 'r');
  try {
    const r = new FileReader(fd);
    const size = Number.MAX_SAFE_INTEGER; // the top level ends where the file does: fields() stops on a short read
    let end = size;
    try {
      for (const top of fields(r, 0, end)) {
        if (top.field !== GRAPH || top.wire !== 2) continue;
        end = top.at + top.value;
        for (const g of fields(r, top.at, end)) {
          if (g.field !== INITIALIZER || g.wire !== 2) continue;
          let type = 0;
          let elements = 1;
          for (const t of fields(r, g.at, g.at + g.value)) {
            if (t.field === DIMS && t.wire === 0) elements *= t.value;
            else if (t.field === DATA_TYPE && t.wire === 0) type = t.value;
            else if (t.field === DIMS && t.wire === 2) elements *= packedProduct(r, t.at, t.at + t.value);
          }
          if (elements < minElements) continue;
          if (type === ONNX_TYPE.int8) counts.int8 += elements;
          else if (type === ONNX_TYPE.uint8) counts.uint8 += elements;
        }
        break;
      }
    } catch (err) {
      if (!/truncated/.test((err as Error).message)) throw err;
    }
  } finally {
    closeSync(fd);
  }
  return counts;
}

function packedProduct(r: FileReader, pos: number, end: number): number {
  let product = 1;
  for (let p = pos; p < end; ) {
    const [v, next] = r.varint(p);
    product *= v;
    p = next;
  }
  return product;
}

/** The integer type of a quantised file's weights, or null when it holds none (fp32, fp16). */
export function weightTypeOf(file: string): WeightType | null {
  const counts = initializerIntTypes(file);
  if (counts.int8 === 0 && counts.uint8 === 0) return null;
  return counts.int8 >= counts.uint8 ? 'int8' : 'uint8';
}
