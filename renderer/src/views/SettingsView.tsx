// #/settings: photo folders, the AI model (download with progress, size/precision/device, which
// execution provider runs and why not a faster one), language, data folder.
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { OFFERED_MODELS } from '../../../shared/constants';
import { DEVICES, DTYPES, type Device, type DownloadProgress, type Dtype, type EngineStatus, type ModelInfo } from '../../../shared/contract/models';
import type { Root } from '../../../shared/types';
import { api, platform } from '../api';
import { useEvent } from '../hooks/useEvent';
import { LANGS, useI18n, type Lang } from '../i18n';
import { errorText, formatBytes, formatDuration } from '../format';
import { ProgressBar } from '../components/ProgressBar';
import { FolderPicker } from './FirstRun';
import { EnginesSettings } from './EnginesSettings';
import { LocalApiSettings } from './LocalApiSettings';

function Folders() {
  const { t, tn } = useI18n();
  const [roots, setRoots] = useState<Root[]>([]);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => { api['roots.list']({}).then(setRoots, (err: unknown) => setError(errorText(err))); }, []);
  useEffect(load, [load]);
  useEvent('library.changed', load);
  const remove = (root: Root) => {
    api['roots.remove']({ id: root.id }).then(load, (err: unknown) => setError(errorText(err)));
  };
  const rescan = (root: Root) => {
    api['library.rescan']({ rootId: root.id }).then(load, (err: unknown) => setError(errorText(err)));
  };
  return (
    <section className="card" aria-labelledby="folders-title" data-testid="settings-folders">
      <h2 id="folders-title">{t('settings.folders')}</h2>
      <p className="muted">{t('settings.foldersHint')}</p>
      {roots.length === 0 ? <p>{t('settings.noFolders')}</p> : (
        <ul className="root-list">
          {roots.map((r) => (
            <li key={r.id} data-testid="root-row">
              <span className="path">{r.path}</span>
              <span className="muted">{tn('grid.photos', r.photoCount)}</span>
              <button type="button" className="small" onClick={() => rescan(r)}>{t('settings.rescan')}</button>
              <button type="button" className="small danger" onClick={() => remove(r)} aria-label={t('settings.removeFolder', { path: r.path })}>×</button>
            </li>
          ))}
        </ul>
      )}
      <FolderPicker onAdded={load} submitLabel={t('settings.addFolder')} />
      {error ? <p role="alert" className="error-text">{error}</p> : null}
    </section>
  );
}

