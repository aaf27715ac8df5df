// Smart-album rule builder: nested AND/OR groups of the conditions in shared/rules.ts, with a live
// preview count (albums.preview, debounced). Incomplete rows are left out of the rule until filled in.
import { useEffect, useMemo, useState } from 'react';
import { api } from '../api';
import { useDebounced } from '../hooks/useDebounced';
import { useI18n } from '../i18n';
import type { MessageKey } from '../i18n/en';
import { errorText } from '../format';
import { KINDS, MEDIA_TYPE_OPTIONS, emptyCondition, isDraftGroup, toRule, type DraftCondition, type DraftGroup, type Kind } from './rule-draft';

export { emptyRule, fromRule, toRule, type DraftGroup } from './rule-draft';


function ConditionRow({ c, onChange, onRemove }: { c: DraftCondition; onChange(c: DraftCondition): void; onRemove(): void }) {
  const { t } = useI18n();
  const kindLabel = (k: Kind) => t(`rule.kind.${k}` as MessageKey);
  const valueInput = () => {
    const common = { 'aria-label': `${kindLabel(c.kind)} — ${t('rule.value')}`, 'data-testid': 'rule-value' };
    switch (c.kind) {
      case 'dateRange':
        return (
          <>
            <input type="date" value={c.from} onChange={(e) => onChange({ ...c, from: e.target.value })} aria-label={t('filters.from')} />
            <input type="date" value={c.to} onChange={(e) => onChange({ ...c, to: e.target.value })} aria-label={t('filters.to')} />
          </>
        );
      case 'duration':
        return (
          <>
            <input type="number" min={0} step="any" value={c.from} onChange={(e) => onChange({ ...c, from: e.target.value })} aria-label={t('rule.minSeconds')} data-testid="rule-min-seconds" />
            <input type="number" min={0} step="any" value={c.to} onChange={(e) => onChange({ ...c, to: e.target.value })} aria-label={t('rule.maxSeconds')} data-testid="rule-max-seconds" />
          </>
        );
      case 'mediaType':
        return <select {...common} value={c.value} onChange={(e) => onChange({ ...c, value: e.target.value })}>{MEDIA_TYPE_OPTIONS.map((k) => <option key={k} value={k}>{t(`media.kind.${k}`)}</option>)}</select>;
      case 'rating':
        return <select {...common} value={c.value} onChange={(e) => onChange({ ...c, value: e.target.value })}>{[1, 2, 3, 4, 5].map((n) => <option key={n} value={n}>{t('rating.atLeast', { n })}</option>)}</select>;
      case 'hasGps': case 'favourite': case 'damaged':
        return <select {...common} value={c.value} onChange={(e) => onChange({ ...c, value: e.target.value })}><option value="true">{t('rule.yes')}</option><option value="false">{t('rule.no')}</option></select>;
      case 'orientation':
        return <select {...common} value={c.value} onChange={(e) => onChange({ ...c, value: e.target.value })}><option value="landscape">{t('rule.landscape')}</option><option value="portrait">{t('rule.portrait')}</option></select>;
      case 'status':
        return <select {...common} value={c.value} onChange={(e) => onChange({ ...c, value: e.target.value })}>{['ok', 'damaged', 'offline', 'error'].map((s) => <option key={s} value={s}>{s}</option>)}</select>;
      case 'year': case 'month':
        return <input {...common} type="number" min={c.kind === 'year' ? 1800 : 1} max={c.kind === 'year' ? 3000 : 12} value={c.value} onChange={(e) => onChange({ ...c, value: e.target.value })} />;
      default:
        if (c.kind === 'near') {
          return (
            <>
              <input type="number" min={0.1} step="any" value={c.km ?? ''} onChange={(e) => onChange({ ...c, km: e.target.value })} aria-label={t('rule.km')} data-testid="rule-km" />
              <input {...common} type="text" placeholder={t('rule.nearPlaceholder')} value={c.value} onChange={(e) => onChange({ ...c, value: e.target.value })} />
            </>
          );
        }
        return <input {...common} type="text" value={c.value} onChange={(e) => onChange({ ...c, value: e.target.value })} />;
    }
  };
  return (
    <div className="rule-condition" data-testid="rule-condition">
      <select value={c.kind} aria-label={t('rule.field')} data-testid="rule-kind" onChange={(e) => onChange(emptyCondition(e.target.value as Kind))}>
        {KINDS.map((k) => <option key={k} value={k}>{kindLabel(k)}</option>)}
      </select>
      {c.kind === 'tag' ? (
        <select value={c.op} aria-label={`${kindLabel('tag')} — op`} onChange={(e) => onChange({ ...c, op: e.target.value as 'is' | 'isNot' })}>
          <option value="is">{t('rule.op.is')}</option><option value="isNot">{t('rule.op.isNot')}</option>
        </select>
      ) : null}
      {valueInput()}
      <button type="button" className="icon-button" aria-label={t('rule.remove')} onClick={onRemove}>×</button>
    </div>
  );
}

