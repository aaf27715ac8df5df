// Secrets in the desktop app are sealed with Electron safeStorage (Keychain, DPAPI, libsecret) before
// they reach DATA/secrets.json; where the OS offers no encryption the 0600 file holds them as is.
import { safeStorage } from 'electron';
import type { SecretCodec } from '../engine/secrets';

const PREFIX = 'safe:';

export function safeStorageCodec(): SecretCodec | undefined {
  if (!safeStorage?.isEncryptionAvailable?.()) return undefined;
  return {
    name: 'safeStorage',
    encode: (plain) => `${PREFIX}${safeStorage.encryptString(plain).toString('base64')}`,
    decode: (stored) => (stored.startsWith(PREFIX) ? safeStorage.decryptString(Buffer.from(stored.slice(PREFIX.length), 'base64')) : stored),
  };
}
