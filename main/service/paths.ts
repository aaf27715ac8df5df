// Where a library keeps its files. Everything lives under one data folder (never inside app.asar).
import os from 'node:os';
import path from 'node:path';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { APP_NAME } from '../../shared/constants';
import { NO_MEDIA_MARKER } from '../media/walk';

export interface DataPaths {
  root: string;
  db: string;
  thumbs: string;
  attachments: string;
  uploads: string;
  logs: string;
  /** Hugging Face style cache root: HF_HOME/hub, or DATA/models/hub. */
  hub: string;
}

/** The per-OS app-data folder of SmolAlbum, unless SMOLALBUM_DATA_DIR says otherwise. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.SMOLALBUM_DATA_DIR) return path.resolve(env.SMOLALBUM_DATA_DIR);
  const home = os.homedir();
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), APP_NAME);
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', APP_NAME);
  return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), APP_NAME);
}

export function dataPaths(root: string, env: NodeJS.ProcessEnv = process.env): DataPaths {
  const p: DataPaths = {
    root,
    db: path.join(root, 'library.sqlite'),
    thumbs: path.join(root, 'thumbs'),
    attachments: path.join(root, 'attachments'),
    uploads: path.join(root, 'uploads'),
    logs: path.join(root, 'logs'),
    hub: env.HF_HOME ? path.join(env.HF_HOME, 'hub') : path.join(root, 'models', 'hub'),
  };
  for (const dir of [p.root, p.thumbs, p.attachments, p.uploads, p.logs]) mkdirSync(dir, { recursive: true });
  // Marks the data folder as no photos of a library (see NO_MEDIA_MARKER), should it sit inside one.
  const marker = path.join(root, NO_MEDIA_MARKER);
  if (!existsSync(marker)) writeFileSync(marker, '');
  return p;
}
