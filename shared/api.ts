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
import { engineMethods } from './contract/engines';
import type { AiStatus, Progress } from './types';

export const methods = {
  ...libraryMethods,
  ...aiMethods,
  ...albumMethods,
  ...exportMethods,
  ...ratingMethods,
  ...placeMethods,
  ...modelMethods,
  ...chatMethods,
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
}
export type EventName = keyof Events;
export const eventNames: EventName[] = [
  'library.progress', 'library.changed', 'ai.status', 'engine.status', 'models.download',
  'chat.token', 'chat.done', 'caption.item', 'albums.changed',
];

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
 * What the Electron preload exposes as `window.smolalbum` (built from the contract; no raw IPC).
 * The renderer's IPC transport wraps it into an ApiClient + EventSource.
 */
export interface PreloadBridge {
  /** Calls one contract method over IPC (validated in main). */
  invoke<K extends MethodName>(name: K, input: Input<K>): Promise<Output<K>>;
  on<K extends EventName>(name: K, listener: (payload: Events[K]) => void): () => void;
  /** Absolute path of a dropped/picked File (Electron's webUtils.getPathForFile). */
  pathForFile(file: unknown): string;
  /** Native folder picker; resolves to [] when cancelled. */
  pickFolders(): Promise<string[]>;
  /** Files dropped onto the window (routed to captioning by main). */
  onOpenFiles(listener: (paths: string[]) => void): () => void;
}
