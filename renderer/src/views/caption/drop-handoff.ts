// Files dropped anywhere on the window (outside a view that takes drops itself, like the chat
// composer) open #/caption and are queued there. The App calls useWindowFileDrop() once; the caption
// view takes what was dropped with takeDropped() and listens for more with onDropped().
import { useEffect } from 'react';
import { platform } from '../../api';
import { navigate } from '../../router';

export interface DroppedFiles {
  files: File[];
  /** Desktop: absolute paths (from the native drop or pathForFile). */
  paths: string[];
}

let pending: DroppedFiles | null = null;
const listeners = new Set<() => void>();

export function takeDropped(): DroppedFiles | null {
  const p = pending;
  pending = null;
  return p;
}

export function onDropped(listener: () => void): () => void {
  listeners.add(listener);
  return () => { listeners.delete(listener); };
}

export function handOff(drop: DroppedFiles): void {
  if (drop.files.length === 0 && drop.paths.length === 0) return;
  pending = drop;
  if (!window.location.hash.startsWith('#/caption')) navigate('#/caption');
  for (const l of [...listeners]) l();
}

const hasFiles = (e: DragEvent) => Boolean(e.dataTransfer?.types.includes('Files'));

export function useWindowFileDrop(): void {
  useEffect(() => {
    const over = (e: DragEvent) => { if (!e.defaultPrevented && hasFiles(e)) e.preventDefault(); };
    const drop = (e: DragEvent) => {
      if (e.defaultPrevented || !hasFiles(e) || !e.dataTransfer) return;
      e.preventDefault();
      // The caption view's own drop zone handles its drops; this catches the rest of the window.
      handOff({ files: [...e.dataTransfer.files], paths: [] });
    };
    window.addEventListener('dragover', over);
    window.addEventListener('drop', drop);
    const off = platform.onOpenFiles?.((paths) => handOff({ files: [], paths }));
    return () => { window.removeEventListener('dragover', over); window.removeEventListener('drop', drop); off?.(); };
  }, []);
}
