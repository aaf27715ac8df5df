// What a transport provides. The rest of the renderer only sees `api`, `events` and the helpers in ./index.
import type { EventName, Events } from '../../../shared/api';

import type { PreviewCodec } from '../../../shared/video';

/** `media`: a video's clip for the player (its cached preview with `preview`). */
export type MediaKind = 'thumb' | 'preview' | 'photo' | 'media';

export interface UploadResult {
  uploadIds: string[];
  errors: { name: string; error: string }[];
}

export interface Transport {
  readonly kind: 'electron' | 'web';
  call(name: string, input: unknown): Promise<unknown>;
  on<K extends EventName>(name: K, listener: (payload: Events[K]) => void): () => void;
  mediaUrl(kind: MediaKind, id: number, preview?: PreviewCodec): string;
  /** Many grid thumbnails in one request, as URLs an <img> shows (web mode: each HTTP request costs the
   *  browser CPU); the ids without one are missing from the map. Null where per-id `mediaUrl('thumb', …)`
   *  is as cheap. */
  thumbBatch: ((ids: number[]) => Promise<Map<number, string>>) | null;
  uploadFiles(files: File[]): Promise<UploadResult>;
  /** Native folder picker (desktop only). */
  pickFolders: (() => Promise<string[]>) | null;
  /** Absolute path of a picked/dropped file (desktop only). */
  pathForFile: ((file: File) => string) | null;
  /** Files dropped onto the desktop window (desktop only). */
  onOpenFiles: ((listener: (paths: string[]) => void) => () => void) | null;
}

/** Listener registry shared by both transports. */
export class Listeners {
  private readonly map = new Map<string, Set<(payload: unknown) => void>>();

  add(name: string, listener: (payload: unknown) => void): () => void {
    let set = this.map.get(name);
    if (!set) this.map.set(name, (set = new Set()));
    set.add(listener);
    return () => { set.delete(listener); };
  }

  emit(name: string, payload: unknown): void {
    for (const listener of [...(this.map.get(name) ?? [])]) {
      try { listener(payload); } catch (err) { console.warn(`listener of ${name} failed`, err); }
    }
  }
}
