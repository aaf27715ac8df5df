// Secrets (API keys of inference endpoints, the own API's key) live apart from the settings table:
// a JSON file in the data folder created with mode 0600, never read by the renderer. In the desktop
// app each value is additionally encrypted with Electron safeStorage (main/app/secret-codec.ts).
import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomicSync } from '../media/atomic-write';
import path from 'node:path';

/** Turns a secret into what is stored and back (identity outside Electron). */
export interface SecretCodec {
  /** Short name for diagnostics ("plain", "safeStorage"). */
  readonly name: string;
  encode(plain: string): string;
  decode(stored: string): string;
}

export const plainCodec: SecretCodec = { name: 'plain', encode: (s) => s, decode: (s) => s };

export interface SecretStore {
  get(name: string): string | null;
  /** Stores a value; null removes it. */
  set(name: string, value: string | null): void;
}

export function secretsFile(dataDir: string): string {
  return path.join(dataDir, 'secrets.json');
}

export function createSecretStore(file: string, codec: SecretCodec = plainCodec): SecretStore {
  const read = (): Record<string, string> => {
    if (!existsSync(file)) return {};
    try {
      const v = JSON.parse(readFileSync(file, 'utf8')) as unknown;
      return v && typeof v === 'object' ? (v as Record<string, string>) : {};
    } catch {
      return {}; // an unreadable file reads as empty; the next write replaces it
    }
  };
  return {
    get(name) {
      const stored = read()[name];
      if (typeof stored !== 'string') return null;
      try { return codec.decode(stored); } catch { return null; }
    },
    set(name, value) {
      const all = read();
      if (value === null) delete all[name];
      else all[name] = codec.encode(value);
      // A crash never leaves half a file; 0600 from the first byte.
      writeFileAtomicSync(file, `${JSON.stringify(all, null, 2)}\n`, { mode: 0o600 });
    },
  };
}
