// Conversations and their message tree in SQLite. Every message points at its parent, so an edit or a
// regenerate adds a sibling instead of overwriting; conversations.head_id is the leaf being shown.
import type { Db } from '../db/connection';
import { nowIso } from '../db/connection';
import type {
  ChatAttachment, ChatMessage, ChatMessageStatus, ChatStats, Conversation, ConversationSettings,
} from '../../shared/contract/chat';
import { parseSettings } from './settings';
import { AppError } from '../../shared/errors';

/** What messages.content_json holds. */
export interface StoredContent {
  text: string;
  attachments: ChatAttachment[];
  status: ChatMessageStatus;
  error?: string | null;
  stats?: ChatStats | null;
}

interface ConversationRow {
  id: number;
  title: string;
  settings_json: string;
  head_id: number | null;
  created_at: string;
  updated_at: string;
}

interface MessageRow {
  id: number;
  conversation_id: number;
  parent_id: number | null;
  role: ChatMessage['role'];
  content_json: string;
  created_at: string;
}

function parseContent(json: string): StoredContent {
  try {
    const c = JSON.parse(json) as Partial<StoredContent>;
    return {
      text: typeof c.text === 'string' ? c.text : '',
      attachments: Array.isArray(c.attachments) ? c.attachments : [],
      status: c.status ?? 'done',
      error: c.error ?? null,
      stats: c.stats ?? null,
    };
  } catch {
    return { text: '', attachments: [], status: 'error', error: 'This message could not be read.' };
  }
}

export class ChatRepo {
  constructor(private readonly db: Db) {}

  // ── conversations ────────────────────────────────────────────────────────
  createConversation(title: string, settings: ConversationSettings): Conversation {
    const now = nowIso();
    const { lastInsertRowid } = this.db.prepare(
      'INSERT INTO conversations (title, settings_json, head_id, created_at, updated_at) VALUES (?, ?, NULL, ?, ?)',
    ).run(title, JSON.stringify(settings), now, now);
    return this.conversation(Number(lastInsertRowid));
  }

  listConversations(): Conversation[] {
    const rows = this.db.prepare('SELECT * FROM conversations ORDER BY updated_at DESC, id DESC').all() as ConversationRow[];
    return rows.map(toConversation);
  }

  findConversation(id: number): Conversation | null {
    const row = this.db.prepare('SELECT * FROM conversations WHERE id = ?').get(id) as ConversationRow | undefined;
    return row ? toConversation(row) : null;
  }

  conversation(id: number): Conversation {
    const c = this.findConversation(id);
    if (!c) throw new AppError('not_found', `Conversation ${id} does not exist.`);
    return c;
  }

  rename(id: number, title: string): void {
    this.db.prepare('UPDATE conversations SET title = ?, updated_at = ? WHERE id = ?').run(title, nowIso(), id);
  }

  saveSettings(id: number, settings: ConversationSettings): void {
    this.db.prepare('UPDATE conversations SET settings_json = ?, updated_at = ? WHERE id = ?').run(JSON.stringify(settings), nowIso(), id);
  }

  setHead(conversationId: number, headId: number | null): void {
    this.db.prepare('UPDATE conversations SET head_id = ?, updated_at = ? WHERE id = ?').run(headId, nowIso(), conversationId);
  }

  /** Messages go with it (ON DELETE CASCADE). */
  removeConversation(id: number): boolean {
    return this.db.prepare('DELETE FROM conversations WHERE id = ?').run(id).changes > 0;
  }

  // ── messages ─────────────────────────────────────────────────────────────
  insertMessage(conversationId: number, parentId: number | null, role: ChatMessage['role'], content: StoredContent): number {
    const { lastInsertRowid } = this.db.prepare(
      'INSERT INTO messages (conversation_id, parent_id, role, content_json, created_at) VALUES (?, ?, ?, ?, ?)',
    ).run(conversationId, parentId, role, JSON.stringify(content), nowIso());
    return Number(lastInsertRowid);
  }

