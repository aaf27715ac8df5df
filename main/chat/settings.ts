// Per-conversation generation settings: defaults, merge of partial updates, tolerant parse of stored JSON.
import type { ConversationSettings } from '../../shared/contract/chat';

export const DEFAULT_CHAT_SETTINGS: ConversationSettings = {
  systemPrompt: '',
  maxNewTokens: 512,
  temperature: 0,
  imageSplitting: true,
  engine: null,
};

export function mergeSettings(base: ConversationSettings, patch: Partial<ConversationSettings> | undefined): ConversationSettings {
  const out = { ...base };
  for (const [k, v] of Object.entries(patch ?? {})) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}

/** Stored settings may predate a field: unknown or missing keys fall back to the defaults. */
export function parseSettings(json: string): ConversationSettings {
  let raw: Record<string, unknown> = {};
  try { raw = JSON.parse(json) as Record<string, unknown>; } catch { /* keep defaults */ }
  const d = DEFAULT_CHAT_SETTINGS;
  return {
    systemPrompt: typeof raw.systemPrompt === 'string' ? raw.systemPrompt : d.systemPrompt,
    maxNewTokens: typeof raw.maxNewTokens === 'number' ? raw.maxNewTokens : d.maxNewTokens,
    temperature: typeof raw.temperature === 'number' ? raw.temperature : d.temperature,
    imageSplitting: typeof raw.imageSplitting === 'boolean' ? raw.imageSplitting : d.imageSplitting,
    engine: typeof raw.engine === 'string' ? raw.engine : d.engine,
  };
}
