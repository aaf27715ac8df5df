// Video playback vocabulary shared by main and the renderer (issue 12): what a browser's <video> is
// asked about a clip, the preview codecs, and durations on tiles. Formats and extensions: ./media.ts.

/**
 * RFC 6381 codec strings of a representative profile per ffprobe codec name: enough for
 * canPlayType to say whether this engine has the decoder at all (H.264 is missing from some
 * Chromium builds, HEVC from most; VP9/AV1 are in all of them).
 */
const CODEC_STRING: Readonly<Record<string, string>> = {
  h264: 'avc1.42E01E', hevc: 'hvc1.1.6.L93.B0', vp9: 'vp09.00.10.08', av1: 'av01.0.05M.08', vp8: 'vp8',
};

/**
 * The type a player should test with canPlayType, or null when no browser plays the container.
 * ISO-BMFF/QuickTime are all asked as video/mp4: Chromium's demuxer reads .mov/.m4v/.3gp as MP4
 * (it has no video/quicktime type); Matroska plays only as WebM (VP8/VP9/AV1); AVI never.
 */
export function playbackType(container: string | null, codec: string | null): string | null {
  if (!codec || !CODEC_STRING[codec]) return null;
  if (container === 'mp4' || container === 'mov' || container === 'm4v' || container === '3gp') {
    return codec === 'vp8' ? null : `video/mp4; codecs="${CODEC_STRING[codec]}"`;
  }
  if (container === 'webm' || container === 'mkv') {
    return codec === 'vp8' || codec === 'vp9' || codec === 'av1' ? `video/webm; codecs="${codec === 'vp9' ? 'vp9' : CODEC_STRING[codec]}"` : null;
  }
  return null;
}

/** Preview encodings the app can make for a clip the browser cannot play. */
export const PREVIEW_CODECS = ['h264', 'vp9'] as const;
export type PreviewCodec = (typeof PREVIEW_CODECS)[number];
export const PREVIEW_TYPE: Readonly<Record<PreviewCodec, string>> = {
  h264: 'video/mp4; codecs="avc1.4D401F"',
  vp9: 'video/webm; codecs="vp9"',
};

/** 75 500 ms → "1:16"; an hour or more → "1:02:03". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return '';
  const total = Math.round(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}
