// Settings ▸ Engines: OpenAI-compatible inference endpoints (vLLM, llama-server, LM Studio, Ollama,
// another SmolAlbum) that captions may run on, the local engine as fallback, and a Test that lists
// the endpoint's models and captions a sample image. Keys are write-only: the list says "key set".
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { EndpointInfo, EndpointTest } from '../../../shared/contract/engines';
import { api } from '../api';
import { useI18n } from '../i18n';
import { errorText } from '../format';

export function EnginesSettings() {
  const { t } = useI18n();
  const [endpoints, setEndpoints] = useState<EndpointInfo[]>([]);
  const [fallback, setFallback] = useState(true);
  const [url, setUrl] = useState('');
  const [model, setModel] = useState('');
  const [key, setKey] = useState('');
  const [concurrency, setConcurrency] = useState(4);
  const [tests, setTests] = useState<Record<string, EndpointTest | 'running'>>({});
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => {
    api['engines.list']({}).then((r) => { setEndpoints(r.endpoints); setFallback(r.localFallback); }, (err: unknown) => setError(errorText(err)));
  }, []);
  useEffect(load, [load]);
  const add = (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    api['engines.add']({ url, model: model.trim() || null, concurrency, ...(key ? { apiKey: key } : {}) }).then(() => {
      setUrl(''); setModel(''); setKey('');
      load();
    }, (err: unknown) => setError(errorText(err)));
  };
  const remove = (name: string) => { api['engines.remove']({ name }).then(load, (err: unknown) => setError(errorText(err))); };
  const toggle = (ep: EndpointInfo) => { api['engines.update']({ name: ep.name, enabled: !ep.enabled }).then(load, (err: unknown) => setError(errorText(err))); };
  const test = (name: string) => {
    setTests((s) => ({ ...s, [name]: 'running' }));
    api['engines.test']({ name }).then((r) => setTests((s) => ({ ...s, [name]: r })), (err: unknown) => { setTests((s) => { const n = { ...s }; delete n[name]; return n; }); setError(errorText(err)); });
  };
  const setLocal = (enabled: boolean) => { api['engines.setLocalFallback']({ enabled }).then(load, (err: unknown) => setError(errorText(err))); };
  return (
    <section className="card" aria-labelledby="engines-title" data-testid="settings-engines">
      <h2 id="engines-title">{t('engines.title')}</h2>
      <p className="muted">{t('engines.hint')}</p>
      {endpoints.length === 0 ? <p>{t('engines.none')}</p> : (
        <ul className="root-list">
          {endpoints.map((ep) => {
            const r = tests[ep.name];
            return (
              <li key={ep.name} data-testid="engine-row">
                <span className="path">{ep.name} — {ep.baseUrl}</span>
                <span className="muted">{ep.model ?? t('engines.firstModel')} · ×{ep.concurrency} · {ep.hasKey ? t('engines.keySet') : t('engines.noKey')}</span>
                <label className="muted"><input type="checkbox" checked={ep.enabled} onChange={() => toggle(ep)} /> {t('engines.enabled')}</label>
                <button type="button" className="small" onClick={() => test(ep.name)} disabled={r === 'running'} data-testid="engine-test">{t('engines.test')}</button>
                <button type="button" className="small danger" onClick={() => remove(ep.name)} aria-label={t('engines.remove', { name: ep.name })}>×</button>
                {r && r !== 'running' ? (
                  <p role="status" data-testid="engine-test-result" className={r.ok ? 'muted' : 'error-text'}>
                    {r.ok ? t('engines.testOk', { model: r.model ?? '?', ms: String(r.latencyMs ?? 0), caption: r.caption ?? '' }) : t('engines.testFailed', { error: r.error ?? '' })}
                  </p>
                ) : null}
              </li>
            );
          })}
        </ul>
      )}
      <form onSubmit={add} className="engine-form">
        <label>{t('engines.url')} <input value={url} onChange={(e) => setUrl(e.target.value)} placeholder="http://gpu-box:8000/v1" required data-testid="engine-url" /></label>
        <label>{t('engines.model')} <input value={model} onChange={(e) => setModel(e.target.value)} placeholder={t('engines.firstModel')} /></label>
        <label>{t('engines.key')} <input type="password" autoComplete="off" value={key} onChange={(e) => setKey(e.target.value)} /></label>
        <label>{t('engines.concurrency')} <input type="number" min={1} max={64} value={concurrency} onChange={(e) => setConcurrency(Math.max(1, Number(e.target.value) || 1))} /></label>
        <button type="submit" data-testid="engine-add">{t('engines.add')}</button>
      </form>
      <label><input type="checkbox" checked={fallback} onChange={(e) => setLocal(e.target.checked)} /> {t('engines.localFallback')}</label>
      {error ? <p role="alert" className="error-text">{error}</p> : null}
    </section>
  );
}
