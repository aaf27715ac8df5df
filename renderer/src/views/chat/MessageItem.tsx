// One message: attachments, text (markdown for answers), branch switcher "< 2/3 >", and actions
// (copy, regenerate for answers; edit for questions).
import { useMemo, useState } from 'react';
import type { ChatMessage } from '../../../../shared/contract/chat';
import { mediaUrl } from '../../api';
import { renderMarkdown } from './markdown';
import { useT } from '../../i18n';
import { formatDuration } from '../../../../shared/video';

interface Props {
  message: ChatMessage;
  /** Text streamed so far while the answer is being written. */
  streamed?: string;
  busy: boolean;
  onSwitch(messageId: number): void;
  onRegenerate(messageId: number): void;
  onEdit(messageId: number, text: string): void;
}

export function MessageItem({ message: m, streamed, busy, onSwitch, onRegenerate, onEdit }: Props) {
  const t = useT();
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(m.text);
  const [copied, setCopied] = useState(false);
  const streaming = m.status === 'streaming';
  const text = streaming ? (streamed ?? m.text) : m.text;
  const html = useMemo(() => (m.role === 'assistant' ? renderMarkdown(text) : ''), [m.role, text]);
  const index = m.siblingIds.indexOf(m.id);

  const copy = async () => {
    await navigator.clipboard.writeText(text).catch(() => {});
    setCopied(true);
    window.setTimeout(() => setCopied(false), 1500);
  };

  return (
    <article className={`chat-msg chat-msg-${m.role}`} data-testid="chat-message" data-role={m.role} data-status={m.status} data-message-id={m.id}
      aria-label={m.role === 'user' ? t('chat.you') : t('chat.assistant')}>
      {m.attachments.length > 0 && (
        <div className="chat-attachments">
          {m.attachments.map((a, i) => {
            const thumb = <img key={`${a.kind}${a.id}${i}`} className="chat-thumb" alt={a.name} title={a.name}
              src={a.kind === 'photo' ? mediaUrl('thumb', Number(a.id)) : (a.thumb ?? '')} />;
            // A video is sent as its keyframes: the message says which.
            return a.frames?.length ? (
              <figure key={`${a.kind}${a.id}${i}`} className="chat-video" data-testid="chat-video-frames" data-frames={a.frames.join(',')}>
                {thumb}
                <figcaption>{t('chat.videoFrames', { n: a.frames.length, times: a.frames.map((ms) => formatDuration(ms)).join(' · ') })}</figcaption>
              </figure>
            ) : thumb;
          })}
        </div>
      )}
      {editing ? (
        <form className="chat-edit" onSubmit={(e) => { e.preventDefault(); setEditing(false); onEdit(m.id, draft); }}>
          <textarea aria-label={t('chat.edit')} value={draft} onChange={(e) => setDraft(e.target.value)} rows={3} autoFocus />
          <div className="chat-actions">
            <button type="submit" disabled={busy}>{t('chat.saveEdit')}</button>
            <button type="button" onClick={() => { setEditing(false); setDraft(m.text); }}>{t('chat.cancel')}</button>
          </div>
        </form>
      ) : m.role === 'assistant' ? (
        <div className="chat-text chat-markdown" data-testid="chat-message-text" dangerouslySetInnerHTML={{ __html: html }} />
      ) : (
        <div className="chat-text chat-plain" data-testid="chat-message-text">{text}</div>
      )}
      {streaming && !text && <p className="muted chat-note">{t('chat.thinking')}</p>}
      {m.status === 'stopped' && <p className="muted chat-note" data-testid="chat-stopped">{t('chat.stopped')}</p>}
      {m.status === 'error' && <p role="alert" className="error-text chat-note">{t('chat.error', { message: m.error ?? '' })}</p>}
      <footer className="chat-msg-foot">
        {m.siblingIds.length > 1 && (
          <span className="chat-branch" data-testid="chat-branch">
            <button type="button" aria-label={t('chat.prevBranch')} disabled={busy || index <= 0} onClick={() => onSwitch(m.siblingIds[index - 1]!)}>‹</button>
            <span aria-label={t('chat.branch', { n: index + 1, total: m.siblingIds.length })}>{index + 1}/{m.siblingIds.length}</span>
            <button type="button" aria-label={t('chat.nextBranch')} disabled={busy || index >= m.siblingIds.length - 1} onClick={() => onSwitch(m.siblingIds[index + 1]!)}>›</button>
          </span>
        )}
        {!streaming && !editing && (
          <span className="chat-actions">
            {m.role === 'assistant' && <button type="button" onClick={copy}>{copied ? t('chat.copied') : t('chat.copy')}</button>}
            {m.role === 'assistant' && <button type="button" data-testid="chat-regenerate" disabled={busy} onClick={() => onRegenerate(m.id)}>{t('chat.regenerate')}</button>}
            {m.role === 'user' && <button type="button" data-testid="chat-edit" disabled={busy} onClick={() => { setDraft(m.text); setEditing(true); }}>{t('chat.edit')}</button>}
          </span>
        )}
        {m.role === 'assistant' && m.stats && !streaming && (
          <span className="muted chat-stats" data-testid="chat-stats" data-image-tokens={m.stats.imageTokens}>
            {t('chat.stats', { tokens: m.stats.tokens, images: m.stats.imageTokens, seconds: (m.stats.ms / 1000).toFixed(1) })}
          </span>
        )}
      </footer>
    </article>
  );
}
