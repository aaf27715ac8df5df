// Seeded, name-addressed random numbers: every weight tensor gets its own stream derived from
// (seed, tensor name), so the fp32 and quantized files of one forge hold the same underlying weights
// and tensors can be generated lazily in any order.

function hashString(text: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0; // FNV-1a
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** sfc32: fast, good-quality 32-bit generator; returns uint32 values. */
export function createRng(seed: number, name = ''): () => number {
  let a = hashString(name, seed);
  let b = hashString(name + '#b', seed) | 1;
  let c = hashString(name + '#c', seed);
  let d = 1;
  const next = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 12; i++) next();
  return next;
}

const UINT32_SCALE = 1 / 4294967296;

/** Uniform values with the given standard deviation (uniform on ±std·√3). */
export function uniformWeights(seed: number, name: string, count: number, std: number): Float32Array {
  const next = createRng(seed, name);
  const out = new Float32Array(count);
  const width = 2 * std * Math.sqrt(3);
  const offset = -std * Math.sqrt(3);
  for (let i = 0; i < count; i++) out[i] = offset + next() * UINT32_SCALE * width;
  return out;
}
