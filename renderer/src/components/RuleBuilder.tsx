// Smart-album rule builder: nested AND/OR groups of the conditions in shared/rules.ts, with a live
// preview count (albums.preview, debounced). Incomplete rows are left out of the rule until filled in.
import { useEffect, useMemo, useState } from 'react';
// Types only: importing shared/rules at run time would pull zod into the first-paint bundle.
import type { RuleCondition, RuleGroup } from '../../../shared/rules';
import { api } from '../api';
import { useDebounced } from '../hooks/useDebounced';
import { useI18n } from '../i18n';
import type { MessageKey } from '../i18n/en';
import { errorText } from '../format';

type Kind = RuleCondition['kind'];
const KINDS: Kind[] = ['text', 'tag', 'dateRange', 'year', 'month', 'folder', 'camera', 'hasGps', 'orientation', 'status'];

/** Editable form of a condition: every field as text, so half-typed values are representable. */
export interface DraftCondition { kind: Kind; op: 'is' | 'isNot'; value: string; from: string; to: string }
export interface DraftGroup { op: 'and' | 'or'; items: (DraftGroup | DraftCondition)[] }
const isDraftGroup = (x: DraftGroup | DraftCondition): x is DraftGroup => 'items' in x;
const isRuleGroup = (x: RuleGroup | RuleCondition): x is RuleGroup => 'items' in x;

export const emptyCondition = (kind: Kind = 'tag'): DraftCondition => ({
  kind, op: 'is', from: '', to: '',
  value: kind === 'hasGps' ? 'true' : kind === 'orientation' ? 'landscape' : kind === 'status' ? 'ok' : '',
});
export const emptyRule = (): DraftGroup => ({ op: 'and', items: [emptyCondition()] });

/** Draft → valid rule condition, or null while incomplete. */
export function toCondition(d: DraftCondition): RuleCondition | null {
  const v = d.value.trim();
  switch (d.kind) {
    case 'text': case 'folder': case 'camera': return v ? { kind: d.kind, value: v } : null;
    case 'tag': return v ? { kind: 'tag', op: d.op, value: v } : null;
    case 'dateRange': {
      const from = /^\d{4}-\d{2}-\d{2}$/.test(d.from) ? d.from : undefined;
      const to = /^\d{4}-\d{2}-\d{2}$/.test(d.to) ? d.to : undefined;
      return from || to ? { kind: 'dateRange', ...(from ? { from } : {}), ...(to ? { to } : {}) } : null;
    }
    case 'year': { const n = Number(v); return v && Number.isInteger(n) && n >= 1800 && n <= 3000 ? { kind: 'year', value: n } : null; }
    case 'month': { const n = Number(v); return v && Number.isInteger(n) && n >= 1 && n <= 12 ? { kind: 'month', value: n } : null; }
    case 'hasGps': return { kind: 'hasGps', value: v !== 'false' };
    case 'orientation': return { kind: 'orientation', value: v === 'portrait' ? 'portrait' : 'landscape' };
    case 'status': return { kind: 'status', value: v === 'offline' || v === 'error' ? v : 'ok' };
  }
}

export function toRule(d: DraftGroup): RuleGroup | null {
  const items = d.items.flatMap((it) => {
    const r = isDraftGroup(it) ? toRule(it) : toCondition(it);
    return r ? [r] : [];
  });
  return items.length ? { op: d.op, items } : null;
}

export function fromRule(rule: RuleGroup): DraftGroup {
  return {
    op: rule.op,
    items: rule.items.map((it): DraftGroup | DraftCondition => {
      if (isRuleGroup(it)) return fromRule(it);
      const d = emptyCondition(it.kind);
      if (it.kind === 'dateRange') return { ...d, from: it.from ?? '', to: it.to ?? '' };
      if (it.kind === 'tag') return { ...d, op: it.op, value: it.value };
      return { ...d, value: String(it.value) };
    }),
  };
}

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
      case 'hasGps':
        return <select {...common} value={c.value} onChange={(e) => onChange({ ...c, value: e.target.value })}><option value="true">{t('rule.yes')}</option><option value="false">{t('rule.no')}</option></select>;
      case 'orientation':
        return <select {...common} value={c.value} onChange={(e) => onChange({ ...c, value: e.target.value })}><option value="landscape">{t('rule.landscape')}</option><option value="portrait">{t('rule.portrait')}</option></select>;
      case 'status':
        return <select {...common} value={c.value} onChange={(e) => onChange({ ...c, value: e.target.value })}>{['ok', 'offline', 'error'].map((s) => <option key={s} value={s}>{s}</option>)}</select>;
      case 'year': case 'month':
        return <input {...common} type="number" min={c.kind === 'year' ? 1800 : 1} max={c.kind === 'year' ? 3000 : 12} value={c.value} onChange={(e) => onChange({ ...c, value: e.target.value })} />;
      default:
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
  const [preview, setPreview] = useState<{ count: number | null; error: string | null; pending: boolean }>({ count: null, error: null, pending: false });
  useEffect(() => {
    if (!debounced) { setPreview({ count: null, error: null, pending: false }); return; }
    let live = true;
    setPreview((p) => ({ ...p, pending: true }));
    api['albums.preview']({ rule: debounced }).then(
      (r) => { if (live) setPreview({ count: r.count, error: null, pending: false }); },
      (err: unknown) => { if (live) setPreview({ count: null, error: errorText(err), pending: false }); });
    return () => { live = false; };
  }, [debounced]);
  return (
    <div className="rule-builder" data-testid="rule-builder">
      <GroupEditor group={draft} onChange={onChange} depth={0} />
      <p className="rule-preview" role="status" aria-live="polite" data-testid="rule-preview">
        {preview.error ? <span className="error-text">{preview.error}</span>
          : preview.count !== null ? <span data-testid="rule-preview-count" data-count={preview.count}>{t('rule.preview', { count: preview.count.toLocaleString(lang) })}</span>
            : preview.pending ? t('rule.previewing') : null}
      </p>
    </div>
  );
}
