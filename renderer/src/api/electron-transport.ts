// Desktop transport: the preload's `window.smolalbum` (IPC validated in main) and the
// smolalbum:// protocol for images.
import type { MethodName, PreloadBridge } from '../../../shared/api';
import { AppError } from '../../../shared/errors';
import type { Transport } from './transport';

export function electronTransport(bridge: PreloadBridge): Transport {
  return {
    kind: 'electron',
    async call(name, input) {
      const result = await bridge.invoke(name as MethodName, input as never);
      if (result.ok) return result.value;
      throw new AppError(result.error.kind, result.error.message, { retryAfterS: result.error.retryAfterS });
    },
    on: (name, listener) => bridge.on(name, listener),
    thumbBatch: null,
    mediaUrl: (kind, id, preview) => `smolalbum://${kind}/${id}${preview ? `?preview=${preview}` : ''}`,
    async uploadFiles(files) {
      // The desktop app reads dropped files in place (pathForFile); nothing is uploaded.
      return { uploadIds: [], errors: files.map((f) => ({ name: f.name, error: 'Uploads are only used in web mode; use pathForFile()' })) };
    },
    pickFolders: () => bridge.pickFolders(),
    pathForFile: (file) => bridge.pathForFile(file),
    onOpenFiles: (listener) => bridge.onOpenFiles(listener),
  };
}
