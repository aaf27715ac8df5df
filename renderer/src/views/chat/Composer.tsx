// Text plus any number of images: file picker, drag and drop, paste, and the library picker.
import { useRef, useState, type ClipboardEvent, type DragEvent, type KeyboardEvent } from 'react';
import type { PhotoSummary } from '../../../../shared/types';
import { IMAGE_ACCEPT, VIDEO_ACCEPT } from '../../../../shared/media';
import { LibraryPicker } from './LibraryPicker';
import { pendingFromFiles, pendingFromPhoto, type PendingAttachment } from './pending';
import { useT } from '../../i18n';

interface Props {
  pending: PendingAttachment[];
  onAdd(items: PendingAttachment[]): void;
  onRemove(key: string): void;
  onSend(text: string): Promise<boolean>;
  onStop(): void;
  generating: boolean;
  sending: boolean;
}

export function Composer({ pending, onAdd, onRemove, onSend, onStop, generating, sending }: Props) {
  const t = useT();
  const [text, setText] = useState('');
  const [dragOver, setDragOver] = useState(false);
  const [picking, setPicking] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  const canSend = !generating && !sending && (text.trim().length > 0 || pending.length > 0);

  const send = async () => {
    if (!canSend) return;
    if (await onSend(text)) setText('');
  };
  const onKey = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) { e.preventDefault(); void send(); }
  };
  const onPaste = (e: ClipboardEvent) => {
    const files = pendingFromFiles(e.clipboardData.files);
    if (files.length) { e.preventDefault(); onAdd(files); }
  };
  // Drops here attach to the message (and must not reach the window's drop-to-caption handler).
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    e.stopPropagation();
    setDragOver(false);
    onAdd(pendingFromFiles(e.dataTransfer.files));
  };

  return (
    <form className={`chat-composer${dragOver ? ' drag-over' : ''}`} data-testid="chat-composer"
      onSubmit={(e) => { e.preventDefault(); void send(); }}
      onDragOver={(e) => { if (e.dataTransfer.types.includes('Files')) { e.preventDefault(); e.stopPropagation(); setDragOver(true); } }}
      onDragLeave={() => setDragOver(false)} onDrop={onDrop}>
      {pending.length > 0 && (
        <ul className="chat-pending" aria-label={t('chat.attach')}>
          {pending.map((p) => (
            <li key={p.key} data-testid="chat-pending">
              {p.video
                ? <video src={p.preview} title={p.name} aria-label={p.name} className="chat-thumb" muted preload="metadata" />
                : <img src={p.preview} alt={p.name} title={p.name} className="chat-thumb" />}
              <button type="button" aria-label={t('chat.removeAttachment', { name: p.name })} onClick={() => onRemove(p.key)}>×</button>
            </li>
          ))}
        </ul>
      )}
      <textarea data-testid="chat-input" aria-label={t('chat.input')} placeholder={t('chat.placeholder')} rows={3}
        value={text} onChange={(e) => setText(e.target.value)} onKeyDown={onKey} onPaste={onPaste} />
      <div className="chat-composer-bar">
        <input ref={fileInput} type="file" accept={`${IMAGE_ACCEPT},${VIDEO_ACCEPT}`} multiple hidden data-testid="chat-file-input"
          onChange={(e) => { onAdd(pendingFromFiles(e.target.files ?? [])); e.target.value = ''; }} />
        <button type="button" onClick={() => fileInput.current?.click()}>{t('chat.attach')}</button>
        <button type="button" onClick={() => setPicking(true)}>{t('chat.fromLibrary')}</button>
        <span className="spacer" />
        {sending && <span className="muted">{t('chat.uploading')}</span>}
        {generating
          ? <button type="button" data-testid="chat-stop" onClick={onStop}>{t('chat.stop')}</button>
          : <button type="submit" data-testid="chat-send" disabled={!canSend}>{t('chat.send')}</button>}
      </div>
      {picking && (
        <LibraryPicker onClose={() => setPicking(false)}
          onPick={(photos: PhotoSummary[]) => onAdd(photos.map((p) => pendingFromPhoto(p.id, p.relPath.split('/').pop() ?? p.relPath)))} />
      )}
    </form>
  );
}
