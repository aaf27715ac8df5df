// One captioned file: thumbnail, name, status, the caption editable in place, copy, and its error.
import { useState } from 'react';
import type { CaptionItem } from '../../../../shared/contract/chat';
import { useT } from '../../i18n';

export interface Row extends Omit<CaptionItem, 'id' | 'status'> {
  key: string;
  itemId?: string;
  preview?: string;
  status: CaptionItem['status'] | 'uploading';
  /** Edited here but not yet saved. */
  dirty?: boolean;
}

export function ResultRow({ row, onDraft, onCommit }: { row: Row; onDraft(text: string): void; onCommit(text: string): void }) {
  const t = useT();
  const [copied, setCopied] = useState(false);
  return (
    <li className={`caption-result status-${row.status}`} data-testid="caption-result" data-status={row.status} data-name={row.name}>
      <div className="caption-thumb">{row.preview ? <img src={row.preview} alt="" onError={(e) => { e.currentTarget.style.visibility = 'hidden'; }} /> : null}</div>
      <div className="caption-body">
        <div className="caption-row-head">
          <span className="caption-name" title={row.path}>{row.name}</span>
          <span className="badge" data-testid="caption-status">{t(`caption.status.${row.status}`)}</span>
          {row.status === 'done' && (
            <button type="button" className="small" onClick={() => { void navigator.clipboard.writeText(row.caption ?? '').then(() => { setCopied(true); window.setTimeout(() => setCopied(false), 1500); }, () => {}); }}>
              {copied ? '✓' : t('caption.copy')}
            </button>
          )}
        </div>
        {row.status === 'done' && (
          <textarea aria-label={t('caption.captionOf', { name: row.name })} data-testid="caption-text" rows={2} value={row.caption ?? ''}
            onChange={(e) => onDraft(e.target.value)} onBlur={(e) => { if (row.dirty) onCommit(e.target.value); }} />
        )}
        {row.error && <p className="error-text" data-testid="caption-item-error">{row.error}</p>}
      </div>
    </li>
  );
}
