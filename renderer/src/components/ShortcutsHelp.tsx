// The `?` overlay listing keyboard shortcuts.
import { useEffect, useRef } from 'react';
import { useT } from '../i18n';
import type { MessageKey } from '../i18n/en';

const SHORTCUTS: [string, MessageKey][] = [
  ['/', 'shortcuts.search'],
  ['?', 'shortcuts.help'],
  ['← ↑ → ↓', 'shortcuts.move'],
  ['Enter', 'shortcuts.openPhoto'],
  ['Space', 'shortcuts.select'],
  ['Ctrl/⌘ A', 'shortcuts.selectAll'],
  ['Esc', 'shortcuts.escape'],
  ['← →', 'shortcuts.prevNext'],
  ['g l', 'shortcuts.goLibrary'],
  ['g a', 'shortcuts.goAlbums'],
  ['g p', 'shortcuts.goPlaces'],
  ['g m', 'shortcuts.goMap'],
  ['g c', 'shortcuts.goChat'],
  ['g s', 'shortcuts.goSettings'],
];

export function ShortcutsHelp({ onClose }: { onClose(): void }) {
  const t = useT();
  const closeRef = useRef<HTMLButtonElement>(null);
  useEffect(() => { closeRef.current?.focus(); }, []);
  return (
    <div className="overlay" role="presentation" onClick={onClose}>
      <div className="dialog" role="dialog" aria-modal="true" aria-labelledby="shortcuts-title" data-testid="shortcuts-help"
        onClick={(e) => e.stopPropagation()} onKeyDown={(e) => { if (e.key === 'Escape') { e.stopPropagation(); onClose(); } }}>
        <h2 id="shortcuts-title">{t('shortcuts.title')}</h2>
        <table className="shortcuts">
          <tbody>
            {SHORTCUTS.map(([keys, label]) => (
              <tr key={label}><td><kbd>{keys}</kbd></td><td>{t(label)}</td></tr>
            ))}
          </tbody>
        </table>
        <button ref={closeRef} type="button" onClick={onClose}>{t('shortcuts.close')}</button>
      </div>
    </div>
  );
}
