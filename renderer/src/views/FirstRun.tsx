// First run: pick folders (native dialog on the desktop, a path field in web mode), start the scan,
// then offer the model download (once; "Later" remembers the choice).
import { useEffect, useState, type FormEvent } from 'react';
import { DEFAULT_MODEL } from '../../../shared/constants';
import type { DownloadProgress } from '../../../shared/contract/models';
import { api, platform } from '../api';
import { useEvent } from '../hooks/useEvent';
import { useT } from '../i18n';
import { errorText, formatBytes } from '../format';
import { ProgressBar } from '../components/ProgressBar';

/** Adds folders; roots.add starts their scan (progress and new tiles arrive as events). */
export async function addFolders(paths: string[]): Promise<void> {
  for (const path of paths) await api['roots.add']({ path });
}

export function FolderPicker({ onAdded, submitLabel }: { onAdded(): void; submitLabel: string }) {
  const t = useT();
  const [path, setPath] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const add = async (paths: string[]) => {
    setBusy(true);
    setError(null);
    try {
      await addFolders(paths);
      setPath('');
      onAdded();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  const onSubmit = (e: FormEvent) => { e.preventDefault(); if (path.trim()) void add([path.trim()]); };
  const pick = platform.pickFolders;
  return (
    <div className="folder-picker">
      {pick ? (
        <button type="button" className="primary" disabled={busy} data-testid="pick-folders"
          onClick={() => { pick().then((paths) => (paths.length ? add(paths) : undefined), (err: unknown) => setError(errorText(err))); }}>
          {t('settings.pickFolders')}
        </button>
      ) : null}
      <form onSubmit={onSubmit} className="inline-form">
        <label>
          <span>{t('settings.folderPath')}</span>
          <input type="text" value={path} onChange={(e) => setPath(e.target.value)} placeholder={t('settings.folderPathPlaceholder')} data-testid="folder-path-input" />
        </label>
        <button type="submit" disabled={busy || !path.trim()} data-testid="add-folder">{submitLabel}</button>
      </form>
      {error ? <p role="alert" className="error-text" data-testid="folder-error">{error}</p> : null}
    </div>
  );
}

export function FirstRun({ onAdded }: { onAdded(): void }) {
  const t = useT();
  return (
    <div className="view first-run" data-testid="first-run">
      <h1>{t('onboarding.title')}</h1>
      <p>{t('onboarding.intro')}</p>
      <FolderPicker onAdded={onAdded} submitLabel={t('onboarding.addFolder')} />
    </div>
  );
}

const OFFER_KEY = 'smolalbum.modelOfferDismissed';

/** Offered once a library exists and no model is downloaded. */
export function ModelOffer() {
  const t = useT();
  const [show, setShow] = useState(false);
  const [progress, setProgress] = useState<DownloadProgress | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (localStorage.getItem(OFFER_KEY)) return;
    let live = true;
    const timer = window.setTimeout(() => {
      api['models.list']({}).then((models) => { if (live) setShow(!models.some((m) => m.state === 'ready')); }, () => { if (live) setShow(false); });
    }, 600);
    return () => { live = false; window.clearTimeout(timer); };
  }, []);
  useEvent('models.download', (p) => { if (busy) setProgress(p); });
  if (!show) return null;
  const dismiss = () => { localStorage.setItem(OFFER_KEY, '1'); setShow(false); };
  const download = () => {
    setBusy(true);
    setError(null);
    api['models.pull']({ repo: DEFAULT_MODEL })
      .then(() => api['engine.configure']({ model: DEFAULT_MODEL }))
      .then(() => { setBusy(false); dismiss(); }, (err: unknown) => { setBusy(false); setError(errorText(err)); });
  };
  return (
    <section className="card model-offer" aria-labelledby="model-offer-title" data-testid="model-offer">
      <h2 id="model-offer-title">{t('onboarding.modelTitle')}</h2>
      <p>{t('onboarding.modelText')}</p>
      {progress && busy ? (
        <div>
          <ProgressBar value={progress.bytes} max={progress.total} label={t('settings.downloading', { file: progress.file })} />
          <span className="muted">{t('settings.downloading', { file: progress.file })} — {formatBytes(progress.bytes)} / {formatBytes(progress.total)}</span>
        </div>
      ) : null}
      {error ? <p role="alert" className="error-text">{error}</p> : null}
      <div className="row">
        <button type="button" className="primary" onClick={download} disabled={busy}>{t('onboarding.download')}</button>
        <button type="button" onClick={dismiss} disabled={busy}>{t('onboarding.later')}</button>
      </div>
    </section>
  );
}
