// Shared set-up for library tests: a temp folder with a data dir, a context and its service.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createContext, type AppContext } from '../../main/service/context';
import { createService } from '../../main/service/index';
import type { Service } from '../../shared/api';
import type { PhotoStatus } from '../../shared/types';

export interface TestLibrary {
  tmp: string;
  ctx: AppContext;
  service: Service;
  close(): Promise<void>;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(os.tmpdir(), `smolalbum-${prefix}-`));
}

export function openLibrary(tmp: string, dataDir = path.join(tmp, 'data')): TestLibrary {
  const ctx = createContext({ dataDir });
  const service = createService(ctx);
  return { tmp, ctx, service, close: () => ctx.close() };
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export interface PhotoRow {
  id: number;
  root_id: number;
  rel_path: string;
  status: PhotoStatus;
  error: string | null;
  content_hash: string | null;
  updated_at: string;
  phash: string | null;
}

export const photoRows = (ctx: AppContext): PhotoRow[] =>
  ctx.db.prepare('SELECT id, root_id, rel_path, status, error, content_hash, updated_at, phash FROM photos ORDER BY rel_path').all() as PhotoRow[];

export const byRel = (ctx: AppContext, rel: string): PhotoRow | undefined => photoRows(ctx).find((r) => r.rel_path === rel);

/** Polls until `check` returns a value (not undefined/false) or the time is up. */
export async function waitFor<T>(check: () => T | undefined | false, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
