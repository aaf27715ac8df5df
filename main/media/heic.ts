// HEIC/HEIF (HEVC) decoding with heic-decode's libheif (libheif + libde265 compiled to WebAssembly;
// LGPL-3.0, kept in this one replaceable module). Decoding runs in worker threads, never on the
// thread that called: a 12 MP HEIC takes seconds of CPU. Memory is bounded: each worker decodes one
// image at a time (a 48 MP decode holds ~200 MB of RGBA plus the codec's own buffers), at most
// HEIC_WORKERS workers exist, and a worker idle for IDLE_MS is ended so its WebAssembly heap is freed.
// libheif applies the HEIF transformations (irot/imir/clap) itself: callers must NOT rotate by the
// EXIF orientation again. The primary image of a multi-image file is the one decoded.
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import os from 'node:os';
import { AppError } from '../../shared/errors';

export interface HeifPixels {
  width: number;
  height: number;
  /** RGBA, 8 bits per channel, sRGB (Display P3 content is converted). */
  data: Buffer;
}

/** Workers decoding at once (each one image at a time). */
export const HEIC_WORKERS = Math.max(1, Math.min(2, os.availableParallelism() - 1));
const IDLE_MS = 20_000;

// The worker is plain CommonJS evaluated from this string, so it runs the same under tsx, vitest,
// the esbuild bundles (main, CLI, inference process) and Electron, with no separate file to locate.
const WORKER_SOURCE = String.raw`
const { parentPort, workerData } = require('node:worker_threads');
const libheif = require(workerData.libheifPath);

// Display P3 → sRGB: same transfer curve and white point, so linearise, 3×3 matrix, re-encode.
const P3_TO_SRGB = [1.2249401, -0.2249404, 0, -0.0420569, 1.0420571, 0, -0.0196376, -0.0786361, 1.0982735];
let toLinear = null;
let toSrgb = null;
function convertP3(data) {
  if (!toLinear) {
    toLinear = new Float32Array(256);
    for (let i = 0; i < 256; i++) { const c = i / 255; toLinear[i] = c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); }
    toSrgb = new Uint8Array(4096);
    for (let i = 0; i < 4096; i++) { const l = i / 4095; const c = l <= 0.0031308 ? l * 12.92 : 1.055 * Math.pow(l, 1 / 2.4) - 0.055; toSrgb[i] = Math.round(Math.min(1, Math.max(0, c)) * 255); }
  }
  const m = P3_TO_SRGB;
  const enc = (l) => toSrgb[l <= 0 ? 0 : l >= 1 ? 4095 : (l * 4095 + 0.5) | 0];
  for (let i = 0; i < data.length; i += 4) {
    const r = toLinear[data[i]], g = toLinear[data[i + 1]], b = toLinear[data[i + 2]];
    data[i] = enc(m[0] * r + m[1] * g + m[2] * b);
    data[i + 1] = enc(m[3] * r + m[4] * g + m[5] * b);
    data[i + 2] = enc(m[6] * r + m[7] * g + m[8] * b);
  }
}

parentPort.on('message', async ({ id, bytes, p3 }) => {
  const decoder = new libheif.HeifDecoder();
  let images = [];
  try {
    await libheif.ready;
    images = decoder.decode(new Uint8Array(bytes));
    if (!images.length) throw new Error('no image in the HEIF file (libheif could not parse it)');
    const primary = images.find((im) => libheif.heif_image_handle_is_primary_image(im.handle)) || images[0];
    const width = primary.get_width();
    const height = primary.get_height();
    const target = { data: new Uint8ClampedArray(width * height * 4), width, height };
    const out = await new Promise((resolve) => primary.display(target, resolve));
    if (!out) throw new Error('libheif could not decode the image data');
    if (p3) convertP3(out.data);
    parentPort.postMessage({ id, width, height, data: out.data.buffer }, [out.data.buffer]);
  } catch (err) {
    parentPort.postMessage({ id, error: String((err && err.message) || err) });
  } finally {
    for (const im of images) { try { im.free(); } catch {} }
    try { if (decoder.decoder && decoder.decoder.delete) decoder.decoder.delete(); } catch {}
  }
});
`;

