// IPC channel names shared by the preload and main/app (pure constants, no imports).
// One channel per contract method ("smolalbum:<method>"), one for every pushed event, and the few
// desktop-only calls of PreloadBridge.
export const METHOD_CHANNEL_PREFIX = 'smolalbum:call:';
export const methodChannel = (name: string): string => `${METHOD_CHANNEL_PREFIX}${name}`;
export const EVENT_CHANNEL = 'smolalbum:event';
export const PICK_FOLDERS_CHANNEL = 'smolalbum:pick-folders';
export const OPEN_FILES_CHANNEL = 'smolalbum:open-files';
/** Answers the contract's method names, so the preload need not bundle the contract (and zod). */
export const METHOD_NAMES_CHANNEL = 'smolalbum:method-names';

export type { IpcResult } from '../shared/api';
