// Videos for tests, made at test time with the bundled ffmpeg (@ffmpeg-installer/ffmpeg, through the
// app's own resolver): testsrc2 in H.264 or VP9, with creation time, an ISO 6709 location, a
// rotation, an audio track — and the broken kinds a library meets (truncated, text named .mp4).
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { tool } from '../../main/media/video/tools';

const run = promisify(execFile);

export interface ClipSpec {
  /** File to write (its extension picks the container). */
  file: string;
  codec?: 'h264' | 'vp9' | 'hevc';
  seconds?: number;
  width?: number;
  height?: number;
  fps?: number;
  /** ISO-8601 UTC, e.g. 2021-07-04T10:20:30Z. */
  creationTime?: string;
  /** ISO 6709, e.g. +48.8584+002.2945/. */
  location?: string;
  /** Clockwise degrees a player must turn the stored frames (0/90/180/270). */
  rotation?: 0 | 90 | 180 | 270;
  audio?: boolean;
  /** Seconds of black before the pattern starts (poster must skip them). */
  blackLead?: number;
  /** `testsrc2` (default) or a white-top / black-bottom frame whose upright side is known. */
  pattern?: 'testsrc2' | 'topwhite';
  /** Extra `-metadata key=value` pairs on the container (Apple keys, make/model …). */
  metadata?: Record<string, string>;
}

export async function ffmpeg(args: string[]): Promise<void> {
  await run(tool('ffmpeg').path, ['-nostdin', '-hide_banner', '-loglevel', 'error', '-y', ...args], { maxBuffer: 1 << 24 });
}

/**
 * Writes one clip. Rotation is made the way phones do it: the stored frames are turned the other way
 * and the container says how to turn them back. This ffmpeg build (2018) writes its `rotate` tag with
 * the opposite sign to its own reader, ExifTool and newer ffprobe; the value passed here is the one
 * all readers then agree on (see test/video/index.test.ts, which checks it with ExifTool).
 */
export async function makeClip(spec: ClipSpec): Promise<string> {
  const seconds = spec.seconds ?? 2;
  const w = spec.width ?? 320;
  const h = spec.height ?? 240;
  const fps = spec.fps ?? 25;
  const codec = spec.codec ?? 'h264';
  await fs.mkdir(path.dirname(spec.file), { recursive: true });
  const source = spec.pattern === 'topwhite'
    ? `color=white:s=${w}x${h}:r=${fps},drawbox=x=0:y=${h / 2}:w=${w}:h=${h / 2}:color=black:t=fill`
    : `testsrc2=size=${w}x${h}:rate=${fps}`;
  const filters: string[] = [];
  if (spec.blackLead) filters.push(`fade=in:st=${spec.blackLead}:d=0.01`);
  const rot = spec.rotation ?? 0;
  // Stored frames = upright frames turned against the display rotation.
  if (rot === 90) filters.push('transpose=2');
  if (rot === 270) filters.push('transpose=1');
  if (rot === 180) filters.push('hflip,vflip');
  const args = ['-f', 'lavfi', '-i', source];
  if (spec.audio) args.push('-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000`);
  args.push('-t', String(seconds));
  if (filters.length) args.push('-vf', filters.join(','));
  if (codec === 'h264') args.push('-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p');
  else if (codec === 'hevc') args.push('-c:v', 'libx265', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-tag:v', 'hvc1', '-x265-params', 'log-level=error');
  else args.push('-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '300k');
  if (spec.audio) args.push('-c:a', spec.file.endsWith('.webm') ? 'libopus' : 'aac', '-shortest');
  if (spec.creationTime) args.push('-metadata', `creation_time=${spec.creationTime}`);
  if (spec.location) args.push('-metadata', `location=${spec.location}`);
  for (const [k, v] of Object.entries(spec.metadata ?? {})) args.push('-metadata', `${k}=${v}`);
  // Apple's keys (com.apple.quicktime.*) go to the `keys`/mdta atoms as an iPhone writes them; the
  // standard ones (creation_time, location → ©xyz) to their classic atoms.
  const appleKeys = Object.keys(spec.metadata ?? {}).some((k) => k.startsWith('com.apple.'));
  if (!spec.file.endsWith('.webm') && !spec.file.endsWith('.mkv')) args.push('-movflags', appleKeys ? '+faststart+use_metadata_tags' : '+faststart');
  if (!rot) { await ffmpeg([...args, spec.file]); return spec.file; }
  const tmp = `${spec.file}.norot${path.extname(spec.file)}`;
  await ffmpeg([...args, tmp]);
  // See above: this muxer writes tag value v as a display rotation of (360 - v).
  const keep = spec.creationTime ? ['-metadata', `creation_time=${spec.creationTime}`] : [];
  await ffmpeg(['-i', tmp, '-map', '0', '-c', 'copy', '-map_metadata', '0', ...keep, '-metadata:s:v:0', `rotate=${(360 - rot) % 360}`, spec.file]);
  await fs.rm(tmp);
  return spec.file;
}

/** The first `fraction` of a clip's bytes: a copy cut short (an interrupted transfer). */
export async function truncateCopy(src: string, dest: string, fraction: number): Promise<string> {
  const buf = await fs.readFile(src);
  await fs.writeFile(dest, buf.subarray(0, Math.floor(buf.length * fraction)));
  return dest;
}
