// App settings: one row per key in `settings(key, value_json)`. Keys the app itself reads are validated;
// view preferences live under `ui.` and are stored as given, within size and nesting limits; any other
// key is refused (a typo, or `__proto__`, must not become a stored setting).
import type { Db } from '../db/connection';
import { DEFAULT_MODEL } from '../../shared/constants';
import { DEVICES, DTYPES, type Device, type Dtype } from '../../shared/contract/models';
import type { EngineConfig } from '../engine/client';
import { AppError } from '../../shared/errors';
import { KEYFRAMES_KEY, MAX_KEYFRAMES } from '../media/video/frames';

export const SETTING_KEYS = { model: 'engine.model', device: 'engine.device', dtype: 'engine.dtype' } as const;

const MAX_VALUE_CHARS = 64 * 1024;
/** Nesting of a stored value; checked without recursion before JSON.stringify (which recurses). */
const MAX_VALUE_DEPTH = 32;
const UI_KEY = /^ui\.[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

/** Whether `value` nests arrays/objects deeper than `max` levels (iterative: any depth is safe). */
function nestsDeeperThan(value: unknown, max: number): boolean {
  const stack: { v: unknown; depth: number }[] = [{ v: value, depth: 0 }];
  while (stack.length) {
    const { v, depth } = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth >= max) return true;
    for (const child of Object.values(v)) stack.push({ v: child, depth: depth + 1 });
  }
  return false;
}

const validators: Readonly<Record<string, (v: unknown) => string | null>> = {
  [SETTING_KEYS.model]: (v) => (typeof v === 'string' && v.length > 0 && v.length <= 1000 ? null : 'must be a model id or folder'),
  [SETTING_KEYS.device]: (v) => ((DEVICES as readonly unknown[]).includes(v) ? null : `must be one of ${DEVICES.join(', ')}`),
  [SETTING_KEYS.dtype]: (v) => ((DTYPES as readonly unknown[]).includes(v) ? null : `must be one of ${DTYPES.join(', ')}`),
  // Whether the local engine takes jobs when every remote endpoint is cooling down (main/engine/endpoints.ts).
  'engines.localFallback': (v) => (typeof v === 'boolean' ? null : 'must be true or false'),
  // Frames per video caption (main/ai/video-frames.ts).
  [KEYFRAMES_KEY]: (v) => (Number.isInteger(v) && (v as number) >= 1 && (v as number) <= MAX_KEYFRAMES ? null : `must be a whole number from 1 to ${MAX_KEYFRAMES}`),
};

export function getSettings(db: Db): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const row of db.prepare('SELECT key, value_json FROM settings ORDER BY key').all() as { key: string; value_json: string }[]) {
    try { out[row.key] = JSON.parse(row.value_json); } catch { /* an unreadable value reads as unset */ }
  }
  return out;
}

/**
 * Stores a value a caller asked for (`settings.set`; null or undefined removes the key). Only keys the
 * app reads (validated) and view preferences (ui.*) are accepted; throws a readable error otherwise.
 */
export function setSetting(db: Db, key: string, value: unknown): void {
  if (!Object.hasOwn(validators, key) && !UI_KEY.test(key)) {
    throw new AppError('input', `Unknown setting "${key}": settings are ${Object.keys(validators).join(', ')} or view preferences named ui.*`);
  }
  storeSetting(db, key, value);
}

/**
 * Stores a value under a key owned by an area of the app that validated it itself (e.g. the engine
 * endpoints list in main/engine/endpoints.ts). Size and nesting limits still hold.
 */
export function storeSetting(db: Db, key: string, value: unknown): void {
  if (value === undefined || value === null) {
    db.prepare('DELETE FROM settings WHERE key = ?').run(key);
    return;
  }
  if (nestsDeeperThan(value, MAX_VALUE_DEPTH)) throw new AppError('input', `Setting ${key} nests deeper than ${MAX_VALUE_DEPTH} levels`);
  const problem = validators[key]?.(value);
  if (problem) throw new AppError('input', `Setting ${key} ${problem} (got ${JSON.stringify(value).slice(0, 80)})`);
  let json: string | undefined;
  try { json = JSON.stringify(value); } catch { json = undefined; }
  if (json === undefined) throw new AppError('input', `Setting ${key} must be a JSON value`);
  if (json.length > MAX_VALUE_CHARS) throw new AppError('input', `Setting ${key} is too large (${json.length} characters; at most ${MAX_VALUE_CHARS})`);
  db.prepare('INSERT INTO settings (key, value_json) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value_json = excluded.value_json').run(key, json);
}

/** The engine configuration the user chose (defaults: the default model, device and dtype auto). */
export function engineSettings(db: Db): EngineConfig {
  const s = getSettings(db);
  const ok = (key: string) => validators[key]?.(s[key]) === null;
  return {
    model: ok(SETTING_KEYS.model) ? (s[SETTING_KEYS.model] as string) : DEFAULT_MODEL,
    device: ok(SETTING_KEYS.device) ? (s[SETTING_KEYS.device] as Device) : 'auto',
    dtype: ok(SETTING_KEYS.dtype) ? (s[SETTING_KEYS.dtype] as Dtype) : 'auto',
  };
}
