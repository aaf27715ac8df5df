// Video metadata from ffprobe's JSON: duration, displayed size after rotation, rotation, codecs,
// frame rate, creation time with its time zone, GPS (QuickTime ©xyz / `location`, Apple's ISO 6709
// key), make/model (Apple keys, Android tags) and Apple's content identifier (Live Photo pairing).
// ffprobe reads every one of these from the container's own atoms; ExifTool is not needed here.
import { AppError } from '../../../shared/errors';
import { normaliseDate } from '../../library/metadata';
import { runTool } from './tools';

export interface VideoMeta {
  durationMs: number | null;
  /** Displayed size: already swapped for 90°/270° rotation. */
  width: number | null;
  height: number | null;
  /** Clockwise degrees a player turns the stored frames: 0, 90, 180 or 270. */
  rotation: number;
  codec: string | null;
  audioCodec: string | null;
  fps: number | null;
  /** ISO-8601 with an offset (Apple's local creation date, or the UTC creation time in this machine's zone). */
  takenAt: string | null;
  cameraMake: string | null;
  cameraModel: string | null;
  lat: number | null;
  lon: number | null;
  /** com.apple.quicktime.content.identifier: the same id as the Live Photo's still. */
  contentId: string | null;
}

interface ProbeStream {
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  duration?: string;
  tags?: Record<string, string>;
  side_data_list?: { rotation?: number }[];
  disposition?: { attached_pic?: number };
}

export interface ProbeJson {
  streams?: ProbeStream[];
  format?: { duration?: string; tags?: Record<string, string> };
}

const PROBE_TIMEOUT_MS = 30_000;

export async function probeVideo(file: string, signal?: AbortSignal): Promise<VideoMeta> {
  let json: ProbeJson;
  try {
    const { stdout } = await runTool('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', '--', file],
      { timeoutMs: PROBE_TIMEOUT_MS, signal, maxStdout: 4 * 1024 * 1024 });
    json = JSON.parse(stdout.toString('utf8')) as ProbeJson;
  } catch (err) {
    if (err instanceof AppError && err.kind === 'unsupported') throw new AppError('unsupported', probeFailure(err.message), { cause: err });
    throw err;
  }
  return parseProbe(json);
}

/** ffprobe's complaint in words a person understands. */
function probeFailure(message: string): string {
  if (/moov atom not found|Invalid data found|EBML header parsing failed|End of file/i.test(message)) {
    return `damaged or incomplete video: ${message.replace(/^ffprobe failed \(exit \d+\): /, '')}`;
  }
  return `cannot read video: ${message}`;
}

const lower = (tags: Record<string, string> | undefined): Record<string, string> =>
  Object.fromEntries(Object.entries(tags ?? {}).map(([k, v]) => [k.toLowerCase(), v]));

export function parseProbe(json: ProbeJson): VideoMeta {
  const streams = json.streams ?? [];
  const video = streams.find((s) => s.codec_type === 'video' && !s.disposition?.attached_pic);
  if (!video) throw new AppError('unsupported', 'no video stream in this file (audio only or not a video)');
  const audio = streams.find((s) => s.codec_type === 'audio');
  const fmtTags = lower(json.format?.tags);
  const vTags = lower(video.tags);
  const rotation = rotationOf(video);
  const swap = rotation === 90 || rotation === 270;
  const w = positive(video.width);
  const h = positive(video.height);
  const seconds = num(json.format?.duration) ?? num(video.duration);
  const [lat, lon] = parseIso6709(fmtTags['com.apple.quicktime.location.iso6709'] ?? fmtTags.location ?? fmtTags['location-eng'] ?? vTags.location);
  return {
    durationMs: seconds !== null && seconds >= 0 ? Math.round(seconds * 1000) : null,
    width: swap ? h : w,
    height: swap ? w : h,
    rotation,
    codec: video.codec_name ?? null,
    audioCodec: audio?.codec_name ?? null,
    fps: rate(video.avg_frame_rate) ?? rate(video.r_frame_rate),
    takenAt: creationTime(fmtTags, vTags),
    cameraMake: text(fmtTags['com.apple.quicktime.make'] ?? fmtTags.make ?? fmtTags['com.android.manufacturer']),
    cameraModel: text(fmtTags['com.apple.quicktime.model'] ?? fmtTags.model ?? fmtTags['com.android.model']),
    lat, lon,
    contentId: text(fmtTags['com.apple.quicktime.content.identifier']),
  };
}

