// `npm run bench -- video [--json] [--count N] [--rounds N (3)] [--no-ai] [--model tiny|smolvlm-256m]`: videos (issue 12).
//  (a) bare: ffprobe (JSON) + one ffmpeg frame grab per file, the same arguments the app uses, with
//      the app's process bound, side by side with
//  (b) the full index of the same folder (walk, sniff, streamed sha256, ffprobe, poster with the
//      blank-frame check, grid thumbnail, dHash, SQLite); ratio (b)/(a), target ≥ 0.85;
//      beside them (a) plus only the content hash, grid thumbnail and dHash: the ceiling of (b);
//  (c) keyframe caption (4 frames in one prompt) seconds per video vs one photo caption, same model
//      (default the forged smolvlm-256m: real dimensions, random weights).
// Clips: one 10 s 1080p H.264 clip is encoded once into .cache/bench/videos-1080p; the N files are
// stream copies of it with a distinct tag each (distinct content hashes, so no thumbnail is reused)
// — encoding 100 clips would take this machine an hour and measures nothing of ours.
import { execFile } from 'node:child_process';
import { existsSync, linkSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { tool, toolConcurrency } from '../../main/media/video/tools';
import { grabPosterPixels } from '../../main/media/video/frames';
import { hashFile } from '../../main/media/file-hash';
import { thumbFiles, writeGrid } from '../../main/library/thumbs';
import { runPool } from '../../main/library/pool';
import { createContext } from '../../main/service/context';
import { addRoot } from '../../main/library/roots';
import { scanRoots } from '../../main/library/indexer';
import { nodeEngineFactory } from '../../main/engine/factory';
import { videoKeyframes } from '../../main/ai/video-frames';
import { smolvlm256mDir, tinyModelDir } from '../support/models';

const run_ = promisify(execFile);
const CACHE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../.cache/bench/videos-1080p');
const log = (json: boolean, text: string) => { (json ? process.stderr : process.stdout).write(`${text}\n`); };
const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;
const arg = (name: string) => { const i = process.argv.indexOf(name); return i >= 0 ? process.argv[i + 1] : undefined; };

async function ensureClips(count: number, json: boolean): Promise<string> {
  const base = path.join(CACHE, 'base.mp4');
  const dir = path.join(CACHE, 'clips');
  mkdirSync(dir, { recursive: true });
  if (!existsSync(base)) {
    log(json, 'Encoding the 10 s 1080p H.264 base clip (once)…');
    await run_(tool('ffmpeg').path, ['-nostdin', '-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=1920x1080:rate=30',
      '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000', '-t', '10', '-c:v', 'libx264', '-preset', 'veryfast', '-b:v', '4M',
      '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', '-movflags', '+faststart', `${base}.tmp.mp4`]);
    renameSync(`${base}.tmp.mp4`, base);
  }
  const name = (i: number) => path.join(dir, `VID_${String(i).padStart(4, '0')}.mp4`);
  const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !existsSync(name(i)));
  await runPool(missing, 4, async (i) => {
    await run_(tool('ffmpeg').path, ['-nostdin', '-v', 'error', '-y', '-i', base, '-map', '0', '-c', 'copy', '-metadata', `comment=bench clip ${i}`,
      '-metadata', `creation_time=2024-05-${String(1 + (i % 28)).padStart(2, '0')}T12:00:00Z`, '-movflags', '+faststart', `${name(i)}.tmp.mp4`]);
    renameSync(`${name(i)}.tmp.mp4`, name(i));
  }, () => {});
  // Only the first `count` clips are indexed: a folder of exactly those.
  const folder = path.join(CACHE, `set-${count}`);
  if (!existsSync(folder) || readdirSync(folder).length !== count) {
    rmSync(folder, { recursive: true, force: true });
    mkdirSync(folder);
    for (let i = 0; i < count; i++) linkSync(name(i), path.join(folder, path.basename(name(i))));
  }
  return folder;
}

/**
 * (a), or with `work` (a folder) also what any index must add to it — the streamed content hash
 * (the library's identity of a file) and the grid thumbnail with its dHash, written there — in the
 * leanest order (the hash while ffprobe runs, twice the files in flight): the ceiling of (b).
 */
