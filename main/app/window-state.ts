// The main window's bounds and maximized flag, remembered as JSON in userData. A bad or stale file
// (hand-edited, a monitor unplugged since) falls back to defaults instead of opening off-screen.
import { readFileSync } from 'node:fs';
import { writeFileAtomicSync } from '../media/atomic-write';
import { z } from 'zod';

export interface Rect { x: number; y: number; width: number; height: number }
export interface WindowState { bounds: Rect; maximized: boolean }

export const MIN_WIDTH = 720;
export const MIN_HEIGHT = 480;
const DEFAULT_SIZE = { width: 1280, height: 820 };

const stateSchema = z.object({
  bounds: z.object({
    x: z.number().int(), y: z.number().int(),
    width: z.number().int().min(MIN_WIDTH).max(100_000), height: z.number().int().min(MIN_HEIGHT).max(100_000),
  }),
  maximized: z.boolean(),
});

/** A default window centred in the given work area, no bigger than it. */
export function defaultState(workArea: Rect): WindowState {
  const width = Math.max(MIN_WIDTH, Math.min(DEFAULT_SIZE.width, workArea.width));
  const height = Math.max(MIN_HEIGHT, Math.min(DEFAULT_SIZE.height, workArea.height));
  return {
    bounds: {
      x: Math.round(workArea.x + (workArea.width - width) / 2),
      y: Math.round(workArea.y + (workArea.height - height) / 2),
      width, height,
    },
    maximized: false,
  };
}

function overlap(a: Rect, b: Rect): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

/**
 * The state to open with: the saved one when it parses and enough of the window (a title-bar's worth)
 * is visible on a current display; otherwise the default on the primary work area.
 */
export function restoreState(saved: unknown, workAreas: readonly Rect[], primary: Rect): WindowState {
  const parsed = stateSchema.safeParse(saved);
  if (!parsed.success) return defaultState(primary);
  const { bounds } = parsed.data;
  const titleBar: Rect = { x: bounds.x, y: bounds.y, width: bounds.width, height: 48 };
  const visible = workAreas.some((area) => overlap(titleBar, area) >= Math.min(200, bounds.width) * 24);
  return visible ? parsed.data : defaultState(primary);
}

export function readStateFile(file: string): unknown {
  try { return JSON.parse(readFileSync(file, 'utf8')); } catch { return null; }
}

/** Written atomically (temp file + rename) so a crash mid-write never leaves half a JSON file. */
export function writeStateFile(file: string, state: WindowState): void {
  writeFileAtomicSync(file, JSON.stringify(state, null, 2));
}