function Model() {
  const { t } = useI18n();
  const [repo, setRepo] = useState<string>(OFFERED_MODELS[0].repo);
  const [dtype, setDtype] = useState<Dtype>('auto');
  const [device, setDevice] = useState<Device>('auto');
  const [models, setModels] = useState<ModelInfo[]>([]);
  const [engine, setEngine] = useState<EngineStatus | null>(null);
  const [download, setDownload] = useState<DownloadProgress | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const loadModels = useCallback(() => { api['models.list']({}).then(setModels, (err: unknown) => setError(errorText(err))); }, []);
  const [chosen, setChosen] = useState<string | null>(null);
  // The form waits for the saved choice: a pick made before it arrived would silently flip back.
  const [choiceLoaded, setChoiceLoaded] = useState(false);
  // The saved choice (engine.* settings) preselects the form; the engine may not have started yet.
  const loadChoice = useCallback(() => {
    api['settings.get']({}).then((s) => {
      setChoiceLoaded(true);
      const str = (k: string) => (typeof s[k] === 'string' ? (s[k] as string) : null);
      setChosen(str('engine.model'));
      if (str('engine.model')) setRepo(str('engine.model')!);
      if (str('engine.dtype')) setDtype(str('engine.dtype') as Dtype);
      if (str('engine.device')) setDevice(str('engine.device') as Device);
    }, () => { setChoiceLoaded(true); setChosen(null); });
  }, []);
  useEffect(() => {
    loadModels();
    loadChoice();
    api['engine.status']({}).then(setEngine, () => setEngine(null));
  }, [loadModels, loadChoice]);
  useEvent('engine.status', setEngine);
  useEvent('models.download', (p) => { setDownload(p.done ? null : p); if (p.done) loadModels(); });

  const [pulling, setPulling] = useState<string | null>(null);
  const pull = () => {
    setBusy(true);
    setError(null);
    setPulling(repo);
    const done = () => { setBusy(false); setPulling(null); setDownload(null); loadModels(); };
    api['models.pull']({ repo, dtype }).then(done, (err: unknown) => { done(); setError(errorText(err)); });
  };
  const cancel = () => {
    if (pulling) api['models.cancel']({ repo: pulling }).catch((err: unknown) => setError(errorText(err)));
  };
  const imported = (m: ModelInfo) => { setRepo(m.repo); loadModels(); };
  const use = () => {
    setError(null);
    api['engine.configure']({ model: repo, dtype, device }).then((st) => { setEngine(st); loadChoice(); }, (err: unknown) => setError(errorText(err)));
  };
  const remove = (m: ModelInfo) => { api['models.remove']({ repo: m.repo }).then(loadModels, (err: unknown) => setError(errorText(err))); };

  return (
    <section className="card" aria-labelledby="model-title" data-testid="settings-model">
      <h2 id="model-title">{t('settings.model')}</h2>
      <div className="form-grid">
        <label><span>{t('settings.modelSize')}</span>
          <select disabled={!choiceLoaded} value={repo} onChange={(e) => setRepo(e.target.value)}>
            {OFFERED_MODELS.map((m) => <option key={m.repo} value={m.repo}>{m.label}</option>)}
            {OFFERED_MODELS.some((m) => m.repo === repo) ? null : <option value={repo}>{repo}</option>}
          </select>
        </label>
        <label><span>{t('settings.dtype')}</span>
          <select disabled={!choiceLoaded} value={dtype} onChange={(e) => setDtype(e.target.value as Dtype)}>{DTYPES.map((d) => <option key={d} value={d}>{d}</option>)}</select>
        </label>
        <label><span>{t('settings.device')}</span>
          <select disabled={!choiceLoaded} value={device} onChange={(e) => setDevice(e.target.value as Device)}>{DEVICES.map((d) => <option key={d} value={d}>{d}</option>)}</select>
        </label>
      </div>
      <div className="row">
        <button type="button" onClick={pull} disabled={busy || !choiceLoaded} data-testid="model-download">{t('settings.download')}</button>
        <button type="button" className="primary" onClick={use} disabled={!choiceLoaded} data-testid="model-use">{t('settings.use')}</button>
      </div>
      {busy ? (
        // Shown from the first moment: contacting the hub, then progress; every retry with its reason.
        <div className="download" data-testid="model-progress">
          {download && download.total > 0 ? (
            <>
              <ProgressBar value={download.bytes} max={download.total} label={t('settings.downloading', { file: download.file })} />
              <span className="muted">
                {t('settings.downloading', { file: download.file })} — {formatBytes(download.bytes)} / {formatBytes(download.total)}
                {download.bytesPerSec > 0 ? ` · ${formatBytes(download.bytesPerSec)}/s` : ''}{download.etaMs ? ` · ${formatDuration(download.etaMs)}` : ''}
              </span>
            </>
          ) : <span className="muted" role="status">{t('settings.contactingHub')}</span>}
          {download?.retry ? (
            <p role="status" className="warning-text" data-testid="model-retry">
              {t('settings.retrying', { attempt: download.retry.attempt, of: download.retry.of, seconds: Math.max(1, Math.round(download.retry.delayMs / 1000)), reason: download.retry.reason })}
            </p>
          ) : null}
          <button type="button" className="small" onClick={cancel} data-testid="model-cancel">{t('settings.cancelDownload')}</button>
        </div>
      ) : null}
      {error ? <p role="alert" className="error-text" data-testid="model-error">{error}</p> : null}
      <ImportModel onImported={imported} />
      <h3>{t('settings.installed')}</h3>
      {models.length === 0 ? <p className="muted">{t('settings.noModels')}</p> : (
        <ul className="model-list">
          {models.map((m) => (
            <li key={`${m.repo}@${m.revision}/${m.dtype}`}>
              <span>{m.repo}</span> <span className="muted">{m.dtype} · {formatBytes(m.bytes)} · {m.state}</span>
              <button type="button" className="small danger" onClick={() => remove(m)} aria-label={t('settings.removeModel', { repo: m.repo })}>×</button>
            </li>
          ))}
        </ul>
      )}
      <h3>{t('settings.engine')}</h3>
      {engine ? (
        <dl className="exif" data-testid="engine-status">
          <dt>{t('settings.modelSize')}</dt><dd data-testid="engine-model">{engine.model ?? chosen ?? '—'}</dd>
          <dt>{t('settings.engineState')}</dt><dd>{engine.state}</dd>
          <dt>{t('settings.engineDevice')}</dt><dd data-testid="engine-device">{engine.device ?? '—'}{engine.dtype ? ` (${Object.entries(engine.dtype).map(([k, v]) => `${k}: ${v}`).join(', ')})` : ''}</dd>
          {engine.dtypeReason ? <><dt>{t('settings.engineDtypeReason')}</dt><dd data-testid="engine-dtype-reason">{engine.dtypeReason}</dd></> : null}
          {engine.fallbackReasons.length ? <><dt>{t('settings.engineFallback')}</dt><dd><ul>{engine.fallbackReasons.map((r) => <li key={r}>{r}</li>)}</ul></dd></> : null}
          {engine.lastError ? <><dt>{t('settings.engineError')}</dt><dd className="error-text">{engine.lastError}</dd></> : null}
        </dl>
      ) : <p className="muted">—</p>}
    </section>
  );
}