async function bare(files: string[], concurrency: number, work?: string): Promise<number> {
  const t0 = performance.now();
  await runPool(files, work ? concurrency * 2 : concurrency, async (file) => {
    const probe = run_(tool('ffprobe').path, ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', '--', file], { maxBuffer: 1 << 22 });
    const hash = work ? await hashFile(file) : null;
    const { stdout } = await probe;
    if (!(JSON.parse(stdout) as { format?: { duration?: string } }).format?.duration) throw new Error(`${file}: no duration`);
    const pixels = await grabPosterPixels(file, 0);
    if (work && hash) {
      if (!pixels) throw new Error(`${file}: no frame`);
      await writeGrid(pixels, thumbFiles(work, hash));
    }
  }, () => {});
  return performance.now() - t0;
}

async function fullIndex(folder: string, expected: number): Promise<number> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'bench-video-'));
  const ctx = createContext({ dataDir });
  try {
    await addRoot(ctx.db, folder);
    const t0 = performance.now();
    const summary = await scanRoots(ctx);
    const ms = performance.now() - t0;
    if (summary.added !== expected || summary.errors) throw new Error(`index found ${summary.added} videos, ${summary.errors} errors; expected ${expected}`);
    return ms;
  } finally {
    await ctx.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function captions(folder: string, modelName: string, json: boolean): Promise<Record<string, number | string>> {
  const model = modelName === 'tiny' ? await tinyModelDir() : await smolvlm256mDir((m) => log(json, `  forge: ${m}`));
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'bench-video-ai-'));
  const ctx = createContext({ dataDir, engineFactory: nodeEngineFactory });
  try {
    const files = readdirSync(folder).slice(0, 3).map((f) => path.join(folder, f));
    const clipDir = mkdtempSync(path.join(os.tmpdir(), 'bench-video-clips-'));
    for (const f of files) linkSync(f, path.join(clipDir, path.basename(f)));
    await addRoot(ctx.db, clipDir);
    await scanRoots(ctx);
    const rows = ctx.db.prepare('SELECT id, rel_path FROM photos ORDER BY id').all() as { id: number; rel_path: string }[];
    const engine = ctx.engine();
    await engine.configure({ model });
    await engine.load();
    const NEW = 32;
    let photoMs = 0; let videoMs = 0; let framesMs = 0;
    let warm = false;
    for (const r of rows) {
      let t = performance.now();
      const frames = (await videoKeyframes(ctx, r.id, path.join(clipDir, r.rel_path), undefined, 4))!;
      framesMs += performance.now() - t;
      // The photo: one of these frames as a still (same size, same decoding).
      const still = frames[1]!.path;
      if (!warm) { await engine.caption({ path: still, style: 'short', maxNewTokens: NEW, minNewTokens: NEW }); warm = true; }
      t = performance.now();
      await engine.caption({ path: still, style: 'short', maxNewTokens: NEW, minNewTokens: NEW });
      photoMs += performance.now() - t;
      t = performance.now();
      const c = await engine.caption({ path: frames[0]!.path, frames: frames.map((f) => f.path), style: 'short', maxNewTokens: NEW, minNewTokens: NEW });
      videoMs += performance.now() - t;
      if (c.imageTokens === undefined) throw new Error('no image token count');
    }
    rmSync(clipDir, { recursive: true, force: true });
    const n = rows.length;
    return {
      model: modelName, newTokens: NEW, videos: n,
      photoCaptionS: round(photoMs / n / 1000, 3), videoCaptionS: round(videoMs / n / 1000, 3),
      keyframeExtractS: round(framesMs / n / 1000, 3), videoOverPhoto: round(videoMs / photoMs, 2),
      note: 'videoCaptionS is the caption of 4 frames in one prompt; keyframeExtractS (4 ffmpeg grabs) is separate',
    };
  } finally {
    await ctx.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function run({ json }: { json: boolean }): Promise<void> {
  const count = Number(arg('--count') ?? 100);
  const modelName = arg('--model') ?? 'smolvlm-256m';
  const folder = await ensureClips(count, json);
  const files = readdirSync(folder).map((f) => path.join(folder, f)).sort();
  for (const f of files) readFileSync(f); // page cache warm for both sides
  const concurrency = toolConcurrency();
  log(json, `${count} × 10 s 1080p H.264 clips, ${concurrency} tool processes at a time, ${os.availableParallelism()} cores`);
  // On a shared machine the load changes within a minute: the two sides take turns, and each
  // keeps its fastest round (the one least slowed by others), so neither is measured in a worse minute.
  // Three by default: single rounds of the same code read 0.79–1.12 on this 2-core machine.
  const rounds = Math.max(1, Number(arg('--rounds') ?? 3));
  let bareMs = Infinity;
  let workMs = Infinity;
  let indexMs = Infinity;
  const rate = (ms: number) => round(count / (ms / 1000));
  for (let r = 0; r < rounds; r++) {
    const b = await bare(files, concurrency);
    const work = mkdtempSync(path.join(os.tmpdir(), 'bench-video-work-'));
    const w = await bare(files, concurrency, work).finally(() => rmSync(work, { recursive: true, force: true }));
    const i = await fullIndex(folder, count);
    if (rounds > 1) log(json, `  round ${r + 1}: bare ${rate(b)} videos/s, + required work ${rate(w)} (${round(b / w, 3)}), index ${rate(i)} (${round(b / i, 3)})`);
    bareMs = Math.min(bareMs, b);
    workMs = Math.min(workMs, w);
    indexMs = Math.min(indexMs, i);
  }
  const result: Record<string, unknown> = {
    clips: count, concurrency, rounds,
    bare: { ms: Math.round(bareMs), videosPerS: rate(bareMs) },
    bareWithRequiredWork: { ms: Math.round(workMs), videosPerS: rate(workMs), ratio: round(bareMs / workMs, 3) },
    index: { ms: Math.round(indexMs), videosPerS: rate(indexMs) },
    ratio: round(bareMs / indexMs, 3), target: 0.85,
  };
  log(json, `bare ffprobe + 1 frame grab: ${rate(bareMs)} videos/s   full index: ${rate(indexMs)} videos/s   ratio ${result.ratio} (target ≥ 0.85)${rounds > 1 ? `, fastest of ${rounds} rounds each` : ''}`);
  log(json, `  ceiling: bare + only the work an index must add (content hash, grid thumbnail + dHash): ${rate(workMs)} videos/s → ${round(bareMs / workMs, 3)}`);
  if (!process.argv.includes('--no-ai')) {
    result.captions = await captions(folder, modelName, json);
    log(json, `captions on ${modelName}: ${JSON.stringify(result.captions)}`);
  }
  if (json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