  updateContent(id: number, content: StoredContent): void {
    this.db.prepare('UPDATE messages SET content_json = ? WHERE id = ?').run(JSON.stringify(content), id);
  }

  row(id: number): (MessageRow & { content: StoredContent }) | null {
    const r = this.db.prepare('SELECT * FROM messages WHERE id = ?').get(id) as MessageRow | undefined;
    return r ? { ...r, content: parseContent(r.content_json) } : null;
  }

  message(id: number): ChatMessage {
    const r = this.row(id);
    if (!r) throw new AppError('not_found', `Message ${id} does not exist.`);
    return this.toMessage(r);
  }

  /** Root → id, following parent pointers. */
  pathTo(id: number): ChatMessage[] {
    const rows = this.db.prepare(`
      WITH RECURSIVE up(id, depth) AS (
        SELECT ?, 0
        UNION ALL SELECT m.parent_id, up.depth + 1 FROM messages m JOIN up ON m.id = up.id WHERE m.parent_id IS NOT NULL
      )
      SELECT m.* FROM up JOIN messages m ON m.id = up.id ORDER BY up.depth DESC`).all(id) as MessageRow[];
    return rows.map((r) => this.toMessage({ ...r, content: parseContent(r.content_json) }));
  }

  /** The newest leaf under id (id itself when it has no children): what switching to a branch shows. */
  latestLeaf(id: number): number {
    const child = this.db.prepare('SELECT id FROM messages WHERE parent_id = ? ORDER BY id DESC LIMIT 1');
    let cur = id;
    for (let r = child.get(cur) as { id: number } | undefined; r; r = child.get(cur) as { id: number } | undefined) cur = r.id;
    return cur;
  }

  siblingIds(conversationId: number, parentId: number | null, role: ChatMessage['role']): number[] {
    const rows = this.db.prepare(
      'SELECT id FROM messages WHERE conversation_id = ? AND parent_id IS ? AND role = ? ORDER BY id',
    ).all(conversationId, parentId, role) as { id: number }[];
    return rows.map((r) => r.id);
  }

  countMessages(conversationId: number, role?: ChatMessage['role']): number {
    const sql = role
      ? 'SELECT count(*) AS n FROM messages WHERE conversation_id = ? AND role = ?'
      : 'SELECT count(*) AS n FROM messages WHERE conversation_id = ?';
    const args = role ? [conversationId, role] : [conversationId];
    return (this.db.prepare(sql).get(...args) as { n: number }).n;
  }

  /** Answers left "streaming" by a process that died: mark them so they never spin forever. */
  failInterrupted(reason: string): number {
    const rows = this.db.prepare(
      "SELECT id, content_json FROM messages WHERE json_extract(content_json, '$.status') = 'streaming'",
    ).all() as { id: number; content_json: string }[];
    const tx = this.db.transaction(() => {
      for (const r of rows) this.updateContent(r.id, { ...parseContent(r.content_json), status: 'error', error: reason });
    });
    tx();
    return rows.length;
  }

  /** Every stored attachment id still referenced by some message (to keep the attachment store tidy). */
  referencedFileIds(): Set<string> {
    const rows = this.db.prepare(
      "SELECT j.value ->> '$.id' AS id FROM messages m, json_each(m.content_json, '$.attachments') j WHERE j.value ->> '$.kind' = 'file'",
    ).all() as { id: string }[];
    return new Set(rows.map((r) => r.id));
  }

  private toMessage(r: MessageRow & { content: StoredContent }): ChatMessage {
    const c = r.content;
    return {
      id: r.id,
      conversationId: r.conversation_id,
      parentId: r.parent_id,
      role: r.role,
      text: c.text,
      attachments: c.attachments,
      createdAt: r.created_at,
      siblingIds: this.siblingIds(r.conversation_id, r.parent_id, r.role),
      status: c.status,
      stopped: c.status === 'stopped',
      error: c.error ?? null,
      stats: c.stats ?? null,
    };
  }
}

function toConversation(r: ConversationRow): Conversation {
  return {
    id: r.id,
    title: r.title,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    settings: parseSettings(r.settings_json),
    headId: r.head_id,
  };
}