/** Import model folder…: the system folder dialog in the desktop app, a typed path in web mode. */
function ImportModel({ onImported }: { onImported(m: ModelInfo): void }) {
  const { t } = useI18n();
  const [dir, setDir] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const importDir = (folder: string) => {
    setBusy(true);
    setError(null);
    setDone(null);
    api['models.import']({ dir: folder }).then(
      (m) => { setBusy(false); setDir(''); setDone(m.repo); onImported(m); },
      (err: unknown) => { setBusy(false); setError(errorText(err)); },
    );
  };
  const pick = platform.pickFolders;
  const onSubmit = (e: FormEvent) => { e.preventDefault(); if (dir.trim()) importDir(dir.trim()); };
  return (
    <div className="model-import" data-testid="model-import">
      <h3>{t('settings.importModel')}</h3>
      <p className="muted">{t('settings.importModelHint')}</p>
      {pick ? (
        <button type="button" disabled={busy} data-testid="model-import-pick"
          onClick={() => { pick().then((paths) => { if (paths[0]) importDir(paths[0]); }, (err: unknown) => setError(errorText(err))); }}>
          {t('settings.importModel')}
        </button>
      ) : (
        <form onSubmit={onSubmit} className="inline-form">
          <label>
            <span>{t('settings.modelFolderPath')}</span>
            <input type="text" value={dir} onChange={(e) => setDir(e.target.value)} placeholder="/path/to/SmolVLM-256M-Instruct" data-testid="model-import-path" />
          </label>
          <button type="submit" disabled={busy || !dir.trim()} data-testid="model-import-submit">{t('settings.importModel')}</button>
        </form>
      )}
      {busy ? <p className="muted" role="status">{t('settings.importing')}</p> : null}
      {done ? <p role="status" data-testid="model-import-done">{t('settings.imported', { repo: done })}</p> : null}
      {error ? <p role="alert" className="error-text" data-testid="model-import-error">{error}</p> : null}
    </div>
  );
}

function General() {
  const { t, lang, setLang } = useI18n();
  const [dataDir, setDataDir] = useState<string | null>(null);
  useEffect(() => {
    api['settings.get']({}).then((s) => setDataDir(typeof s.dataDir === 'string' ? s.dataDir : null), () => setDataDir(null));
  }, []);
  return (
    <section className="card" aria-labelledby="general-title">
      <h2 id="general-title">{t('settings.general')}</h2>
      <label className="field"><span>{t('settings.language')}</span>
        <select value={lang} onChange={(e) => setLang(e.target.value as Lang)} data-testid="language-select">
          {LANGS.map((l) => <option key={l.id} value={l.id}>{l.label}</option>)}
        </select>
      </label>
      <h2>{t('settings.dataFolder')}</h2>
      {dataDir ? <p className="path" data-testid="data-folder">{dataDir}</p> : null}
      <p className="muted">{t('settings.dataFolderHint')}</p>
    </section>
  );
}

/** Settings ▸ About: what the app is made of, and the attributions its data needs (GeoNames is CC BY 4.0). */
function About() {
  const { t } = useI18n();
  return (
    <section className="card" aria-labelledby="about-title" data-testid="settings-about">
      <h2 id="about-title">{t('settings.about')}</h2>
      <p>{t('settings.aboutText')}</p>
      <p data-testid="geonames-attribution">
        {t('settings.attributionPlaces')}{' '}
        <a href="https://www.geonames.org" target="_blank" rel="noreferrer">GeoNames</a>{' '}
        (<a href="https://creativecommons.org/licenses/by/4.0/" target="_blank" rel="noreferrer">CC BY 4.0</a>).
      </p>
      <p className="muted">{t('settings.attributionMap')}</p>
    </section>
  );
}

export function SettingsView() {
  const { t } = useI18n();
  return (
    <div className="view view-scroll settings" data-testid="settings-view">
      <div className="view-head"><h1>{t('settings.title')}</h1></div>
      <Folders />
      <Model />
      <EnginesSettings />
      <LocalApiSettings />
      <General />
      <About />
    </div>
  );
}
