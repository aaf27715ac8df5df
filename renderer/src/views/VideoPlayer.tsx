// The detail's player (issue 12): the browser's own <video> on /media/:id (Range-served). Whether the
// original plays is asked of this engine with canPlayType; when it cannot (HEVC in Chromium, AVI …)
// a 720p preview is made once on the server, with progress, in a codec this engine decodes.
import { useEffect, useState } from 'react';
import { api, mediaUrl } from '../api';
import { useEvent } from '../hooks/useEvent';
import { useI18n } from '../i18n';
import { errorText } from '../format';
import { PREVIEW_TYPE, type PreviewCodec } from '../../../shared/video';
import type { VideoInfo } from '../../../shared/types';

const canPlay = (type: string): boolean => document.createElement('video').canPlayType(type) !== '';

/**
 * The preview codec for this engine: H.264 when it has the decoder (Chrome, Electron, Edge, Safari —
 * small files, hardware decoding everywhere); otherwise VP9, which every Chromium build has, including
 * those built without proprietary codecs (some Linux distributions' Chromium lacks H.264).
 */
export const previewCodecFor = (can: (type: string) => boolean = canPlay): PreviewCodec => (can(PREVIEW_TYPE.h264) ? 'h264' : 'vp9');

type Source = { kind: 'original' } | { kind: 'preparing'; codec: PreviewCodec; progress: number } | { kind: 'preview'; codec: PreviewCodec } | { kind: 'failed'; message: string };

export function VideoPlayer({ id, video, live = false }: { id: number; video: VideoInfo; live?: boolean }) {
  const { t } = useI18n();
  const [source, setSource] = useState<Source>(() => (video.playbackType && canPlay(video.playbackType) ? { kind: 'original' } : { kind: 'preparing', codec: previewCodecFor(), progress: 0 }));
  const preparing = source.kind === 'preparing' ? source.codec : null;
  useEffect(() => {
    if (!preparing) return;
    let alive = true;
    api['videos.preview']({ id, codec: preparing }).then(
      () => { if (alive) setSource({ kind: 'preview', codec: preparing }); },
      (err: unknown) => { if (alive) setSource({ kind: 'failed', message: errorText(err) }); },
    );
    return () => { alive = false; };
  }, [id, preparing]);
  useEvent('video.preview', (p) => {
    if (p.id === id && source.kind === 'preparing' && p.codec === source.codec) setSource({ ...source, progress: p.progress });
  });
  if (source.kind === 'failed') return <p role="alert" className="error-text">{t('video.previewFailed', { message: source.message })}</p>;
  if (source.kind === 'preparing') {
    return (
      <div className="photo-preview video-box" aria-busy="true">
        <img className="photo-preview" src={mediaUrl('thumb', id)} alt="" />
        <p className="video-preparing" role="status" data-testid="video-preparing" title={t('video.previewWhy', { codec: video.codec ?? '?', preview: source.codec === 'h264' ? 'H.264' : 'VP9' })}>
          {t('video.preparing', { percent: Math.round(source.progress * 100) })}
        </p>
      </div>
    );
  }
  const src = source.kind === 'preview' ? mediaUrl('media', id, source.codec) : mediaUrl('media', id);
  // A Live Photo's motion plays muted and loops, like the Photos apps do; a video gets controls.
  return live
    ? <video className="photo-preview video-player" src={src} poster={mediaUrl('thumb', id)} autoPlay muted loop playsInline data-testid="live-player" />
    : <video className="photo-preview video-player" src={src} poster={mediaUrl('thumb', id)} controls playsInline preload="metadata" data-testid="video-player" />;
}
