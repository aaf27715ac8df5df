// The environment handed to the inference process: the parent's, minus variables that would turn the
// child into something else (ELECTRON_RUN_AS_NODE) or inject code or debuggers into it (NODE_OPTIONS).
const STRIPPED_ENV = new Set(['NODE_OPTIONS', 'ELECTRON_RUN_AS_NODE', 'ELECTRON_ENABLE_LOGGING', 'NODE_INSPECT_RESUME_ON_START']);

export function childEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && !STRIPPED_ENV.has(k)) out[k] = v;
  return out;
}
