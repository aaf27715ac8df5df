// The one contract: every method (name → zod input, output type) and every event (name → payload).
// Main implements `Service`; IPC, HTTP/WebSocket, preload and the renderer client are typed from here.
import type { InputOf, OutputOf, ParsedInputOf } from './define';
import { libraryMethods } from './contract/library';
import { aiMethods } from './contract/ai';
import { albumMethods } from './contract/albums';
import { exportMethods } from './contract/export';
import { ratingMethods } from './contract/ratings';
import { placeMethods } from './contract/places';
import { modelMethods, type DownloadProgress, type EngineStatus } from './contract/models';
import { chatMethods, type CaptionItem, type ChatMessage } from './contract/chat';
import { videoMethods } from './contract/videos';
import type { PreviewCodec } from './video';
import { engineMethods } from './contract/engines';
import type { AiStatus, Progress } from './types';
import type { ErrorPayload } from './errors';

export const methods = {
  ...libraryMethods,
  ...aiMethods,
  ...albumMethods,
  ...exportMethods,
  ...ratingMethods,
  ...placeMethods,
  ...modelMethods,
  ...chatMethods,
  ...videoMethods,
  ...engineMethods,
};

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export const methodNames = Object.keys(methods) as MethodName[];
export const isMethodName = (name: string): name is MethodName => Object.hasOwn(methods, name);

export type Input<K extends MethodName> = InputOf<Methods[K]>;
export type ParsedInput<K extends MethodName> = ParsedInputOf<Methods[K]>;
export type Output<K extends MethodName> = OutputOf<Methods[K]>;

/** What main implements: one object, inputs already validated. */
export type Service = { [K in MethodName]: (input: ParsedInput<K>) => Promise<Output<K>> };

/** What the renderer/preload/CLI clients call: raw inputs, validated on the other side. */
export type ApiClient = { [K in MethodName]: (input: Input<K>) => Promise<Output<K>> };

export interface Events {
  /** Indexing progress per stage. */
  'library.progress': Progress;
  /** Photos were added/changed/removed; views refetch. */
  'library.changed': { photoIds: number[] | null };
  'ai.status': AiStatus;
  'engine.status': EngineStatus;
  'models.download': DownloadProgress;
  'chat.token': { conversationId: number; messageId: number; text: string };
  'chat.done': { conversationId: number; message: ChatMessage };
  'caption.item': { batchId: string; item: CaptionItem };
  'albums.changed': { albumIds: (number | string)[] | null };
  /** Progress (0..1) of a video's playable preview being made. */
  'video.preview': { id: number; codec: PreviewCodec; progress: number };
}
export type EventName = keyof Events;
/** Every event name (shared/events.ts: a record typed by Events, so it cannot miss one). */
export { eventNames } from './events';

export type EventListener = <K extends EventName>(name: K, payload: Events[K]) => void;

/** Subscribe side of the client (renderer): returns an unsubscribe function. */
export interface EventSource {
  on<K extends EventName>(name: K, listener: (payload: Events[K]) => void): () => void;
}

/** Validation error message in one readable line: "field: problem; other: problem". */
export function formatIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  return issues.map((i) => (i.path.length ? `${i.path.map(String).join('.')}: ${i.message}` : i.message)).join('; ');
}

export type { InputOf, OutputOf };

/** The slice of the service an area implements, e.g. `HandlersFor<typeof libraryMethods>`. */
export type HandlersFor<M> = { [K in keyof M & MethodName]: Service[K] };

/**
 * What crosses IPC for a call, and what the preload hands the page: errors travel as data (their
 * payload plus the HTTP-like status of the kind), because an Error thrown across contextBridge keeps
 * only its message.
 */
export type IpcResult<T = unknown> =
  | { ok: true; value: T }
  | { ok: false; error: ErrorPayload & { status: number } };

/**
 * What the Electron preload exposes as `window.smolalbum` (built from the contract; no raw IPC).
 * The renderer's IPC transport wraps it into an ApiClient + EventSource.
 */
export interface PreloadBridge {
  /** Calls one contract method over IPC (validated in main); failures come back as data. */
  invoke<K extends MethodName>(name: K, input: Input<K>): Promise<IpcResult<Output<K>>>;
  on<K extends EventName>(name: K, listener: (payload: Events[K]) => void): () => void;
  /** Absolute path of a dropped/picked File (Electron's webUtils.getPathForFile). */
  pathForFile(file: unknown): string;
  /** Native folder picker; resolves to [] when cancelled. */
  pickFolders(): Promise<string[]>;
  /** Files dropped onto the window (routed to captioning by main). */
  onOpenFiles(listener: (paths: string[]) => void): () => void;
}
