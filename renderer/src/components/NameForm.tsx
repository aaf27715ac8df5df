// A one-field inline form for names (new album, rename). window.prompt does not exist in Electron.
import { useState, type FormEvent } from 'react';
import { useT } from '../i18n';

export function NameForm({ initial = '', label, submitLabel, onSubmit, onCancel, testId }: {
  initial?: string; label: string; submitLabel: string; onSubmit(name: string): void; onCancel(): void; testId?: string;
}) {
  const t = useT();
  const [name, setName] = useState(initial);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (name.trim()) onSubmit(name.trim());
  };
  return (
    <form className="inline-form name-form" onSubmit={submit} data-testid={testId}>
      <input type="text" value={name} onChange={(e) => setName(e.target.value)} aria-label={label} placeholder={label} autoFocus
        onKeyDown={(e) => { if (e.key === 'Escape') { e.stopPropagation(); onCancel(); } }} />
      <button type="submit" className="primary" disabled={!name.trim()}>{submitLabel}</button>
      <button type="button" onClick={onCancel}>{t('albums.cancel')}</button>
    </form>
  );
}
