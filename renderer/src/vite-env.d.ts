/// <reference types="vite/client" />
import type { PreloadBridge } from '../../shared/api';

declare global {
  interface Window {
    /** Present only inside the Electron app (preload/index.ts). */
    smolalbum?: PreloadBridge;
  }
}
