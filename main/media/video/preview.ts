// A browser-playable 720p copy of a clip the player cannot play (HEVC in Chromium, AVI, MPEG-4
// Part 2 …), made on first open with progress and cached by content hash in the thumbnail cache.
// The original is only read. The player picks the codec (see renderer/src/views/VideoPlayer.tsx):
// H.264 where the engine has it, else VP9, which every Chromium and Electron build decodes.
import { promises as fs } from 'node:fs';
import type { PreviewCodec } from '../../../shared/video';
import { AppError } from '../../../shared/errors';
import { runTool } from './tools';
import { writeFileAtomic } from '../atomic-write';
import { previewPath } from './preview-files';

/** Short side of the preview. */
export const PREVIEW_SHORT_SIDE = 720;

export interface PreviewJob {
  file: string;
  /** 0..1 while encoding. */
  progress: number;
  done: Promise<string>;
}

const running = new Map<string, PreviewJob>();

/**
 * The cached preview of `original` (content `hash`), making it when missing. Concurrent callers for
 * the same clip and codec share one encode. `onProgress` gets 0..1.
 */
export function ensurePreview(
  original: string, thumbsDir: string, hash: string, durationMs: number | null, codec: PreviewCodec,
  onProgress?: (fraction: number) => void,
): PreviewJob {
  const out = previewPath(thumbsDir, hash, codec);
  const key = out;
  const existing = running.get(key);
  if (existing) return existing;
  const job: PreviewJob = { file: out, progress: 0, done: Promise.resolve(out) };
  job.done = (async () => {
    try {
      await fs.access(out);
      job.progress = 1;
      return out;
    } catch { /* not made yet */ }
    const scale = `scale='if(gt(iw,ih),-2,min(${PREVIEW_SHORT_SIDE},iw))':'if(gt(iw,ih),min(${PREVIEW_SHORT_SIDE},ih),-2)'`;
    const video = codec === 'h264'
      ? ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23', '-profile:v', 'main', '-pix_fmt', 'yuv420p']
      : ['-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8', '-row-mt', '1', '-b:v', '2M', '-pix_fmt', 'yuv420p'];
    const audio = codec === 'h264' ? ['-c:a', 'aac', '-b:a', '128k'] : ['-c:a', 'libopus', '-b:a', '96k'];
    const format = codec === 'h264' ? ['-movflags', '+faststart', '-f', 'mp4'] : ['-f', 'webm'];
    const totalUs = durationMs && durationMs > 0 ? durationMs * 1000 : null;
    let buffered = '';
    const onStdout = (c: Buffer) => {
      buffered += c.toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        const m = /^out_time_(?:us|ms)=(\d+)/.exec(line.trim());
        if (m && totalUs) {
          job.progress = Math.min(0.99, Number(m[1]) / totalUs);
          onProgress?.(job.progress);
        }
      }
    };
    try {
      // The format is named (-f): the temporary file's name says nothing to ffmpeg.
      await writeFileAtomic(out, (tmp) => runTool('ffmpeg', [
        '-nostdin', '-hide_banner', '-loglevel', 'error', '-i', original,
        '-map', '0:v:0', '-map', '0:a:0?', '-vf', scale, ...video, ...audio, ...format, '-progress', 'pipe:1', '-y', tmp,
      ], { timeoutMs: Math.max(120_000, (durationMs ?? 0) * 10), onStdout }), { mkdirs: true });
    } catch (err) {
      if (err instanceof AppError) throw new AppError(err.kind === 'unsupported' ? 'unsupported' : err.kind, `cannot make a playable preview: ${err.message}`, { cause: err });
      throw err;
    }
    job.progress = 1;
    onProgress?.(1);
    return out;
  })().finally(() => running.delete(key));
  running.set(key, job);
  return job;
}


