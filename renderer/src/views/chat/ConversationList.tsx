// The conversations column: new, select, rename in place, delete.
import { useState } from 'react';
import type { Conversation } from '../../../../shared/contract/chat';
import { useT } from '../../i18n';

interface Props {
  list: Conversation[];
  currentId: number | null;
  onSelect(id: number): void;
  onNew(): void;
  onRename(id: number, title: string): void;
  onDelete(c: Conversation): void;
}

export function ConversationList({ list, currentId, onSelect, onNew, onRename, onDelete }: Props) {
  const t = useT();
  const [renaming, setRenaming] = useState<number | null>(null);
  const [draft, setDraft] = useState('');
  return (
    <nav className="chat-list" aria-label={t('chat.conversations')}>
      <button type="button" className="chat-new" data-testid="chat-new" onClick={onNew}>+ {t('chat.new')}</button>
      <ul>
        {list.map((c) => (
          <li key={c.id} className={c.id === currentId ? 'current' : ''} data-testid="chat-conversation">
            {renaming === c.id ? (
              <form onSubmit={(e) => { e.preventDefault(); setRenaming(null); if (draft.trim()) onRename(c.id, draft.trim()); }}>
                <input aria-label={t('chat.rename')} value={draft} autoFocus onChange={(e) => setDraft(e.target.value)} onBlur={() => setRenaming(null)} />
              </form>
            ) : (
              <>
                <button type="button" className="chat-list-title" aria-current={c.id === currentId ? 'page' : undefined} onClick={() => onSelect(c.id)}>{c.title}</button>
                <button type="button" className="icon" aria-label={`${t('chat.rename')} ${c.title}`} onClick={() => { setDraft(c.title); setRenaming(c.id); }}>✎</button>
                <button type="button" className="icon" aria-label={`${t('chat.delete')} ${c.title}`} onClick={() => onDelete(c)}>✕</button>
              </>
            )}
          </li>
        ))}
      </ul>
    </nav>
  );
}
