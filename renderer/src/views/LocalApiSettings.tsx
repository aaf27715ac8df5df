// Settings ▸ Share this model: SmolAlbum's own OpenAI-compatible API for other apps on this computer
// (main/server/local-api.ts). On/off and the port are kept; while it runs, the base URL and key are
// shown to copy into the other app, with a client snippet.
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { LocalApiStatus } from '../../../shared/contract/engines';
import { api } from '../api';
import { useI18n } from '../i18n';
import { errorText } from '../format';

export function LocalApiSettings() {
  const { t } = useI18n();
  const [status, setStatus] = useState<LocalApiStatus | null>(null);
  const [port, setPort] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const show = useCallback((s: LocalApiStatus) => { setStatus(s); setPort(String(s.port)); setError(null); }, []);
  useEffect(() => { api['localApi.status']({}).then(show, (err: unknown) => setError(errorText(err))); }, [show]);
  const apply = (enabled: boolean, e?: FormEvent) => {
    e?.preventDefault();
    const n = Number(port);
    setBusy(true);
    api['localApi.set']({ enabled, ...(Number.isInteger(n) && n >= 0 && n <= 65535 ? { port: n } : {}) })
      .then(show, (err: unknown) => setError(errorText(err))).finally(() => setBusy(false));
  };
  if (!status) return null;
  const snippet = status.running
    ? `new OpenAI({ baseURL: '${status.baseUrl}', apiKey: '${status.key}' })\n  .chat.completions.create({ model: '${status.model ?? ''}', messages })`
    : '';
  return (
    <section className="card" aria-labelledby="local-api-title" data-testid="settings-local-api">
      <h2 id="local-api-title">{t('localApi.title')}</h2>
      <p className="muted">{t('localApi.hint')}</p>
      <form className="inline-form" onSubmit={(e) => apply(status.enabled, e)}>
        <label>
          <input type="checkbox" checked={status.enabled} disabled={busy} onChange={(e) => apply(e.target.checked)} data-testid="local-api-toggle" />
          {' '}{t('localApi.enable')}
        </label>
        <label>
          {t('localApi.port')}{' '}
          <input type="number" min={0} max={65535} value={port} onChange={(e) => setPort(e.target.value)} data-testid="local-api-port" />
        </label>
        <button type="submit" className="small" disabled={busy || port === String(status.port)}>{t('localApi.apply')}</button>
      </form>
      {status.running ? (
        <dl className="exif" data-testid="local-api-info">
          <dt>{t('localApi.baseUrl')}</dt><dd><input readOnly value={status.baseUrl ?? ''} aria-label={t('localApi.baseUrl')} data-testid="local-api-url" /></dd>
          <dt>{t('localApi.key')}</dt><dd><input readOnly value={status.key ?? ''} aria-label={t('localApi.key')} data-testid="local-api-key" /></dd>
          <dt>{t('localApi.model')}</dt><dd>{status.model}</dd>
          <dt>{t('localApi.example')}</dt><dd><pre className="snippet">{snippet}</pre></dd>
        </dl>
      ) : null}
      {status.error ? <p role="alert" className="error-text" data-testid="local-api-error">{status.error}</p> : null}
      {error ? <p role="alert" className="error-text">{error}</p> : null}
    </section>
  );
}
