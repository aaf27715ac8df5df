// The list of OpenAI-compatible inference endpoints, in the one settings store (`engines.endpoints`,
// without keys) plus the secret store (each endpoint's API key). Nothing here ever returns a key
// to a caller that could show it: EndpointInfo only says whether one is set.
import type { Db } from '../db/connection';
import { getSettings, storeSetting } from '../models/settings';
import { AppError } from '../../shared/errors';
import type { EndpointInfo, ImageFormat } from '../../shared/contract/engines';
import type { SecretStore } from './secrets';

export const ENDPOINTS_KEY = 'engines.endpoints';
export const LOCAL_FALLBACK_KEY = 'engines.localFallback';

/** An endpoint as stored: the contract's shape (shared/contract/engines.ts) without the key flag. */
export type EndpointConfig = Omit<EndpointInfo, 'hasKey'>;

const DEFAULTS = { model: null, concurrency: 4, enabled: true, imageFormat: 'png' as ImageFormat, jpegQuality: 90, timeoutMs: 120_000 };

export const keyName = (endpoint: string): string => `endpoint:${endpoint}`;

/** Normalises a user's URL: http(s) only, trailing slashes dropped, /v1 appended when no path is given. */
export function normaliseBaseUrl(raw: string): string {
  let u: URL;
  try { u = new URL(raw.trim()); } catch { throw new AppError('input', `Not a URL: ${raw}`); }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new AppError('input', `Endpoint URLs must be http:// or https:// (got ${u.protocol})`);
  if (u.username || u.password) throw new AppError('input', 'Put the API key in --api-key-env, not in the URL');
  u.search = '';
  u.hash = '';
  let p = u.pathname.replace(/\/+$/, '');
  if (p === '') p = '/v1';
  return `${u.origin}${p}`;
}

/** host[:port] of a URL, the default name of an endpoint. */
export function defaultEndpointName(baseUrl: string): string {
  return new URL(baseUrl).host;
}

function valid(e: unknown): e is EndpointConfig {
  const x = e as Partial<EndpointConfig> | null;
  return Boolean(x && typeof x.name === 'string' && typeof x.baseUrl === 'string');
}

export function listEndpoints(db: Db): EndpointConfig[] {
  const raw = getSettings(db)[ENDPOINTS_KEY];
  return Array.isArray(raw) ? raw.filter(valid).map((e) => ({ ...DEFAULTS, ...e })) : [];
}

function save(db: Db, list: EndpointConfig[]): void {
  storeSetting(db, ENDPOINTS_KEY, list);
}

export function localFallback(db: Db): boolean {
  return getSettings(db)[LOCAL_FALLBACK_KEY] !== false;
}

export interface EndpointInput {
  url: string;
  name?: string;
  model?: string | null;
  concurrency?: number;
  enabled?: boolean;
  imageFormat?: ImageFormat;
  jpegQuality?: number;
  timeoutMs?: number;
  /** undefined: keep; null: remove; string: set. */
  apiKey?: string | null;
}

export function addEndpoint(db: Db, secrets: SecretStore, input: EndpointInput): EndpointConfig {
  const baseUrl = normaliseBaseUrl(input.url);
  const name = (input.name ?? defaultEndpointName(baseUrl)).trim();
  if (!/^[\w.:@-]{1,64}$/.test(name)) throw new AppError('input', `Endpoint names are 1–64 letters, digits and . : @ _ - (got "${name}")`);
  if (name === 'local') throw new AppError('input', '"local" is the name of the built-in engine');
  const list = listEndpoints(db);
  if (list.some((e) => e.name === name)) throw new AppError('conflict', `An endpoint named ${name} exists already (remove it first, or pick another name)`);
  const e: EndpointConfig = { ...DEFAULTS, name, baseUrl };
  applyPatch(e, input);
  if (input.apiKey) secrets.set(keyName(name), input.apiKey);
  save(db, [...list, e]);
  return e;
}

function applyPatch(e: EndpointConfig, p: Omit<EndpointInput, 'url' | 'name'> & { url?: string }): void {
  if (p.url !== undefined) e.baseUrl = normaliseBaseUrl(p.url);
  if (p.model !== undefined) e.model = p.model?.trim() || null;
  if (p.concurrency !== undefined) {
    if (!Number.isInteger(p.concurrency) || p.concurrency < 1 || p.concurrency > 64) throw new AppError('input', 'Concurrency must be a whole number from 1 to 64');
    e.concurrency = p.concurrency;
  }
  if (p.enabled !== undefined) e.enabled = p.enabled;
  if (p.imageFormat !== undefined) e.imageFormat = p.imageFormat;
  if (p.jpegQuality !== undefined) {
    if (!Number.isInteger(p.jpegQuality) || p.jpegQuality < 1 || p.jpegQuality > 100) throw new AppError('input', 'JPEG quality must be from 1 to 100');
    e.jpegQuality = p.jpegQuality;
  }
  if (p.timeoutMs !== undefined) {
    if (!Number.isFinite(p.timeoutMs) || p.timeoutMs < 100) throw new AppError('input', 'The timeout must be at least 100 ms');
    e.timeoutMs = p.timeoutMs;
  }
}

export function updateEndpoint(db: Db, secrets: SecretStore, name: string, patch: Omit<EndpointInput, 'url' | 'name'> & { url?: string }): EndpointConfig {
  const list = listEndpoints(db);
  const e = list.find((x) => x.name === name);
  if (!e) throw new AppError('not_found', `No endpoint named ${name}`);
  applyPatch(e, patch);
  if (patch.apiKey !== undefined) secrets.set(keyName(name), patch.apiKey);
  save(db, list);
  return e;
}

export function removeEndpoint(db: Db, secrets: SecretStore, name: string): void {
  const list = listEndpoints(db);
  if (!list.some((e) => e.name === name)) throw new AppError('not_found', `No endpoint named ${name}`);
  save(db, list.filter((e) => e.name !== name));
  secrets.set(keyName(name), null);
}

export function findEndpoint(db: Db, name: string): EndpointConfig {
  const e = listEndpoints(db).find((x) => x.name === name);
  if (!e) throw new AppError('not_found', `No endpoint named ${name}`);
  return e;
}

/** What may be shown (renderer, CLI, logs): never the key. */
export function endpointInfo(e: EndpointConfig, secrets: SecretStore): EndpointInfo {
  return { ...e, hasKey: secrets.get(keyName(e.name)) !== null };
}
