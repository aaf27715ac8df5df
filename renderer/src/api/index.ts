// The renderer's API client: `api` (every contract method), `events`, `mediaUrl` and `uploadFiles`.
// Views never know whether the Electron preload or web mode (HTTP + WebSocket) carries them.
import type { ApiClient, EventSource } from '../../../shared/api';
import { electronTransport } from './electron-transport';
import { webTransport } from './web-transport';
import type { MediaKind, Transport, UploadResult } from './transport';
import type { PreviewCodec } from '../../../shared/video';
import { useThumbUrl as thumbUrlOf } from './thumbs';

export type { MediaKind, UploadResult } from './transport';

const transport: Transport = window.smolalbum ? electronTransport(window.smolalbum) : webTransport();

/** Typed client: `api['photos.list']({ limit: 200 })`. Inputs are validated on the other side. */
export const api = new Proxy({} as ApiClient, {
  get: (_target, name) => (typeof name === 'string' ? (input: unknown) => transport.call(name, input) : undefined),
});

export const events: EventSource = { on: (name, listener) => transport.on(name, listener) };

export const mediaUrl = (kind: MediaKind, id: number, preview?: PreviewCodec): string => transport.mediaUrl(kind, id, preview);

/** Hook: a grid tile's thumbnail URL, null while it loads (batched in web mode: ./thumbs.ts). */
export const useThumbUrl = (id: number, enabled: boolean): string | null => thumbUrlOf(transport, id, enabled);

/** Web mode: uploads files for captioning/chat; returns upload ids to pass as `uploadIds`. */
export const uploadFiles = (files: File[]): Promise<UploadResult> => transport.uploadFiles(files);

/** Which capabilities this runtime has (e.g. a native folder dialog), without naming the transport. */
export const platform = {
  isDesktop: transport.kind === 'electron',
  pickFolders: transport.pickFolders,
  pathForFile: transport.pathForFile,
  onOpenFiles: transport.onOpenFiles,
};
