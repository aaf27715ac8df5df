// #/chat?c=ID (and #/chat?photo=ID from a photo's "Ask about this photo"): conversations, the shown
// branch of the selected one with streaming answers, the composer and the per-conversation settings.
import { useCallback, useEffect, useRef, useState, type DragEvent } from 'react';
import type { Conversation, ConversationSettings, ConversationView } from '../../../../shared/contract/chat';
import { api } from '../../api';
import { useEvent } from '../../hooks/useEvent';
import { navigate, parseHash, useHash } from '../../router';
import { Composer } from './Composer';
import { ConversationList } from './ConversationList';
import { MessageItem } from './MessageItem';
import { SettingsPanel } from './SettingsPanel';
import { pendingFromFiles, pendingFromPhoto, releasePending, toRefs, type PendingAttachment } from './pending';
import { useT } from '../../i18n';
import './chat.css';

const chatHref = (id: number | null) => (id ? `#/chat?c=${id}` : '#/chat');

export default function ChatView() {
  const t = useT();
  const route = parseHash(useHash());
  const params = route.name === 'chat' ? route.params : new URLSearchParams();
  const wantedId = Number(params.get('c')) || null;
  // "#/chat?c=new": an empty composer; the conversation is created by the first message.
  const blank = params.get('c') === 'new';
  const photoParam = Number(params.get('photo')) || null;

  const [list, setList] = useState<Conversation[] | null>(null);
  const [view, setView] = useState<ConversationView | null>(null);
  const [streams, setStreams] = useState<Record<number, string>>({});
  const [pending, setPending] = useState<PendingAttachment[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const [showSettings, setShowSettings] = useState(false);
  const currentId = useRef<number | null>(null);
  currentId.current = view?.id ?? null;
  const bottom = useRef<HTMLDivElement>(null);

  const fail = (err: unknown) => setError(err instanceof Error ? err.message : String(err));
  const refreshList = useCallback(() => api['chat.list']({}).then(setList, fail), []);
  const refreshView = useCallback(async (id: number) => {
    try { setView(await api['chat.get']({ id })); } catch (err) { fail(err); }
  }, []);

  useEffect(() => { void refreshList(); }, [refreshList]);

  // The selected conversation follows the URL, so a reload comes back to it.
  useEffect(() => {
    if (!list || photoParam) return;
    if (blank) { setView(null); return; }
    // Just created here: the list may not have caught up with it yet.
    if (wantedId !== null && wantedId === currentId.current) return;
    const id = wantedId && list.some((c) => c.id === wantedId) ? wantedId : list[0]?.id ?? null;
    if (id !== wantedId) navigate(chatHref(id), { replace: true });
    if (id === null) setView(null);
    else if (id !== currentId.current) void refreshView(id);
  }, [list, wantedId, blank, photoParam, refreshView]);

  // "Ask about this photo": a new conversation with the photo in the composer.
  useEffect(() => {
    if (!photoParam) return;
    api['photos.get']({ id: photoParam }).then(
      (p) => setPending((prev) => [...prev, pendingFromPhoto(p.id, p.relPath.split('/').pop() ?? p.relPath)]),
      fail,
    );
    navigate('#/chat?c=new', { replace: true });
  }, [photoParam]);

  useEvent('chat.token', (e) => {
    if (e.conversationId !== currentId.current) return;
    setStreams((s) => ({ ...s, [e.messageId]: (s[e.messageId] ?? '') + e.text }));
  });
  useEvent('chat.done', (e) => {
    void refreshList();
    if (e.conversationId === currentId.current) {
      void refreshView(e.conversationId).then(() => setStreams((s) => { const n = { ...s }; delete n[e.message.id]; return n; }));
    }
  });

  const messageCount = view?.messages.length ?? 0;
  const streamedLength = Object.values(streams).reduce((n, s) => n + s.length, 0);
  useEffect(() => { bottom.current?.scrollIntoView?.({ block: 'end' }); }, [messageCount, streamedLength]);

  const generating = Boolean(view?.messages.some((m) => m.status === 'streaming'));

  const newConversation = async (): Promise<number> => {
    const v = await api['chat.create']({});
    setView(v);
    navigate(chatHref(v.id), { replace: true });
    await refreshList();
    return v.id;
  };

  const send = async (text: string): Promise<boolean> => {
    setError(null);
    setSending(true);
    try {
      const id = view?.id ?? await newConversation();
      const attachments = await toRefs(pending);
      await api['chat.send']({ conversationId: id, text, attachments });
      pending.forEach(releasePending);
      setPending([]);
      await refreshView(id);
      void refreshList();
      return true;
    } catch (err) {
      fail(err);
      return false;
    } finally {
      setSending(false);
    }
  };

  const act = async (fn: () => Promise<unknown>) => {
    setError(null);
    try { await fn(); } catch (err) { fail(err); }
    if (view) await refreshView(view.id);
  };

  const onDropMain = (e: DragEvent) => {
    if (!e.dataTransfer.types.includes('Files')) return;
    e.preventDefault();
    e.stopPropagation();
    setPending((p) => [...p, ...pendingFromFiles(e.dataTransfer.files)]);
  };

  return (
    <div className="view chat-view" data-testid="chat-view">
      <ConversationList
        list={list ?? []}
        currentId={view?.id ?? null}
        onSelect={(id) => navigate(chatHref(id))}
        onNew={() => { void newConversation().catch(fail); }}
        onRename={(id, title) => {
          void api['chat.rename']({ id, title }).then(async () => {
            await refreshList();
            if (id === view?.id) await refreshView(id);
          }, fail);
        }}
        onDelete={(c) => {
          if (!window.confirm(t('chat.confirmDelete', { title: c.title }))) return;
          void api['chat.remove']({ id: c.id }).then(async () => {
            // The refreshed list then selects another conversation (see the effect above).
            if (c.id === view?.id) setView(null);
            await refreshList();
          }, fail);
        }}
      />
      <section className="chat-main" aria-label={view?.title ?? t('chat.title')}
        onDragOver={(e) => { if (e.dataTransfer.types.includes('Files')) { e.preventDefault(); e.stopPropagation(); } }} onDrop={onDropMain}>
        <header className="chat-head">
          <h1>{view?.title ?? t('chat.title')}</h1>
          {view && (
            <button type="button" aria-expanded={showSettings} onClick={() => setShowSettings((s) => !s)}>{t('chat.settings')}</button>
          )}
        </header>
        {showSettings && view && (
          <SettingsPanel settings={view.settings} onSave={async (s: ConversationSettings) => {
            try { await api['chat.configure']({ id: view.id, settings: s }); await refreshView(view.id); } catch (err) { fail(err); }
          }} />
        )}
        {view?.truncatedNotice && <p className="chat-notice" role="status" data-testid="chat-truncated">{view.truncatedNotice}</p>}
        <div className="chat-messages" aria-live="polite">
          {(!view || view.messages.length === 0) && <p className="empty">{t('chat.empty')}</p>}
          {view?.messages.map((m) => (
            <MessageItem key={m.id} message={m} streamed={streams[m.id]} busy={generating || sending}
              onSwitch={(id) => { void api['chat.switchBranch']({ messageId: id }).then(setView, fail); }}
              onRegenerate={(id) => { void act(() => api['chat.regenerate']({ messageId: id })); }}
              onEdit={(id, text) => { void act(() => api['chat.edit']({ messageId: id, text })); }}
            />
          ))}
          <div ref={bottom} />
        </div>
        {error && <p role="alert" className="error-text chat-error" data-testid="chat-error">{error}</p>}
        <Composer
          pending={pending}
          onAdd={(items) => setPending((p) => [...p, ...items])}
          onRemove={(key) => setPending((p) => { const gone = p.find((x) => x.key === key); if (gone) releasePending(gone); return p.filter((x) => x.key !== key); })}
          onSend={send}
          onStop={() => { if (view) void act(() => api['chat.stop']({ conversationId: view.id })); }}
          generating={generating}
          sending={sending}
        />
      </section>
    </div>
  );
}
