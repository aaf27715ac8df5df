// Multimodal chat (message tree) and drag-and-drop captioning (issue "Multimodal chat ...").
import { z } from 'zod';
import { method } from '../define';
import { photoId } from './library';

export interface ChatAttachment {
  /** Stored copy id (data folder) or library photo id. */
  kind: 'file' | 'photo';
  id: string;
  name: string;
  /** Small preview as a data: URL for stored copies (library photos use the thumb URL). */
  thumb?: string | null;
  /** A library video: the times (ms) of the keyframes the model sees in its place, in order. */
  frames?: number[];
}

/** What the engine reported for an answer (also lets tests check that every image reached the model). */
export interface ChatStats {
  /** <image> tokens in the prompt of this answer (all images of every turn sent). */
  imageTokens: number;
  promptTokens: number;
  /** Generated tokens. */
  tokens: number;
  /** Oldest turns left out to fit the context window. */
  droppedTurns: number;
  /** Prompt tokens whose KV cache was reused from the previous turn (0 when the prefix changed). */
  cachedTokens: number;
  ms: number;
  firstTokenMs: number | null;
}

export type ChatMessageStatus = 'streaming' | 'done' | 'stopped' | 'error';

export interface ChatMessage {
  id: number;
  conversationId: number;
  parentId: number | null;
  role: 'system' | 'user' | 'assistant';
  text: string;
  attachments: ChatAttachment[];
  createdAt: string;
  /** Sibling ids (same parent, same role) for branch switching, in creation order. */
  siblingIds: number[];
  /** Assistant answers: streaming while generated, then done / stopped (partial kept) / error. */
  status: ChatMessageStatus;
  stopped?: boolean;
  error?: string | null;
  stats?: ChatStats | null;
}

export interface ConversationSettings {
  systemPrompt: string;
  maxNewTokens: number;
  temperature: number;
  imageSplitting: boolean;
  /** Name of the inference endpoint that answers (Settings ▸ Engines); null: this computer. */
  engine: string | null;
}

export interface Conversation {
  id: number;
  title: string;
  createdAt: string;
  updatedAt: string;
  settings: ConversationSettings;
  /** Leaf of the currently shown branch. */
  headId: number | null;
}

export interface ConversationView extends Conversation {
  /** Path from root to head. */
  messages: ChatMessage[];
  /** Set when older turns were dropped to fit the context. */
  truncatedNotice: string | null;
}

export type CaptionStyle = 'short' | 'detailed' | 'tags' | 'custom';

export interface CaptionItem {
  id: string;
  name: string;
  path: string;
  status: 'queued' | 'running' | 'done' | 'error' | 'cancelled';
  /** Where the file came from: a path the user gave, or a browser upload (no folder to save beside). */
  source: 'path' | 'upload';
  caption: string | null;
  tags: string[];
  error: string | null;
  ms: number | null;
}

export interface CaptionBatch {
  id: string;
  style: CaptionStyle;
  state: 'running' | 'done' | 'cancelled';
  items: CaptionItem[];
  /** Inputs that were not queued (unreadable folder, unknown upload id), with the reason. */
  rejected: { name: string; error: string }[];
}

const attachmentRef = z.union([
  z.object({ kind: z.literal('photo'), photoId }).strict(),
  z.object({ kind: z.literal('path'), path: z.string().min(1) }).strict(),
  z.object({ kind: z.literal('upload'), uploadId: z.string().min(1) }).strict(),
]);

const convSettings = z.object({
  systemPrompt: z.string().max(20_000),
  maxNewTokens: z.number().int().min(1).max(4096),
  temperature: z.number().min(0).max(2),
  imageSplitting: z.boolean(),
  engine: z.string().min(1).max(64).nullable(),
}).partial().strict();

export const chatMethods = {
  'chat.list': method<Conversation[]>()(z.object({}).strict()),
  'chat.create': method<ConversationView>()(z.object({ title: z.string().max(200).optional(), settings: convSettings.optional() }).strict()),
  'chat.get': method<ConversationView>()(z.object({ id: z.number().int().positive(), headId: z.number().int().positive().optional() }).strict()),
  'chat.rename': method<Conversation>()(z.object({ id: z.number().int().positive(), title: z.string().trim().min(1).max(200) }).strict()),
  'chat.remove': method<{ removed: boolean }>()(z.object({ id: z.number().int().positive() }).strict()),
  'chat.configure': method<Conversation>()(z.object({ id: z.number().int().positive(), settings: convSettings }).strict()),
  /** Adds a user message (as a child of parentId, default: current head) and streams the answer via events. */
  'chat.send': method<{ userMessageId: number; assistantMessageId: number }>()(z.object({
    conversationId: z.number().int().positive(),
    text: z.string().max(50_000),
    attachments: z.array(attachmentRef).max(32).default([]),
    parentId: z.number().int().positive().nullable().optional(),
  }).strict()),
  /** New assistant sibling for the same user message. */
  'chat.regenerate': method<{ assistantMessageId: number }>()(z.object({ messageId: z.number().int().positive() }).strict()),
  /** Edit-and-resend: a new user sibling of messageId. */
  'chat.edit': method<{ userMessageId: number; assistantMessageId: number }>()(z.object({
    messageId: z.number().int().positive(),
    text: z.string().max(50_000),
  }).strict()),
  'chat.stop': method<{ stopped: boolean }>()(z.object({ conversationId: z.number().int().positive() }).strict()),
  'chat.switchBranch': method<ConversationView>()(z.object({ messageId: z.number().int().positive() }).strict()),

  'caption.start': method<CaptionBatch>()(z.object({
    paths: z.array(z.string().min(1)).default([]),
    uploadIds: z.array(z.string().min(1)).default([]),
    style: z.enum(['short', 'detailed', 'tags', 'custom']).default('short'),
    prompt: z.string().max(5000).optional(),
    prefix: z.string().max(1000).default(''),
    suffix: z.string().max(1000).default(''),
    /** Inference endpoint to caption on (Settings ▸ Engines); absent: this computer. */
    engine: z.string().min(1).max(64).optional(),
  }).strict()),
  'caption.get': method<CaptionBatch>()(z.object({ batchId: z.string().min(1) }).strict()),
  'caption.cancel': method<CaptionBatch>()(z.object({ batchId: z.string().min(1) }).strict()),
  'caption.edit': method<CaptionItem>()(z.object({ batchId: z.string().min(1), itemId: z.string().min(1), caption: z.string().max(10_000) }).strict()),
  'caption.saveTxt': method<{ written: number; skipped: number; errors: { path: string; error: string }[] }>()(z.object({
    batchId: z.string().min(1), overwrite: z.boolean().default(false),
  }).strict()),
  'caption.export': method<{ text: string }>()(z.object({ batchId: z.string().min(1), format: z.enum(['csv', 'jsonl']) }).strict()),
  /** Indexes the batch's files: inside a root → indexed; outside → their folder becomes a root. */
  'caption.addToLibrary': method<{ added: number; rootsAdded: string[]; skipped: number }>()(z.object({ batchId: z.string().min(1) }).strict()),
};
