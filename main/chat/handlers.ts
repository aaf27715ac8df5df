// Chat methods of the contract: conversations, the message tree (send / regenerate / edit branch off
// the shown path), branch switching, stop, settings. Answers are generated in the background and
// reported through `chat.token` / `chat.done`; the methods return the new message ids at once.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { AppContext } from '../service/context';
import type { HandlersFor, ParsedInput } from '../../shared/api';
import type { ChatAttachment, ConversationView, chatMethods } from '../../shared/contract/chat';
import { ChatRepo } from './repo';
import { ChatGenerator } from './generation';
import { DEFAULT_CHAT_SETTINGS, mergeSettings } from './settings';
import { DEFAULT_TITLE, titleFromQuestion } from './title';
import { photoAttachment, storeAttachment } from './attachments';
import { collectUnusedAttachments } from './attachment-gc';
import { removeUpload, resolveUpload } from '../uploads/store';
import { AppError } from '../../shared/errors';

type ChatOnly = Omit<typeof chatMethods, `caption.${string}`>;
type AttachmentRef = ParsedInput<'chat.send'>['attachments'][number];

export function chatHandlers(ctx: AppContext): HandlersFor<ChatOnly> {
  const repo = new ChatRepo(ctx.db);
  const generator = new ChatGenerator(ctx, repo);
  repo.failInterrupted('SmolAlbum closed before this answer was finished.');
  ctx.onClose(() => generator.stopAll());

  const view = (id: number, headId?: number): ConversationView => {
    const conv = repo.conversation(id);
    const head = headId ?? conv.headId;
    if (headId !== undefined) assertInConversation(headId, id);
    const messages = head ? repo.pathTo(head) : [];
    const dropped = [...messages].reverse().find((m) => m.role === 'assistant' && m.stats)?.stats?.droppedTurns ?? 0;
    return {
      ...conv,
      headId: head,
      messages,
      truncatedNotice: dropped > 0
        ? `The ${dropped === 1 ? 'oldest turn' : `${dropped} oldest turns`} no longer fit the model's context and ${dropped === 1 ? 'was' : 'were'} left out of the last answer.`
        : null,
    };
  };

  const assertInConversation = (messageId: number, conversationId: number) => {
    const row = repo.row(messageId);
    if (!row || row.conversation_id !== conversationId) throw new AppError('not_found', `Message ${messageId} is not in conversation ${conversationId}.`);
    return row;
  };

  const messageRow = (id: number) => {
    const row = repo.row(id);
    if (!row) throw new AppError('not_found', `Message ${id} does not exist.`);
    return row;
  };

  /** Resolves attachment references before anything is written, so a bad one adds no message. */
  const storeAttachments = async (refs: AttachmentRef[]): Promise<{ list: ChatAttachment[]; uploads: string[] }> => {
    const list: ChatAttachment[] = [];
    const uploads: string[] = [];
    for (const ref of refs) {
      if (ref.kind === 'photo') list.push(await photoAttachment(ctx, ref.photoId));
      else if (ref.kind === 'path') {
        if (!path.isAbsolute(ref.path)) throw new AppError('input', `Attach an absolute path (got "${ref.path}").`);
        const st = await stat(ref.path).catch(() => null);
        if (!st?.isFile()) throw new AppError('input', `${ref.path} is not a file.`);
        list.push(await storeAttachment(ctx, ref.path, path.basename(ref.path)));
      } else {
        const up = await resolveUpload(ctx.paths.uploads, ref.uploadId);
        list.push(await storeAttachment(ctx, up.file, up.name));
        uploads.push(ref.uploadId);
      }
    }
    return { list, uploads };
  };

  /** A user message plus its empty answer, made the head, in one transaction; then generation starts. */
  const addTurn = (conversationId: number, parentId: number | null, text: string, attachments: ChatAttachment[]) => {
    const conv = repo.conversation(conversationId);
    generator.assertIdle(conversationId); // synchronous from here to start(): no other send can slip in
    const ids = ctx.db.transaction(() => {
      const firstQuestion = repo.countMessages(conversationId, 'user') === 0;
      const userMessageId = repo.insertMessage(conversationId, parentId, 'user', { text, attachments, status: 'done' });
      const assistantMessageId = repo.insertMessage(conversationId, userMessageId, 'assistant', { text: '', attachments: [], status: 'streaming' });
      repo.setHead(conversationId, assistantMessageId);
      if (firstQuestion && conv.title === DEFAULT_TITLE) repo.rename(conversationId, titleFromQuestion(text, attachments.length));
      return { userMessageId, assistantMessageId };
    })();
    generator.start(conversationId, ids.assistantMessageId);
    return ids;
  };

  return {
    async 'chat.list'() {
      return repo.listConversations();
    },

    async 'chat.create'({ title, settings }) {
      const conv = repo.createConversation(title?.trim() || DEFAULT_TITLE, mergeSettings(DEFAULT_CHAT_SETTINGS, settings));
      return view(conv.id);
    },

    async 'chat.get'({ id, headId }) {
      return view(id, headId);
    },

    async 'chat.rename'({ id, title }) {
      repo.conversation(id);
      repo.rename(id, title);
      return repo.conversation(id);
    },

    async 'chat.remove'({ id }) {
      if (generator.stop(id)) await generator.settled(id);
      const removed = repo.removeConversation(id);
      if (removed) await collectUnusedAttachments(ctx, repo);
      return { removed };
    },

    async 'chat.configure'({ id, settings }) {
      const conv = repo.conversation(id);
      repo.saveSettings(id, mergeSettings(conv.settings, settings));
      return repo.conversation(id);
    },

    async 'chat.send'({ conversationId, text, attachments, parentId }) {
      const conv = repo.conversation(conversationId);
      generator.assertIdle(conversationId);
      if (!text.trim() && attachments.length === 0) throw new AppError('input', 'Type a message or attach an image.');
      const parent = parentId === undefined ? conv.headId : parentId;
      if (parent !== null) {
        const p = assertInConversation(parent, conversationId);
        if (p.role === 'user') throw new AppError('conflict', 'A new message must follow an answer, not another question.');
      }
      const stored = await storeAttachments(attachments);
      const ids = addTurn(conversationId, parent, text, stored.list);
      for (const id of stored.uploads) await removeUpload(ctx.paths.uploads, id);
      return ids;
    },

    async 'chat.regenerate'({ messageId }) {
      const row = messageRow(messageId);
      // Accept the answer to redo, or the question whose answer should be redone.
      const userId = row.role === 'assistant' ? row.parent_id : row.id;
      if (userId === null || row.role === 'system') throw new AppError('input', 'Only an answer (or its question) can be regenerated.');
      generator.assertIdle(row.conversation_id);
      const assistantMessageId = ctx.db.transaction(() => {
        const id = repo.insertMessage(row.conversation_id, userId, 'assistant', { text: '', attachments: [], status: 'streaming' });
        repo.setHead(row.conversation_id, id);
        return id;
      })();
      generator.start(row.conversation_id, assistantMessageId);
      return { assistantMessageId };
    },

    async 'chat.edit'({ messageId, text }) {
      const row = messageRow(messageId);
      if (row.role !== 'user') throw new AppError('input', 'Only your own messages can be edited.');
      generator.assertIdle(row.conversation_id);
      if (!text.trim() && row.content.attachments.length === 0) throw new AppError('input', 'Type a message or attach an image.');
      // The edited question is a sibling of the original (same parent), keeping its images.
      return addTurn(row.conversation_id, row.parent_id, text, row.content.attachments);
    },

    async 'chat.stop'({ conversationId }) {
      repo.conversation(conversationId);
      const stopped = generator.stop(conversationId);
      if (stopped) await generator.settled(conversationId);
      return { stopped };
    },

    async 'chat.switchBranch'({ messageId }) {
      const row = messageRow(messageId);
      repo.setHead(row.conversation_id, repo.latestLeaf(messageId));
      return view(row.conversation_id);
    },
  };
}