const num = (v: unknown): number | null => {
  const n = typeof v === 'string' ? Number(v) : typeof v === 'number' ? v : NaN;
  return Number.isFinite(n) ? n : null;
};
const positive = (v: unknown): number | null => (typeof v === 'number' && v > 0 ? v : null);
const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v.trim() : null);

function rate(v: string | undefined): number | null {
  if (!v) return null;
  const [a, b] = v.split('/').map(Number);
  if (!a || !b || !Number.isFinite(a / b)) return null;
  return Math.round((a / b) * 1000) / 1000;
}

/**
 * Clockwise degrees. Newer ffprobe reports the display matrix as side data whose `rotation` is
 * counter-clockwise (an iPhone portrait clip says -90); older builds put a clockwise `rotate` tag.
 */
export function rotationOf(stream: ProbeStream): number {
  const side = stream.side_data_list?.find((d) => typeof d.rotation === 'number');
  const cw = side ? -(side.rotation as number) : num(stream.tags?.rotate) ?? 0;
  const r = ((Math.round(cw / 90) * 90) % 360 + 360) % 360;
  return r;
}

/** Apple's local creation date (it carries the zone); else the container's UTC time in this machine's zone. */
function creationTime(fmt: Record<string, string>, video: Record<string, string>): string | null {
  const apple = normaliseDate(fmt['com.apple.quicktime.creationdate']);
  if (apple) return apple;
  const utc = fmt.creation_time ?? video.creation_time;
  if (!utc) return null;
  const ms = Date.parse(utc);
  // QuickTime's epoch (1904) and Unix 0 are what encoders write when they know no time.
  if (!Number.isFinite(ms) || ms <= Date.UTC(1971, 0, 1)) return null;
  return withLocalOffset(ms);
}

/** A timestamp as local wall-clock time with this machine's UTC offset, e.g. 2021-07-04T12:20:30+02:00. */
export function withLocalOffset(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(Math.trunc(Math.abs(n))).padStart(2, '0');
  const off = -d.getTimezoneOffset();
  const zone = `${off >= 0 ? '+' : '-'}${p(off / 60)}:${p(off % 60)}`;
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}${zone}`;
}

/**
 * ISO 6709 point: "+48.8584+002.2945/", "+48.8584+002.2945+035.000/", or the degree-minute forms
 * "+4851.504+00217.670/" and "+485130.24+0021740.16/". 0,0 (no fix) is no location.
 */
export function parseIso6709(v: string | undefined): [number | null, number | null] {
  if (!v) return [null, null];
  const m = /^\s*([+-]\d+(?:\.\d+)?)([+-]\d+(?:\.\d+)?)/.exec(v);
  if (!m) return [null, null];
  const lat = degrees(m[1]!, 2);
  const lon = degrees(m[2]!, 3);
  if (lat === null || lon === null || Math.abs(lat) > 90 || Math.abs(lon) > 180 || (lat === 0 && lon === 0)) return [null, null];
  return [lat, lon];
}

function degrees(s: string, degDigits: number): number | null {
  const sign = s.startsWith('-') ? -1 : 1;
  const body = s.slice(1);
  const [int = '', frac = ''] = body.split('.');
  const f = frac ? Number(`0.${frac}`) : 0;
  let value: number;
  if (int.length <= degDigits) value = Number(int) + f;
  else if (int.length === degDigits + 2) value = Number(int.slice(0, degDigits)) + (Number(int.slice(degDigits)) + f) / 60;
  else if (int.length === degDigits + 4) value = Number(int.slice(0, degDigits)) + Number(int.slice(degDigits, degDigits + 2)) / 60 + (Number(int.slice(degDigits + 2)) + f) / 3600;
  else return null;
  return Number.isFinite(value) ? sign * Math.round(value * 1e7) / 1e7 : null;
}
