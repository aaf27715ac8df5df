// Model store, engine settings and app settings handlers (contract: shared/contract/models.ts).
import { statSync } from 'node:fs';
import type { HandlersFor } from '../../shared/api';
import type { modelMethods, ModelInfo } from '../../shared/contract/models';
import { AppError } from '../../shared/errors';
import type { AppContext } from '../service/context';
import { describeAvailable, sessionDtypes } from './dtypes';
import { storeForContext } from './context-store';
import { engineSettings, getSettings, setSetting, SETTING_KEYS } from './settings';
import type { StoredModel } from './store';
import { aiWorker } from '../ai/worker';

export function toModelInfo(m: StoredModel, downloading = false): ModelInfo {
  return {
    repo: m.repo, revision: m.revision, dtype: describeAvailable(m.dtypes), path: m.path,
    state: downloading ? 'downloading' : m.complete ? 'ready' : 'partial', bytes: m.bytes,
  };
}

const isFolder = (p: string) => {
  try { return statSync(p).isDirectory(); } catch { return false; }
};


export function modelHandlers(ctx: AppContext): HandlersFor<typeof modelMethods> {
  const store = storeForContext(ctx);
  /** Pulls running in this process, by repo: shown as 'downloading', aborted when the context closes. */
  const pulling = new Map<string, AbortController>();
  ctx.onClose(() => { for (const c of pulling.values()) c.abort(new Error('The library was closed during the download')); });

  return {
    'models.list': async () => store.list().map((m) => toModelInfo(m, pulling.has(m.repo))),

    'models.pull': async ({ repo, revision, dtype }) => {
      if (pulling.has(repo)) throw new AppError('conflict', `${repo} is already being downloaded`);
      // 'auto' means the files the engine will load with the configured device and dtype.
      const engine = engineSettings(ctx.db);
      const dtypes = sessionDtypes(engine.device, dtype === 'auto' ? engine.dtype : dtype);
      const abort = new AbortController();
      pulling.set(repo, abort);
      try {
        const model = await store.pull(repo, {
          revision, dtypes, signal: abort.signal,
          onProgress: (p) => ctx.events.emit('models.download', p),
        });
        return toModelInfo(model);
      } finally {
        pulling.delete(repo);
      }
    },

    'models.import': async ({ dir }) => toModelInfo(await store.importFolder(dir, {
      onProgress: (p) => ctx.events.emit('models.download', p),
    })),

    'models.cancel': async ({ repo }) => {
      const running = pulling.get(repo);
      running?.abort();
      return { cancelled: Boolean(running) };
    },

    'models.remove': async ({ repo }) => {
      if (pulling.has(repo)) throw new AppError('conflict', `${repo} is being downloaded; wait for it or cancel it first`);
      return { removed: store.remove(repo) };
    },

    'engine.status': async () => ctx.engine().status(),

    'engine.configure': async (input) => {
      // A folder is handed to the engine as is (it reports the folder's own problems).
      if (input.model !== undefined && !isFolder(input.model) && !store.resolveLocal(input.model)) {
        throw new AppError('not_found', `Model ${input.model} is not available locally: pull it (models pull) or import its folder first`);
      }
      const status = await ctx.engine().configure(input);
      // Persisted only once the engine accepted it, so a bad choice never sticks across restarts.
      ctx.db.transaction(() => {
        if (input.model !== undefined) setSetting(ctx.db, SETTING_KEYS.model, input.model);
        if (input.device !== undefined) setSetting(ctx.db, SETTING_KEYS.device, input.device);
        if (input.dtype !== undefined) setSetting(ctx.db, SETTING_KEYS.dtype, input.dtype);
      })();
      aiWorker(ctx).engineChanged();
      return status;
    },

    // dataDir is read-only information for Settings (where the library lives), not a stored key.
    'settings.get': async () => ({ ...getSettings(ctx.db), dataDir: ctx.paths.root }),

    'settings.set': async ({ key, value }) => {
      if (key === 'dataDir') throw new AppError('input', 'dataDir is chosen when SmolAlbum starts (--data-dir or SMOLALBUM_DATA_DIR), not a setting');
      setSetting(ctx.db, key, value);
      return { ...getSettings(ctx.db), dataDir: ctx.paths.root };
    },
  };
}
