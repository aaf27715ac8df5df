// The model store of a library context: HF_HOME/hub (or DATA/models/hub) as its own cache, HF_ENDPOINT and
// HF_TOKEN from the environment, and the user's default Hugging Face cache reused read-only when HF_HOME
// does not already point at it.
import os from 'node:os';
import path from 'node:path';
import type { AppContext } from '../service/context';
import { ModelStore, type ModelStoreOptions } from './store';

/** Where huggingface_hub keeps models by default: HF_HUB_CACHE, else ~/.cache/huggingface/hub (XDG_CACHE_HOME honoured). */
export function defaultHfHubDir(env: NodeJS.ProcessEnv): string {
  if (env.HF_HUB_CACHE) return env.HF_HUB_CACHE;
  const cache = env.XDG_CACHE_HOME ?? path.join(env.HOME ?? env.USERPROFILE ?? os.homedir(), '.cache');
  return path.join(cache, 'huggingface', 'hub');
}

export function storeForContext(ctx: Pick<AppContext, 'paths' | 'env'>, overrides: Partial<ModelStoreOptions> = {}): ModelStore {
  const env = ctx.env;
  return new ModelStore({
    hubDir: ctx.paths.hub,
    endpoint: env.HF_ENDPOINT,
    token: env.HF_TOKEN,
    readOnlyHubDirs: env.HF_HOME ? [] : [defaultHfHubDir(env)],
    ...overrides,
  });
}
