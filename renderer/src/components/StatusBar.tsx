// Bottom bar: library size, indexing progress per stage and AI captioning progress with ETA,
// with pause/resume for the AI queue. Fed by library.status once, then by events.
import { useCallback, useEffect, useState } from 'react';
import type { AiStatus, LibraryStatus, Progress } from '../../../shared/types';
import { api } from '../api';
import { useEvent, useThrottled } from '../hooks/useEvent';
import { useI18n } from '../i18n';
import { errorText, formatDuration } from '../format';
import { ProgressBar } from './ProgressBar';
import { backendLabel } from './backend-label';

export function StatusBar() {
  const { t, tn } = useI18n();
  const [status, setStatus] = useState<LibraryStatus | null>(null);
  const [indexing, setIndexing] = useState<Progress | null>(null);
  const [ai, setAi] = useState<AiStatus | null>(null);
  const [error, setError] = useState<string | null>(null);

  const refresh = useCallback(() => {
    api['library.status']({}).then((s) => { setStatus(s); setIndexing(s.indexing); setAi(s.ai); setError(null); }, (err: unknown) => setError(errorText(err)));
  }, []);
  // Counting a big library takes a moment on the (single-threaded) backend: let the grid's first
  // page go first.
  useEffect(() => {
    const timer = window.setTimeout(refresh, 400);
    return () => window.clearTimeout(timer);
  }, [refresh]);
  const refreshSoon = useThrottled(refresh, 1000);
  useEvent('library.progress', (p) => setIndexing(p.total > 0 && p.done >= p.total ? null : p));
  useEvent('library.changed', refreshSoon);
  useEvent('ai.status', setAi);

  const toggleAi = () => {
    const call = ai?.paused ? api['ai.start']({}) : api['ai.pause']({});
    call.then(setAi, (err: unknown) => setError(errorText(err)));
  };

  const aiTotal = ai ? ai.done + ai.queued + ai.running : 0;
  const aiActive = !!ai && (ai.queued + ai.running > 0 || ai.paused);
  return (
    <footer className="statusbar" role="status" aria-label={t('status.label')} data-testid="status-bar">
      <span>{status ? tn('status.photos', status.photos) : ''}</span>
      {indexing ? (
        <span className="status-item" data-testid="status-indexing">
          {t('status.indexing', { stage: t(`stage.${indexing.stage}`), done: indexing.done, total: indexing.total })}
          <ProgressBar value={indexing.done} max={indexing.total} label={t('status.indexing', { stage: t(`stage.${indexing.stage}`), done: indexing.done, total: indexing.total })} />
          {indexing.etaMs ? <span className="muted">{t('status.eta', { time: formatDuration(indexing.etaMs) })}</span> : null}
        </span>
      ) : null}
      {aiActive && ai ? (
        <span className="status-item" data-testid="status-ai">
          {ai.paused ? t('status.paused') : t('status.ai', { done: ai.done, total: aiTotal })}
          <ProgressBar value={ai.done} max={aiTotal} label={t('status.ai', { done: ai.done, total: aiTotal })} />
          {ai.etaMs && !ai.paused ? <span className="muted">{t('status.eta', { time: formatDuration(ai.etaMs) })}</span> : null}
          {ai.failed > 0 ? <span className="muted">{t('status.aiFailed', { count: ai.failed })}</span> : null}
        </span>
      ) : null}
      {aiActive && ai?.backends?.length ? (
        // Where captions are being made (the local engine and each endpoint): throughput and state.
        <span className="status-item status-backends" data-testid="status-backends">
          {ai.backends.map((b) => (
            <span key={b.name} className={`status-backend ${b.state}`} data-testid="status-backend" data-name={b.name} data-state={b.state}
              title={b.lastError ?? undefined}>
              {backendLabel(b, (s) => t(`engines.state.${s}`))}
            </span>
          ))}
        </span>
      ) : null}
      {ai?.lastError ? <span className="error-text" data-testid="status-ai-error" title={ai.lastError}>{t('status.aiStopped', { message: ai.lastError })}</span> : null}
      {!indexing && !aiActive && status ? <span className="muted">{t('status.idle')}</span> : null}
      {ai ? (
        <button type="button" className="small" onClick={toggleAi} data-testid="ai-toggle">
          {ai.paused ? t('status.resume') : t('status.pause')}
        </button>
      ) : null}
      {error ? <span className="error-text" title={error}>{t('error.generic', { message: error })}</span> : null}
    </footer>
  );
}
