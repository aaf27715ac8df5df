// Desktop transport: the preload's `window.smolalbum` (IPC validated in main) and the
// smolalbum:// protocol for images.
import type { MethodName, PreloadBridge } from '../../../shared/api';
import { ApiError, type Transport } from './transport';

export function electronTransport(bridge: PreloadBridge): Transport {
  return {
    kind: 'electron',
    async call(name, input) {
      try {
        return await bridge.invoke(name as MethodName, input as never);
      } catch (err) {
        // Electron prefixes remote errors with "Error invoking remote method '…': Error: ".
        const message = err instanceof Error ? err.message.replace(/^Error invoking remote method '[^']*': (\w*Error: )?/, '') : String(err);
        throw new ApiError(message, /^Invalid input/.test(message) ? 400 : 500);
      }
    },
    on: (name, listener) => bridge.on(name, listener),
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
