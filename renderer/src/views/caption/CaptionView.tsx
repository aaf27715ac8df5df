// #/caption: drop files or folders (or pick them), caption them in a batch with a chosen style, edit the
// results in place, copy, save .txt beside the images, export CSV/JSONL, add them to the library.
// Desktop passes paths; web mode uploads the files first (checked and stored temporarily by the server).
import { useEffect, useRef, useState, type DragEvent } from 'react';
import type { CaptionBatch, CaptionItem, CaptionStyle } from '../../../../shared/contract/chat';
import { IMAGE_ACCEPT, VIDEO_ACCEPT } from '../../../../shared/media';
import { api, platform, uploadFiles } from '../../api';
import { useEvent } from '../../hooks/useEvent';
import { useT } from '../../i18n';
import { isMediaFile } from '../chat/pending';
import { onDropped, takeDropped, type DroppedFiles } from './drop-handoff';
import { filesOfDrop } from './folder-drop';
import { ResultRow, type Row } from './ResultRow';
import './caption.css';

const STYLES: CaptionStyle[] = ['short', 'detailed', 'tags', 'custom'];

function download(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

const rowOf = (item: CaptionItem, preview?: string): Row => ({ key: item.id, itemId: item.id, preview, ...item });

export default function CaptionView() {
  const t = useT();
  const [style, setStyle] = useState<CaptionStyle>('short');
  const [prompt, setPrompt] = useState('Describe {filename}.');
  const [prefix, setPrefix] = useState('');
  const [suffix, setSuffix] = useState('');
  const [overwrite, setOverwrite] = useState(false);
  const [serverPath, setServerPath] = useState('');
  const [batch, setBatch] = useState<CaptionBatch | null>(null);
  const [rows, setRows] = useState<Row[]>([]);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [dragOver, setDragOver] = useState(false);
  const batchId = useRef<string | null>(null);
  const previews = useRef<string[]>([]);
  const options = useRef({ style, prompt, prefix, suffix });
  options.current = { style, prompt, prefix, suffix };

  useEffect(() => () => previews.current.forEach((u) => URL.revokeObjectURL(u)), []);

  const fail = (err: unknown) => setError(err instanceof Error ? err.message : String(err));
  const preview = (file: File) => { const u = URL.createObjectURL(file); previews.current.push(u); return u; };

  const start = async (drop: DroppedFiles) => {
    setError(null);
    setNotice(null);
    const o = options.current;
    const base = { style: o.style, prompt: o.style === 'custom' ? o.prompt : undefined, prefix: o.prefix, suffix: o.suffix };
    const files = drop.files.filter((f) => platform.pathForFile || isMediaFile(f));
    try {
      if (platform.pathForFile || drop.paths.length > 0) {
        // Desktop (or a typed path): main reads the files where they are; folders are expanded there.
        const byPath = new Map(files.map((f) => [platform.pathForFile!(f), preview(f)]));
        const paths = [...drop.paths, ...byPath.keys()];
        const b = await api['caption.start']({ ...base, paths });
        show(b, (item) => byPath.get(item.path));
        return;
      }
      // Web mode: upload one by one (so each row knows its upload), then caption the uploads.
      const uploadRows: Row[] = files.map((f, i) => ({
        key: `u${Date.now()}-${i}`, name: f.name, path: f.name, preview: preview(f), status: 'uploading', source: 'upload', caption: null, tags: [], error: null, ms: null,
      }));
      batchId.current = null;
      setBatch(null);
      setRows(uploadRows);
      const uploaded: { uploadId: string; row: Row }[] = [];
      for (const [i, f] of files.entries()) {
        const r = await uploadFiles([f]);
        const row = uploadRows[i]!;
        if (r.uploadIds[0]) uploaded.push({ uploadId: r.uploadIds[0], row });
        else {
          row.status = 'error';
          row.error = r.errors[0]?.error ?? 'Upload failed';
          setRows([...uploadRows]);
        }
      }
      const failedUploads = uploadRows.filter((r) => r.status === 'error');
      if (uploaded.length === 0) return;
      const b = await api['caption.start']({ ...base, uploadIds: uploaded.map((u) => u.uploadId) });
      const rejected = new Set(b.rejected.map((r) => r.name));
      const queue = uploaded.filter((u) => !rejected.has(u.uploadId));
      show(b, (_item, index) => queue[index]?.row.preview, failedUploads);
    } catch (err) {
      fail(err);
    }
  };

  const show = (b: CaptionBatch, previewOf: (item: CaptionItem, index: number) => string | undefined, extra: Row[] = []) => {
    batchId.current = b.id;
    setBatch(b);
    setRows([...b.items.map((item, i) => rowOf(item, previewOf(item, i))), ...extra]);
    if (b.rejected.length) setError(b.rejected.map((r) => `${r.name}: ${r.error}`).join('\n'));
    // Items can finish before caption.start's answer arrives, while their events were still ignored
    // (the batch id was unknown): read the batch once more now that its events are accepted.
    void api['caption.get']({ batchId: b.id }).then((fresh) => {
      if (batchId.current !== fresh.id) return;
      setRows((rs) => rs.map((r) => {
        const item = fresh.items.find((i) => i.id === r.itemId);
        return item && !r.dirty ? { ...r, ...item } : r;
      }));
    }, () => {});
  };

  // Files dropped elsewhere in the window were handed to us.
  useEffect(() => {
    const take = () => { const d = takeDropped(); if (d) void start(d); };
    take();
    return onDropped(take);
  }, []);

  useEvent('caption.item', ({ batchId: id, item }) => {
    if (id !== batchId.current) return;
    setRows((rs) => rs.map((r) => (r.itemId === item.id ? { ...r, ...item, caption: r.status === 'done' && item.status === 'done' && r.caption !== item.caption && r.dirty ? r.caption : item.caption } : r)));
  });

  const running = rows.some((r) => r.status === 'queued' || r.status === 'running' || r.status === 'uploading');
  const done = rows.filter((r) => r.status === 'done');
  // Uploads have no folder on this machine: they can be copied and exported, not saved beside or indexed.
  const onDisk = done.filter((r) => r.source === 'path');
  const finished = rows.filter((r) => r.status !== 'queued' && r.status !== 'running' && r.status !== 'uploading').length;

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    e.stopPropagation();
    setDragOver(false);
    const dt = e.dataTransfer;
    if (platform.pathForFile) void start({ files: [...dt.files], paths: [] });
    else void filesOfDrop(dt).then((files) => start({ files, paths: [] }), fail);
  };

  const edit = async (row: Row, caption: string) => {
    if (!batch || !row.itemId) return;
    try {
      const item = await api['caption.edit']({ batchId: batch.id, itemId: row.itemId, caption });
      setRows((rs) => rs.map((r) => (r.itemId === item.id ? { ...r, caption: item.caption, dirty: false } : r)));
    } catch (err) { fail(err); }
  };

  const act = async (fn: () => Promise<string | null>) => {
    setError(null);
    setNotice(null);
    try { setNotice(await fn()); } catch (err) { fail(err); }
  };

  return (
    <div className="view view-scroll caption-view" data-testid="caption-view">
      <div className="view-head"><h1>{t('caption.title')}</h1></div>

      <div className="caption-options">
        <label>{t('caption.style')}
          <select value={style} onChange={(e) => setStyle(e.target.value as CaptionStyle)} data-testid="caption-style">
            {STYLES.map((s) => <option key={s} value={s}>{t(`caption.style.${s}`)}</option>)}
          </select>
        </label>
        {style === 'custom' && (
          <label className="wide">{t('caption.prompt', { filename: '{filename}', folder: '{folder}' })}
            <input value={prompt} onChange={(e) => setPrompt(e.target.value)} data-testid="caption-prompt" />
          </label>
        )}
        <label>{t('caption.prefix')}<input value={prefix} onChange={(e) => setPrefix(e.target.value)} data-testid="caption-prefix" /></label>
        <label>{t('caption.suffix')}<input value={suffix} onChange={(e) => setSuffix(e.target.value)} data-testid="caption-suffix" /></label>
      </div>

      <div className={`caption-dropzone${dragOver ? ' drag-over' : ''}`} data-testid="caption-dropzone"
        onDragOver={(e) => { e.preventDefault(); e.stopPropagation(); setDragOver(true); }}
        onDragLeave={() => setDragOver(false)} onDrop={onDrop}>
        <span>{t('caption.drop')}</span>
        <label className="caption-pick">
          {t('caption.pickFiles')}
          <input type="file" multiple accept={`${IMAGE_ACCEPT},${VIDEO_ACCEPT}`} data-testid="caption-file-input"
            onChange={(e) => { void start({ files: [...(e.target.files ?? [])], paths: [] }); e.target.value = ''; }} />
        </label>
        {platform.pickFolders ? (
          <button type="button" onClick={() => { void platform.pickFolders!().then((paths) => start({ files: [], paths }), fail); }}>{t('caption.pickFolder')}</button>
        ) : (
          <label className="caption-pick">
            {t('caption.pickFolder')}
            <input type="file" multiple data-testid="caption-folder-input"
              ref={(el) => { if (el) { el.setAttribute('webkitdirectory', ''); el.setAttribute('directory', ''); } }}
              onChange={(e) => { void start({ files: [...(e.target.files ?? [])], paths: [] }); e.target.value = ''; }} />
          </label>
        )}
      </div>

      <form className="caption-path" onSubmit={(e) => { e.preventDefault(); if (serverPath.trim()) void start({ files: [], paths: [serverPath.trim()] }); }}>
        <label>{t('caption.serverPath')}
          <input value={serverPath} onChange={(e) => setServerPath(e.target.value)} data-testid="caption-path" placeholder="/home/me/Pictures/dataset" />
        </label>
        <button type="submit" data-testid="caption-path-go" disabled={!serverPath.trim()}>{t('caption.serverPathGo')}</button>
      </form>

      {rows.length > 0 && (
        <div className="caption-toolbar">
          <span className="muted" role="status" data-testid="caption-progress">{t('caption.progress', { done: finished, total: rows.length })}</span>
          {running && batch && <button type="button" data-testid="caption-cancel" onClick={() => act(async () => { await api['caption.cancel']({ batchId: batch.id }); return null; })}>{t('caption.cancel')}</button>}
          <button type="button" disabled={done.length === 0} onClick={() => act(async () => {
            await navigator.clipboard.writeText(done.map((r) => r.caption ?? '').join('\n'));
            return null;
          })}>{t('caption.copyAll')}</button>
          <button type="button" data-testid="caption-save-txt" disabled={!batch || running || onDisk.length === 0} onClick={() => act(async () => {
            const r = await api['caption.saveTxt']({ batchId: batch!.id, overwrite });
            if (r.errors.length) setError(r.errors.map((e) => `${e.path}: ${e.error}`).join('\n'));
            return t('caption.saved', { written: r.written, skipped: r.skipped });
          })}>{t('caption.saveTxt')}</button>
          <label className="caption-check"><input type="checkbox" checked={overwrite} onChange={(e) => setOverwrite(e.target.checked)} data-testid="caption-overwrite" />{t('caption.overwrite')}</label>
          <button type="button" data-testid="caption-export-csv" disabled={!batch} onClick={() => act(async () => {
            download('captions.csv', (await api['caption.export']({ batchId: batch!.id, format: 'csv' })).text, 'text/csv');
            return null;
          })}>{t('caption.exportCsv')}</button>
          <button type="button" data-testid="caption-export-jsonl" disabled={!batch} onClick={() => act(async () => {
            download('captions.jsonl', (await api['caption.export']({ batchId: batch!.id, format: 'jsonl' })).text, 'application/jsonl');
            return null;
          })}>{t('caption.exportJsonl')}</button>
          <button type="button" data-testid="caption-add-library" disabled={!batch || running || onDisk.length === 0} onClick={() => act(async () => {
            const r = await api['caption.addToLibrary']({ batchId: batch!.id });
            return t('caption.added', { added: r.added });
          })}>{t('caption.addToLibrary')}</button>
        </div>
      )}
      {notice && <p role="status" className="caption-notice" data-testid="caption-notice">{notice}</p>}
      {error && <p role="alert" className="error-text caption-error" data-testid="caption-error">{error}</p>}
      {rows.length === 0 ? <p className="empty">{t('caption.empty')}</p> : (
        <ul className="caption-results">
          {rows.map((r) => (
            <ResultRow key={r.key} row={r}
              onDraft={(text) => setRows((rs) => rs.map((x) => (x.key === r.key ? { ...x, caption: text, dirty: true } : x)))}
              onCommit={(text) => { void edit(r, text); }} />
          ))}
        </ul>
      )}
    </div>
  );
}
