// Smart-album rules: AND/OR groups of conditions, validated here and compiled to SQL in main/albums.
import { z } from 'zod';
import { isoDate } from './contract/library';
import { MEDIA_KINDS } from './types';

export const ruleCondition = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('text'), value: z.string().min(1) }).strict(),
  z.object({ kind: z.literal('tag'), op: z.enum(['is', 'isNot']), value: z.string().min(1) }).strict(),
  z.object({ kind: z.literal('dateRange'), from: isoDate.optional(), to: isoDate.optional() }).strict()
    .refine((c) => c.from !== undefined || c.to !== undefined, 'dateRange needs from or to'),
  z.object({ kind: z.literal('year'), value: z.number().int().min(1800).max(3000) }).strict(),
  z.object({ kind: z.literal('month'), value: z.number().int().min(1).max(12) }).strict(),
  z.object({ kind: z.literal('folder'), value: z.string().min(1) }).strict(),
  z.object({ kind: z.literal('camera'), value: z.string().min(1) }).strict(),
  z.object({ kind: z.literal('hasGps'), value: z.boolean() }).strict(),
  z.object({ kind: z.literal('orientation'), value: z.enum(['landscape', 'portrait']) }).strict(),
  z.object({ kind: z.literal('status'), value: z.enum(['ok', 'offline', 'error', 'damaged']) }).strict(),
  // Ratings and favourites (issue 10): at least `value` stars; favourite or not; label; damaged files.
  z.object({ kind: z.literal('rating'), value: z.number().int().min(0).max(5) }).strict(),
  z.object({ kind: z.literal('favourite'), value: z.boolean() }).strict(),
  z.object({ kind: z.literal('label'), value: z.string().min(1) }).strict(),
  z.object({ kind: z.literal('damaged'), value: z.boolean() }).strict(),
  // Videos (issue 12): what an item is; a clip's length in seconds (inclusive; stills never match).
  z.object({ kind: z.literal('mediaType'), value: z.enum(MEDIA_KINDS) }).strict(),
  z.object({ kind: z.literal('duration'), min: z.number().min(0).optional(), max: z.number().min(0).optional() }).strict()
    .refine((c) => c.min !== undefined || c.max !== undefined, 'duration needs min or max')
    .refine((c) => c.min === undefined || c.max === undefined || c.min <= c.max, 'duration: min is above max'),
  // Places (issue 11): a country by code or name (English/Chinese), a region or city by name, or
  // within `km` of a point or of a city ("Kyoto, JP").
  z.object({ kind: z.literal('country'), value: z.string().trim().min(1) }).strict(),
  z.object({ kind: z.literal('region'), value: z.string().trim().min(1) }).strict(),
  z.object({ kind: z.literal('city'), value: z.string().trim().min(1) }).strict(),
  z.object({
    kind: z.literal('near'),
    km: z.number().positive().max(20_000),
    lat: z.number().min(-90).max(90).optional(),
    lon: z.number().min(-180).max(180).optional(),
    city: z.string().trim().min(1).optional(),
  }).strict().refine((c) => (c.city !== undefined) !== (c.lat !== undefined && c.lon !== undefined)
    && (c.lat === undefined) === (c.lon === undefined), 'near needs either lat and lon, or city'),
]);
export type RuleCondition = z.infer<typeof ruleCondition>;

export interface RuleGroup {
  op: 'and' | 'or';
  items: (RuleGroup | RuleCondition)[];
}

/**
 * Bounds of a rule. Depth and size are checked before the schema runs, without recursion, so a rule
 * nested thousands of levels deep is refused with its limit named instead of overflowing the stack;
 * the condition count keeps the compiled SQL far below SQLite's expression-depth limit (1000).
 */
export const RULE_LIMITS = { depth: 16, itemsPerGroup: 100, conditions: 200 } as const;

const hasItems = (v: unknown): v is { items: unknown } => typeof v === 'object' && v !== null && 'items' in v;

/** Which limit of RULE_LIMITS untrusted rule JSON breaks, or null (its shape is then left to the schema). */
export function ruleLimitProblem(value: unknown): string | null {
  const stack: { group: unknown; depth: number }[] = [{ group: value, depth: 1 }];
  let conditions = 0;
  while (stack.length) {
    const { group, depth } = stack.pop()!;
    if (!hasItems(group) || !Array.isArray(group.items)) continue;
    if (depth > RULE_LIMITS.depth) return `groups nest deeper than ${RULE_LIMITS.depth} levels`;
    if (group.items.length > RULE_LIMITS.itemsPerGroup) return `a group holds more than ${RULE_LIMITS.itemsPerGroup} conditions`;
    for (const item of group.items) {
      if (hasItems(item)) stack.push({ group: item, depth: depth + 1 });
      else if (++conditions > RULE_LIMITS.conditions) return `a rule holds more than ${RULE_LIMITS.conditions} conditions`;
    }
  }
  return null;
}

const groupSchema: z.ZodType<RuleGroup> = z.lazy(() =>
  z.object({
    op: z.enum(['and', 'or']),
    items: z.array(z.union([groupSchema, ruleCondition])).min(1, 'a rule group needs at least one condition'),
  }).strict(),
);

export const ruleGroup: z.ZodType<RuleGroup> = z.unknown().superRefine((value, ctx) => {
  const problem = ruleLimitProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem, abort: true });
}).pipe(groupSchema);

export const isRuleGroup = (x: RuleGroup | RuleCondition): x is RuleGroup => 'op' in x && 'items' in x;
