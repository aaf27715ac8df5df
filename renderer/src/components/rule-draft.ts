// Editable drafts of smart-album rules and their conversion to/from the contract's RuleGroup.
// Pure (no React, no DOM) so it is unit-tested under Node.
// Types only: importing shared/rules at run time would pull zod into the first-paint bundle.
import type { RuleCondition, RuleGroup } from '../../../shared/rules';
import type { MediaKind } from '../../../shared/types';

/** The kinds of item, in shared/types.ts MEDIA_KINDS's order (types only here, as above). */
export const MEDIA_TYPE_OPTIONS: readonly MediaKind[] = ['photo', 'video', 'live'];

export type Kind = RuleCondition['kind'];
export const KINDS: Kind[] = ['text', 'tag', 'dateRange', 'year', 'month', 'folder', 'camera', 'hasGps', 'orientation', 'status', 'country', 'region', 'city', 'near',
  'rating', 'favourite', 'label', 'damaged', 'mediaType', 'duration'];

/** Editable form of a condition: every field as text, so half-typed values are representable. `km`: radius of `near`. */
export interface DraftCondition { kind: Kind; op: 'is' | 'isNot'; value: string; from: string; to: string; km?: string }
export interface DraftGroup { op: 'and' | 'or'; items: (DraftGroup | DraftCondition)[] }
export const isDraftGroup = (x: DraftGroup | DraftCondition): x is DraftGroup => 'items' in x;
const isRuleGroup = (x: RuleGroup | RuleCondition): x is RuleGroup => 'items' in x;

export const emptyCondition = (kind: Kind = 'tag'): DraftCondition => ({
  kind, op: 'is', from: '', to: '', km: kind === 'near' ? '10' : '',
  value: kind === 'hasGps' || kind === 'favourite' || kind === 'damaged' ? 'true' : kind === 'orientation' ? 'landscape' : kind === 'status' ? 'ok' : kind === 'rating' ? '3'
    : kind === 'mediaType' ? 'video' : '',
});
export const emptyRule = (): DraftGroup => ({ op: 'and', items: [emptyCondition()] });

/** Draft → valid rule condition, or null while incomplete. */
export function toCondition(d: DraftCondition): RuleCondition | null {
  const v = d.value.trim();
  switch (d.kind) {
    case 'text': case 'folder': case 'camera': case 'country': case 'region': case 'city': return v ? { kind: d.kind, value: v } : null;
    case 'near': {
      // A city ("Kyoto, JP") or a point ("35.01, 135.77").
      const km = Number(d.km);
      if (!v || !(km > 0)) return null;
      const point = /^(-?\d+(?:\.\d+)?)\s*[, ]\s*(-?\d+(?:\.\d+)?)$/.exec(v);
      if (!point) return { kind: 'near', city: v, km };
      const lat = Number(point[1]);
      const lon = Number(point[2]);
      return Math.abs(lat) <= 90 && Math.abs(lon) <= 180 ? { kind: 'near', lat, lon, km } : null;
    }
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
    case 'status': return { kind: 'status', value: v === 'offline' || v === 'error' || v === 'damaged' ? v : 'ok' };
    case 'rating': { const n = Number(v); return v && Number.isInteger(n) && n >= 0 && n <= 5 ? { kind: 'rating', value: n } : null; }
    case 'favourite': case 'damaged': return { kind: d.kind, value: v !== 'false' };
    case 'label': return v ? { kind: 'label', value: v } : null;
    case 'mediaType': return { kind: 'mediaType', value: v === 'photo' || v === 'live' ? v : 'video' };
    case 'duration': {
      // Seconds, in `from` (at least) and `to` (at most).
      const seconds = (s: string) => (s.trim() !== '' && Number(s) >= 0 ? Number(s) : undefined);
      const min = seconds(d.from);
      const max = seconds(d.to);
      if (min === undefined && max === undefined) return null;
      if (min !== undefined && max !== undefined && min > max) return null;
      return { kind: 'duration', ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}) };
    }
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
      if (it.kind === 'near') return { ...d, km: String(it.km), value: it.city ?? `${it.lat}, ${it.lon}` };
      if (it.kind === 'duration') return { ...d, from: it.min !== undefined ? String(it.min) : '', to: it.max !== undefined ? String(it.max) : '' };
      return { ...d, value: String(it.value) };
    }),
  };
}
