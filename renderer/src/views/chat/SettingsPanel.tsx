// Per-conversation settings: system prompt, max new tokens, temperature, image splitting.
import { useEffect, useState } from 'react';
import { api } from '../../api';
import type { ConversationSettings } from '../../../../shared/contract/chat';
import { useT } from '../../i18n';

export function SettingsPanel({ settings, onSave }: { settings: ConversationSettings; onSave(s: ConversationSettings): Promise<void> }) {
  const t = useT();
  const [draft, setDraft] = useState(settings);
  const [saved, setSaved] = useState(false);
  useEffect(() => setDraft(settings), [settings]);
  const [endpoints, setEndpoints] = useState<string[]>([]);
  useEffect(() => { api['engines.list']({}).then((r) => setEndpoints(r.endpoints.filter((e) => e.enabled).map((e) => e.name)), () => setEndpoints([])); }, []);
  const set = <K extends keyof ConversationSettings>(k: K, v: ConversationSettings[K]) => { setSaved(false); setDraft((d) => ({ ...d, [k]: v })); };

  return (
    <form className="chat-settings" aria-label={t('chat.settings')} onSubmit={async (e) => { e.preventDefault(); await onSave(draft); setSaved(true); }}>
      <label>{t('chat.systemPrompt')}
        <textarea rows={4} value={draft.systemPrompt} onChange={(e) => set('systemPrompt', e.target.value)} />
      </label>
      <label>{t('chat.maxNewTokens')}
        <input type="number" min={1} max={4096} value={draft.maxNewTokens} onChange={(e) => set('maxNewTokens', Math.max(1, Math.min(4096, Number(e.target.value) || 1)))} />
      </label>
      <label>{t('chat.temperature')}
        <input type="number" min={0} max={2} step={0.1} value={draft.temperature} onChange={(e) => set('temperature', Math.max(0, Math.min(2, Number(e.target.value) || 0)))} />
      </label>
      <label className="chat-check">
        <input type="checkbox" checked={draft.imageSplitting} onChange={(e) => set('imageSplitting', e.target.checked)} />
        {t('chat.imageSplitting')}
      </label>
      {endpoints.length || draft.engine ? (
        <label>{t('chat.engine')}
          <select value={draft.engine ?? ''} onChange={(e) => set('engine', e.target.value || null)} data-testid="chat-engine">
            <option value="">{t('chat.engineLocal')}</option>
            {[...new Set([...endpoints, ...(draft.engine ? [draft.engine] : [])])].map((n) => <option key={n} value={n}>{n}</option>)}
          </select>
        </label>
      ) : null}
      <button type="submit">{saved ? t('chat.saved') : t('chat.save')}</button>
    </form>
  );
}