function GroupEditor({ group, onChange, onRemove, depth }: { group: DraftGroup; onChange(g: DraftGroup): void; onRemove?(): void; depth: number }) {
  const { t } = useI18n();
  const setItem = (i: number, item: DraftGroup | DraftCondition | null) => {
    const items = group.items.slice();
    if (item) items[i] = item; else items.splice(i, 1);
    onChange({ ...group, items });
  };
  return (
    <fieldset className={`rule-group depth-${depth}`} data-testid="rule-group">
      <legend>
        {t('rule.match')}{' '}
        <select value={group.op} aria-label={t('rule.match')} data-testid="rule-op" onChange={(e) => onChange({ ...group, op: e.target.value as 'and' | 'or' })}>
          <option value="and">{t('rule.all')}</option><option value="or">{t('rule.any')}</option>
        </select>
      </legend>
      {group.items.map((it, i) => (isDraftGroup(it)
        ? <GroupEditor key={i} group={it} depth={depth + 1} onChange={(g) => setItem(i, g)} onRemove={() => setItem(i, null)} />
        : <ConditionRow key={i} c={it} onChange={(c) => setItem(i, c)} onRemove={() => setItem(i, null)} />))}
      <div className="row">
        <button type="button" onClick={() => onChange({ ...group, items: [...group.items, emptyCondition()] })} data-testid="rule-add-condition">+ {t('rule.addCondition')}</button>
        {depth < 2 ? <button type="button" onClick={() => onChange({ ...group, items: [...group.items, { op: group.op === 'and' ? 'or' : 'and', items: [emptyCondition()] }] })}>+ {t('rule.addGroup')}</button> : null}
        {onRemove ? <button type="button" onClick={onRemove}>{t('rule.removeGroup')}</button> : null}
      </div>
    </fieldset>
  );
}

/** The editor plus the live count of matching photos. */
export function RuleBuilder({ draft, onChange }: { draft: DraftGroup; onChange(d: DraftGroup): void }) {
  const { t, lang } = useI18n();
  const rule = useMemo(() => toRule(draft), [draft]);
  const debounced = useDebounced(rule, 250);
  const [preview, setPreview] = useState<{ count: number | null; capped?: boolean; error: string | null; pending: boolean }>({ count: null, error: null, pending: false });
  useEffect(() => {
    if (!debounced) { setPreview({ count: null, error: null, pending: false }); return; }
    let live = true;
    setPreview((p) => ({ ...p, pending: true }));
    api['albums.preview']({ rule: debounced }).then(
      (r) => { if (live) setPreview({ count: r.count, capped: r.countCapped, error: null, pending: false }); },
      (err: unknown) => { if (live) setPreview({ count: null, error: errorText(err), pending: false }); });
    return () => { live = false; };
  }, [debounced]);
  return (
    <div className="rule-builder" data-testid="rule-builder">
      <GroupEditor group={draft} onChange={onChange} depth={0} />
      <p className="rule-preview" role="status" aria-live="polite" data-testid="rule-preview">
        {preview.error ? <span className="error-text">{preview.error}</span>
          : preview.count !== null ? <span data-testid="rule-preview-count" data-count={preview.count}>{t('rule.preview', { count: `${preview.count.toLocaleString(lang)}${preview.capped ? '+' : ''}` })}</span>
            : preview.pending ? t('rule.previewing') : null}
      </p>
    </div>
  );
}
