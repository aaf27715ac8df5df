// The sandboxed preload: exposes `window.smolalbum`, built from the contract's method and event names and
// checked against PreloadBridge with `satisfies` (Actual's preload habit). The page never gets
// ipcRenderer, events objects or anything from Node — only these functions, which accept contract
// names only and pass plain data. It imports no schemas (they would bundle zod into it): event names
// come from shared/events.ts, method names from main once, over METHOD_NAMES_CHANNEL.
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import type { EventName, Events, Input, IpcResult, MethodName, Output, PreloadBridge } from '../shared/api';
import { eventNames } from '../shared/events';
import { EVENT_CHANNEL, METHOD_NAMES_CHANNEL, OPEN_FILES_CHANNEL, PICK_FOLDERS_CHANNEL, methodChannel } from './channels';

const knownEvents: ReadonlySet<string> = new Set(eventNames);
let knownMethods: Promise<ReadonlySet<string>> | null = null;
/** The contract's method names, asked of main on the first call (an unanswered ask is retried next time). */
const methodNames = (): Promise<ReadonlySet<string>> => (knownMethods ??= ipcRenderer.invoke(METHOD_NAMES_CHANNEL)
  .then((r: IpcResult<string[]>) => new Set(r.ok ? r.value : []))
  .catch((err: unknown) => { knownMethods = null; throw err; }));
type Listener = (payload: unknown) => void;

/** One ipcRenderer listener per channel fans out to the page's listeners (no listener leaks per subscribe). */
const eventListeners = new Map<string, Set<Listener>>();
ipcRenderer.on(EVENT_CHANNEL, (_e: IpcRendererEvent, name: unknown, payload: unknown) => {
  if (typeof name !== 'string') return;
  for (const fn of eventListeners.get(name) ?? []) fn(payload);
});
const openFilesListeners = new Set<(paths: string[]) => void>();
ipcRenderer.on(OPEN_FILES_CHANNEL, (_e: IpcRendererEvent, paths: unknown) => {
  if (!Array.isArray(paths) || !paths.every((p) => typeof p === 'string')) return;
  for (const fn of openFilesListeners) fn([...paths]);
});

/** The value, or an Error with main's message (a folder dialog's failures need no kind). */
function unwrap<T>(result: IpcResult<T>): T {
  if (result.ok) return result.value;
  throw new Error(result.error.message);
}

const api = {
  async invoke<K extends MethodName>(name: K, input: Input<K>): Promise<IpcResult<Output<K>>> {
    if (typeof name !== 'string' || !(await methodNames()).has(name)) throw new Error(`Unknown method: ${String(name)}`);
    // Returned as data: the renderer's transport rebuilds the error with its kind and status.
    return (await ipcRenderer.invoke(methodChannel(name), input)) as IpcResult<Output<K>>;
  },
  on<K extends EventName>(name: K, listener: (payload: Events[K]) => void): () => void {
    if (!knownEvents.has(name)) throw new Error(`Unknown event: ${String(name)}`);
    if (typeof listener !== 'function') throw new TypeError('listener must be a function');
    let set = eventListeners.get(name);
    if (!set) eventListeners.set(name, (set = new Set()));
    const fn = listener as Listener;
    set.add(fn);
    return () => { set.delete(fn); };
  },
  pathForFile(file: unknown): string {
    // webUtils only accepts real File objects; anything else is a caller error, reported as ''.
    return file instanceof File ? webUtils.getPathForFile(file) : '';
  },
  async pickFolders(): Promise<string[]> {
    return unwrap((await ipcRenderer.invoke(PICK_FOLDERS_CHANNEL)) as IpcResult<string[]>);
  },
  onOpenFiles(listener: (paths: string[]) => void): () => void {
    if (typeof listener !== 'function') throw new TypeError('listener must be a function');
    openFilesListeners.add(listener);
    return () => { openFilesListeners.delete(listener); };
  },
} satisfies PreloadBridge;

contextBridge.exposeInMainWorld('smolalbum', api);
