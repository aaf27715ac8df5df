// #/photo/:id: large preview, caption and tags with their source (AI / XMP / you), both editable in
// place; stars and favourite (click, or keys 0–5 and F); EXIF details; previous/next (← →); "Ask
// about this photo" opens chat with it attached.
// Videos play in the browser's own player; a Live Photo plays its motion on hover (issue 12).
import { lazy, Suspense, useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import type { PhotoDetail, Provenance, VideoInfo } from '../../../shared/types';
import { formatDuration } from '../../../shared/video';
import { VideoPlayer } from './VideoPlayer';
import { api, mediaUrl } from '../api';
import { useEvent } from '../hooks/useEvent';
import { useI18n } from '../i18n';
import { href, navigate } from '../router';
import { errorText, formatBytes, formatDate } from '../format';
import { RatingControl } from '../components/RatingControl';
import { placeLabel } from './places/place-format';
import { PlaceEditor } from './places/PlaceEditor';
import { TilePlaceholder } from '../components/PhotoGrid';
import { problemOf } from './tile-problem';

// The small map carries the world's shapes: loaded with the first photo that has a place.
const MiniMap = lazy(() => import('./places/MiniMap'));

/** Back to wherever the photo was opened from (grid, search, album), or the library. */
function goBack(): void {
  if (window.history.length > 1) window.history.back();
  else navigate(href.library());
}

function PlaceSection({ photo, onChanged }: { photo: PhotoDetail; onChanged(): void }) {
  const { t, lang } = useI18n();
  const [editing, setEditing] = useState(false);
  useEffect(() => setEditing(false), [photo.id]);
  const place = photo.place;
  const label = place ? placeLabel(place, lang) : null;
  return (
    <section aria-labelledby="place-title" data-testid="place-section">
      <h2 id="place-title">{t('photo.place')} {place ? <span className="badge" data-testid="place-source">{t(`place.source.${place.source}`)}</span> : null}</h2>
      <p data-testid="photo-place">{label ?? <span className="muted">{place ? t('place.atSea') : t('place.none')}</span>}</p>
      {place ? <Suspense fallback={null}><MiniMap lat={place.lat} lon={place.lon} label={label ?? t('photo.place')} /></Suspense> : null}
      {editing
        ? <PlaceEditor photoIds={[photo.id]} current={place} onDone={() => { setEditing(false); onChanged(); }} />
        : <button type="button" className="small" onClick={() => setEditing(true)} data-testid="place-edit">{t('place.set')}</button>}
    </section>
  );
}

function SourceBadge({ source }: { source: Provenance }) {
  const { t } = useI18n();
  return <span className={`badge source-${source}`} title={t(`source.${source}.title`)} data-testid="source-badge" data-source={source}>{t(`source.${source}`)}</span>;
}

function CaptionEditor({ photo, onSaved }: { photo: PhotoDetail; onSaved(p: PhotoDetail): void }) {
  const { t } = useI18n();
  const effective = photo.captions[0] ?? null;
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState(effective?.text ?? '');
  const [error, setError] = useState<string | null>(null);
  useEffect(() => { setText(photo.captions[0]?.text ?? ''); setEditing(false); }, [photo]);
  const save = (e: FormEvent) => {
    e.preventDefault();
    api['photos.setCaption']({ id: photo.id, text }).then((p) => { setEditing(false); onSaved(p); }, (err: unknown) => setError(errorText(err)));
  };
  return (
    <section aria-labelledby="caption-title" data-testid="caption-section">
      <h2 id="caption-title">{t('photo.caption')} {effective ? <SourceBadge source={effective.source} /> : null}</h2>
      {editing ? (
        <form onSubmit={save} className="caption-form">
          <textarea value={text} onChange={(e) => setText(e.target.value)} rows={4} aria-label={t('photo.editCaption')} autoFocus data-testid="caption-input"
            onKeyDown={(e) => { if (e.key === 'Escape') { e.stopPropagation(); setEditing(false); } }} />
          <div className="row">
            <button type="submit" className="primary" data-testid="caption-save">{t('photo.save')}</button>
            <button type="button" onClick={() => setEditing(false)}>{t('photo.cancel')}</button>
          </div>
        </form>
      ) : (
        <div className="caption-text">
          <p data-testid="caption-text">{effective?.text ?? <span className="muted">{t('photo.noCaption')}</span>}</p>
          <button type="button" className="small" onClick={() => setEditing(true)} data-testid="caption-edit">{t('photo.editCaption')}</button>
        </div>
      )}
      {photo.captions.length > 1 ? (
        <details>
          <summary>{t('photo.otherCaptions')}</summary>
          <ul className="other-captions">{photo.captions.slice(1).map((c) => <li key={c.source}><SourceBadge source={c.source} /> {c.text}</li>)}</ul>
        </details>
      ) : null}
      {error ? <p role="alert" className="error-text">{error}</p> : null}
    </section>
  );
}

function TagEditor({ photo, onSaved }: { photo: PhotoDetail; onSaved(p: PhotoDetail): void }) {
  const { t } = useI18n();
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const add = (e: FormEvent) => {
    e.preventDefault();
    const tags = text.split(',').map((s) => s.trim()).filter(Boolean);
    if (!tags.length) return;
    api['photos.addTags']({ id: photo.id, tags }).then((p) => { setText(''); setError(null); onSaved(p); }, (err: unknown) => setError(errorText(err)));
  };
  const remove = (tag: string) => {
    api['photos.removeTags']({ id: photo.id, tags: [tag] }).then(onSaved, (err: unknown) => setError(errorText(err)));
  };
  return (
    <section aria-labelledby="tags-title" data-testid="tags-section">
      <h2 id="tags-title">{t('photo.tags')}</h2>
      <ul className="tag-list">
        {/* photos.get resolves tags: one per name, labelled by its strongest source. */}
        {photo.tags.map(({ name, source }) => (
          <li key={name} className="chip" data-testid="tag-chip" data-tag={name}>
            <a href={href.search(new URLSearchParams({ tag: name }))}>{name}</a> <SourceBadge source={source} />
            <button type="button" className="chip-remove" aria-label={t('photo.removeTag', { tag: name })} onClick={() => remove(name)}>×</button>
          </li>
        ))}
      </ul>
      <form onSubmit={add} className="inline-form">
        <input type="text" value={text} onChange={(e) => setText(e.target.value)} placeholder={t('photo.addTagPlaceholder')} aria-label={t('photo.addTag')} data-testid="tag-input" />
        <button type="submit" disabled={!text.trim()} data-testid="tag-add">{t('photo.addTag')}</button>
      </form>
      {error ? <p role="alert" className="error-text">{error}</p> : null}
    </section>
  );
}

/** A still; a Live Photo plays its motion while the pointer is on it (or it has focus). */
function LiveStill({ photo, alt }: { photo: PhotoDetail; alt: string }) {
  const { t } = useI18n();
  const [playing, setPlaying] = useState(false);
  // A file that gave no pixels says why, as its tile does, instead of a broken image.
  if (!photo.hasThumb && (photo.status === 'error' || photo.error)) {
    return <div className="photo-preview problem-preview" data-testid="photo-problem"><TilePlaceholder problem={problemOf(photo.status, photo.error)} error={photo.error} /></div>;
  }
  const still = <img className="photo-preview" src={mediaUrl(photo.hasThumb ? 'preview' : 'photo', photo.id)} alt={alt} data-testid="photo-preview" />;
  if (photo.mediaType !== 'live' || !photo.video) return still;
  return (
    <div className="photo-preview live-box" tabIndex={0} aria-label={t('video.live')} data-testid="live-photo"
      onMouseEnter={() => setPlaying(true)} onMouseLeave={() => setPlaying(false)} onFocus={() => setPlaying(true)} onBlur={() => setPlaying(false)}>
      {playing ? <VideoPlayer id={photo.id} video={photo.video} live /> : still}
    </div>
  );
}

function VideoFacts({ video }: { video: VideoInfo }) {
  const { t } = useI18n();
  const codec = [video.codec, video.fps ? `${video.fps} fps` : null, video.audioCodec].filter(Boolean).join(' · ');
  return (
    <>
      <dt>{t('video.duration')}</dt><dd data-testid="video-duration">{formatDuration(video.durationMs)}</dd>
      {codec ? <><dt>{t('video.codec')}</dt><dd>{codec}</dd></> : null}
      {video.captionFramesMs?.length
        ? <><dt>AI</dt><dd data-testid="caption-frames">{t('video.captionFrames', { times: video.captionFramesMs.map((ms) => `${(ms / 1000).toFixed(1)} s`).join(', ') })}</dd></>
        : null}
    </>
  );
}

export function PhotoView({ id }: { id: number }) {
  const { t, lang } = useI18n();
  const [photo, setPhoto] = useState<PhotoDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => {
    api['photos.get']({ id }).then((p) => { setPhoto(p); setError(null); }, (err: unknown) => setError(errorText(err)));
  }, [id]);
  useEffect(load, [load]);
  useEvent('library.changed', (p) => { if (!p.photoIds || p.photoIds.includes(id)) load(); });

  // The key handler reads the shown photo through a ref and is registered once: a key pressed right
  // after a photo appears (before a re-registering effect would run) must still act on that photo.
  const shown = useRef(photo);
  shown.current = photo;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const photo = shown.current;
      const target = e.target as HTMLElement | null;
      if (target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.tagName === 'SELECT' || target.isContentEditable)) return;
      if (e.key === 'ArrowLeft' && photo?.prevId) navigate(href.photo(photo.prevId), { replace: true });
      else if (e.key === 'ArrowRight' && photo?.nextId) navigate(href.photo(photo.nextId), { replace: true });
      else if (e.key === 'Escape') goBack();
      else if (photo && !e.ctrlKey && !e.metaKey && !e.altKey && /^[0-5]$/.test(e.key)) void api['photos.rate']({ ids: [photo.id], rating: Number(e.key) }).then(load, () => {});
      else if (photo && !e.ctrlKey && !e.metaKey && !e.altKey && (e.key === 'f' || e.key === 'F')) void api['photos.rate']({ ids: [photo.id], favourite: !photo.favourite }).then(load, () => {});
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [load]);

  if (error) return <div className="view"><p role="alert" className="error-text">{t('error.generic', { message: error })}</p></div>;
  if (!photo) return <div className="view" aria-busy="true" />;
  const camera = [photo.cameraMake, photo.cameraModel].filter(Boolean).join(' ');
  const name = photo.relPath.split(/[\\/]/).pop() ?? photo.relPath;
  return (
    <div className="view photo-view" data-testid="photo-view" data-photo-id={photo.id}>
      <div className="photo-stage">
        <div className="photo-nav">
          <button type="button" onClick={goBack}>← {t('photo.back')}</button>
          <button type="button" disabled={!photo.prevId} onClick={() => photo.prevId && navigate(href.photo(photo.prevId), { replace: true })} aria-label={t('photo.prev')} data-testid="photo-prev">‹</button>
          <button type="button" disabled={!photo.nextId} onClick={() => photo.nextId && navigate(href.photo(photo.nextId), { replace: true })} aria-label={t('photo.next')} data-testid="photo-next">›</button>
          <span className="photo-name" title={photo.path}>{name}</span>
        </div>
        {photo.mediaType === 'video' && photo.video
          ? <VideoPlayer key={photo.id} id={photo.id} video={photo.video} />
          : <LiveStill photo={photo} alt={photo.captions[0]?.text ?? name} />}
      </div>
      <aside className="photo-side">
        <button type="button" className="primary" onClick={() => navigate(href.chat(photo.id))} data-testid="ask-photo">{t(photo.mediaType === 'video' ? 'video.ask' : 'photo.ask')}</button>
        <RatingControl rating={photo.rating} favourite={photo.favourite} source={photo.ratingSource} label={photo.label}
          onRate={(rating) => { api['photos.rate']({ ids: [photo.id], rating }).then(load, (err: unknown) => setError(errorText(err))); }}
          onFavourite={(favourite) => { api['photos.rate']({ ids: [photo.id], favourite }).then(load, (err: unknown) => setError(errorText(err))); }} />
        <CaptionEditor photo={photo} onSaved={setPhoto} />
        <TagEditor photo={photo} onSaved={setPhoto} />
        <PlaceSection photo={photo} onChanged={() => api['photos.get']({ id: photo.id }).then(setPhoto, () => undefined)} />
        <section aria-labelledby="details-title">
          <h2 id="details-title">{t('photo.details')}</h2>
          <dl className="exif" data-testid="exif">
            <dt>{t('photo.date')}</dt><dd data-testid="photo-date">{photo.takenAt
              ? formatDate(photo.takenAt, lang)
              : t('photo.fileDate', { date: formatDate(new Date(photo.mtimeMs).toISOString(), lang) })}</dd>
            {camera ? <><dt>{t('photo.camera')}</dt><dd>{camera}</dd></> : null}
            {photo.lens ? <><dt>{t('photo.lens')}</dt><dd>{photo.lens}</dd></> : null}
            {photo.lat !== null && photo.lon !== null ? <><dt>{t('photo.gps')}</dt><dd>{photo.lat.toFixed(5)}, {photo.lon.toFixed(5)}</dd></> : null}
            {photo.altitude !== null ? <><dt>{t('photo.altitude')}</dt><dd>{Math.round(photo.altitude)} m</dd></> : null}
            <dt>{t('photo.size')}</dt><dd>{photo.width && photo.height ? `${photo.width} × ${photo.height} · ` : ''}{formatBytes(photo.size)}</dd>
            {photo.format ? <><dt>{t('photo.format')}</dt><dd>{photo.format}</dd></> : null}
            {photo.video ? <VideoFacts video={photo.video} /> : null}
            <dt>{t('photo.file')}</dt><dd className="path">{photo.path}</dd>
            {photo.rawFile ? <><dt>{t('photo.rawFile')}</dt><dd className="path" data-testid="raw-file">{photo.rawFile.path} ({photo.rawFile.format.toUpperCase()}, {formatBytes(photo.rawFile.size)})</dd></> : null}
            {photo.status !== 'ok' ? <><dt>{t('photo.status')}</dt><dd>{photo.status}{photo.error ? ` — ${photo.error}` : ''}</dd></> : null}
          </dl>
        </section>
      </aside>
    </div>
  );
}