interface Job { bytes: Uint8Array; p3: boolean; resolve(p: HeifPixels): void; reject(err: Error): void }
interface Slot { worker: Worker; busy: Job | null; idle: NodeJS.Timeout | null }

const require_ = createRequire(import.meta.url);
let libheifPath: string | null = null;
const slots: Slot[] = [];
const queue: Job[] = [];
let nextId = 1;

function spawn(): Slot {
  libheifPath ??= createRequire(require_.resolve('heic-decode')).resolve('libheif-js/wasm-bundle');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { libheifPath } });
  worker.unref(); // an idle decoder never keeps the process alive
  const slot: Slot = { worker, busy: null, idle: null };
  worker.on('message', (msg: { error?: string; width: number; height: number; data: ArrayBuffer }) => {
    const job = slot.busy;
    slot.busy = null;
    if (job) {
      if (msg.error) job.reject(new AppError('unsupported', `cannot decode HEIF: ${msg.error}`));
      else job.resolve({ width: msg.width, height: msg.height, data: Buffer.from(msg.data) });
    }
    pump();
  });
  const fail = (err: Error) => {
    const i = slots.indexOf(slot);
    if (i >= 0) slots.splice(i, 1);
    if (slot.idle) clearTimeout(slot.idle);
    slot.busy?.reject(new AppError('unsupported', `cannot decode HEIF: the decoder stopped (${err.message})`));
    slot.busy = null;
    pump();
  };
  worker.on('error', fail);
  worker.on('exit', (code) => { if (slots.includes(slot)) fail(new Error(`exit code ${code}`)); });
  slots.push(slot);
  return slot;
}

function pump(): void {
  while (queue.length) {
    let slot = slots.find((s) => !s.busy);
    if (!slot && slots.length < HEIC_WORKERS) slot = spawn();
    if (!slot) return;
    const job = queue.shift()!;
    if (slot.idle) { clearTimeout(slot.idle); slot.idle = null; }
    slot.busy = job;
    const id = nextId++;
    slot.worker.postMessage({ id, bytes: job.bytes, p3: job.p3 });
  }
  for (const slot of slots) {
    if (slot.busy || slot.idle) continue;
    slot.idle = setTimeout(() => {
      const i = slots.indexOf(slot);
      if (i >= 0 && !slot.busy) { slots.splice(i, 1); void slot.worker.terminate(); }
    }, IDLE_MS);
    slot.idle.unref();
  }
}

/**
 * True when the file's colour profile (an ICC 'prof' in the 'colr' box) is Display P3, as iPhones
 * write. nclx-only files are treated as sRGB. The box sits in the meta box near the start.
 */
export function isDisplayP3(bytes: Uint8Array): boolean {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, 512 * 1024));
  const colr = head.indexOf('colrprof', 0, 'latin1');
  if (colr < 0) return false;
  const profile = head.subarray(colr, colr + 4096);
  // ICC v2 'desc' is ASCII; v4 'mluc' is UTF-16BE.
  return /Display P3|DCI-P3/.test(profile.toString('latin1')) || /Display P3|DCI-P3/.test(profile.toString('latin1').replace(/\0/g, ''));
}

/** Decodes the primary image of a HEIC/HEIF file to upright sRGB RGBA pixels, in a worker. */
export function decodeHeif(bytes: Uint8Array): Promise<HeifPixels> {
  return new Promise((resolve, reject) => {
    // A copy the worker owns; the caller's buffer stays usable (hashing, metadata).
    queue.push({ bytes: new Uint8Array(bytes), p3: isDisplayP3(bytes), resolve, reject });
    pump();
  });
}

/** Ends the decoder workers (tests, shutdown); later decodes start new ones. */
export async function closeHeifWorkers(): Promise<void> {
  const all = slots.splice(0);
  for (const s of all) {
    if (s.idle) clearTimeout(s.idle);
    s.busy?.reject(new AppError('cancelled', 'HEIF decoding stopped'));
    s.busy = null;
  }
  await Promise.all(all.map((s) => s.worker.terminate()));
}
