// Runs one answer: sends the whole branch (every turn, every image) to the engine, streams tokens as
// `chat.token` events, stores the result (partial when stopped) and announces it with `chat.done`.
// One answer at a time per conversation; the engine reuses its KV cache through the session key.
import { endpointBackend } from '../engine/backends';
import { findEndpoint } from '../engine/endpoints';
import type { AppContext } from '../service/context';
import type { EngineChatTurn } from '../engine/client';
import type { ChatRepo, StoredContent } from './repo';
import { attachmentImages } from './attachments';
import { videoFramesNote } from '../engine/captions';
import { AppError } from '../../shared/errors';

/** How often a streaming answer is written to the database, so a crash keeps most of it. */
const SAVE_EVERY_MS = 1000;

interface Running {
  controller: AbortController;
  messageId: number;
  finished: Promise<void>;
}

export const sessionKeyOf = (conversationId: number): string => `chat:${conversationId}`;

export class ChatGenerator {
  private readonly running = new Map<number, Running>();

  constructor(private readonly ctx: AppContext, private readonly repo: ChatRepo) {}

  assertIdle(conversationId: number): void {
    if (this.running.has(conversationId)) throw new AppError('busy', 'An answer is still being written in this conversation; stop it or wait for it to finish.');
  }

  /** Starts generating into the (empty, 'streaming') assistant message; returns at once. */
  start(conversationId: number, assistantId: number): void {
    this.assertIdle(conversationId);
    const controller = new AbortController();
    const run: Running = { controller, messageId: assistantId, finished: Promise.resolve() };
    this.running.set(conversationId, run);
    const release = () => { if (this.running.get(conversationId) === run) this.running.delete(conversationId); };
    // Stored, then released, then announced: whoever reacts to chat.done may send the next turn.
    run.finished = this.generate(conversationId, assistantId, controller.signal)
      .then((content) => {
        const stored = content !== null && this.store(assistantId, content);
        release();
        if (stored) this.ctx.events.emit('chat.done', { conversationId, message: this.repo.message(assistantId) });
      })
      // Only storing can fail here (e.g. the library closed mid-answer); the next start marks it interrupted.
      .catch((err: unknown) => { this.ctx.log.error(`chat: could not store answer ${assistantId}: ${err instanceof Error ? err.stack ?? err.message : String(err)}`); })
      .finally(release);
  }

  /** Stops the answer being written (the partial text is kept). */
  stop(conversationId: number): boolean {
    const run = this.running.get(conversationId);
    if (!run) return false;
    run.controller.abort();
    return true;
  }

  /** Resolves when the conversation's current answer (if any) is stored. */
  async settled(conversationId: number): Promise<void> {
    await this.running.get(conversationId)?.finished;
  }

  async stopAll(): Promise<void> {
    const all = [...this.running.values()];
    for (const r of all) r.controller.abort();
    await Promise.allSettled(all.map((r) => r.finished));
  }

  private async generate(conversationId: number, assistantId: number, signal: AbortSignal): Promise<StoredContent | null> {
    const row = this.repo.row(assistantId);
    if (!row || row.parent_id === null) return null;
    const content: StoredContent = { ...row.content, text: '', status: 'streaming', error: null, stats: null };
    let lastSave = Date.now();
    try {
      const settings = this.repo.conversation(conversationId).settings;
      const messages = await this.turns(row.parent_id, settings.systemPrompt, signal);
      // The conversation's endpoint (streamed over SSE, Stop aborts the request), else the local engine.
      const engine = settings.engine ? endpointBackend(this.ctx, findEndpoint(this.ctx.db, settings.engine)) : this.ctx.engine();
      const result = await engine.chat({
        messages,
        maxNewTokens: settings.maxNewTokens,
        temperature: settings.temperature,
        imageSplitting: settings.imageSplitting,
        sessionKey: sessionKeyOf(conversationId),
        signal,
        onToken: (text) => {
          content.text += text;
          this.ctx.events.emit('chat.token', { conversationId, messageId: assistantId, text });
          if (Date.now() - lastSave >= SAVE_EVERY_MS) {
            lastSave = Date.now();
            this.repo.updateContent(assistantId, content);
          }
        },
      });
      // The engine's final text is authoritative (streamed chunks may split multi-byte characters).
      content.text = result.text;
      content.status = result.stopped || signal.aborted ? 'stopped' : 'done';
      content.stats = {
        imageTokens: result.imageTokens,
        promptTokens: result.promptTokens,
        tokens: result.tokens.length,
        droppedTurns: result.droppedTurns,
        cachedTokens: result.cachedTokens ?? 0,
        ms: result.ms,
        firstTokenMs: result.firstTokenMs,
      };
    } catch (err) {
      if (signal.aborted) {
        content.status = 'stopped';
      } else {
        content.status = 'error';
        content.error = (err as Error).message;
      }
    }
    return content;
  }

  /** False when the conversation was deleted meanwhile. */
  private store(assistantId: number, content: StoredContent): boolean {
    if (!this.repo.row(assistantId)) return false;
    this.repo.updateContent(assistantId, content);
    return true;
  }

  /** The branch up to the user message, as engine turns with absolute image paths. */
  private async turns(userMessageId: number, systemPrompt: string, signal: AbortSignal): Promise<EngineChatTurn[]> {
    const turns: EngineChatTurn[] = [];
    if (systemPrompt.trim()) turns.push({ role: 'system', text: systemPrompt, images: [] });
    for (const m of this.repo.pathTo(userMessageId)) {
      // A failed answer with no text adds nothing the model should see.
      if (m.role === 'assistant' && !m.text.trim()) continue;
      const images: string[] = [];
      for (const a of m.attachments) images.push(...await attachmentImages(this.ctx, a, signal));
      // The model is told which images are one video's frames, and when they were taken.
      const notes = m.attachments.filter((a) => a.frames?.length).map((a) => videoFramesNote(a.name, a.frames!));
      turns.push({ role: m.role, text: notes.length ? `${notes.join('\n')}\n${m.text}` : m.text, images });
    }
    return turns;
  }
}
