// The zod schema of a rule file (rules/<area>/<id>.yaml): the one source of truth for the format.
import { z } from 'zod';
import { LEVELS } from '../model/event.js';
import { DiagnosisIdSchema, SeveritySchema } from '../model/report.js';
import { checkRegexSafety } from './regex-safety.js';
import { CHECK_NAMES } from './checks.js';
import { describeRequires, INPUT_NAMES } from './schema-values.js';

// The input names and the helpers over `requires` and durations live in a zod-free module; they
// stay part of this module's surface.
export { describeRequires, INPUT_NAMES, parseDuration, requiredInputs } from './schema-values.js';

/** The inputs a rule can need (INPUT_NAMES). `logs` is the default; the others are etcdctl outputs. */
export const InputNameSchema = z.enum(INPUT_NAMES);
export type InputName = z.infer<typeof InputNameSchema>;

const KEBAB = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
/** Fact names: kebab-case like zap's field names, so a capture can reuse the field's name. */
const FACT_NAME = /^[a-z][a-z0-9]*(?:[-.][a-z0-9]+)*$/;
const DURATION = /^\d+(?:ms|s|m|h)$/;

/** One string or a non-empty list of strings; normalised to a list by the compiler. */
const oneOrMany = (item: z.ZodString) => z.union([item, z.array(item).min(1)]);

/** A JS regular expression source, valid and free of patterns that backtrack catastrophically. */
const RegexSource = z
  .string()
  .min(1)
  .superRefine((source, ctx) => {
    try {
      new RegExp(source);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: `invalid regular expression /${source}/: ${(err as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /, '')}` });
      return;
    }
    const unsafe = checkRegexSafety(source);
    if (unsafe) ctx.addIssue({ code: 'custom', message: `regular expression /${source}/ can backtrack catastrophically: ${unsafe}` });
  })
  .describe('JavaScript regular expression source. Named groups become facts (an underscore in a group name becomes a hyphen).');

export const FieldConditionSchema = z
  .object({
    contains: oneOrMany(z.string().min(1)).optional().describe('Substrings that must all occur in the field (as text).'),
    regex: RegexSource.optional(),
    equals: z.union([z.string(), z.number(), z.boolean()]).optional().describe('The field must equal this value.'),
    exists: z.boolean().optional().describe('The field must be present (true) or absent (false).'),
  })
  .strict()
  .refine((c) => c.contains !== undefined || c.regex !== undefined || c.equals !== undefined || c.exists !== undefined, {
    message: 'a field condition needs contains, regex, equals or exists',
  });
export type FieldCondition = z.infer<typeof FieldConditionSchema>;

export const MatcherSchema = z
  .object({
    contains: oneOrMany(z.string().min(1))
      .optional()
      .describe('Literal substrings that must all occur in the msg (or in the field named by `in`). The engine indexes rules by them.'),
    in: z.string().min(1).optional().describe('The event field `contains` is searched in; default: msg.'),
    msg: z.string().min(1).optional().describe('The exact zap msg (for capnslog lines, the text after "pkg: ").'),
    regex: RegexSource.optional(),
    fields: z.record(z.string().min(1), FieldConditionSchema).optional().describe('Conditions on the event fields, all of which must hold.'),
    level: z.array(z.enum(LEVELS)).min(1).optional().describe('The event level must be one of these.'),
    component: oneOrMany(z.string().min(1)).optional().describe('capnslog package or zap component, exactly.'),
  })
  .strict()
  .superRefine((m, ctx) => {
    if (m.contains === undefined && m.msg === undefined) {
      ctx.addIssue({ code: 'custom', message: 'a matcher needs a literal to be indexed by: contains (or an exact msg)' });
    }
    if (m.in !== undefined && m.contains === undefined) {
      ctx.addIssue({ code: 'custom', path: ['in'], message: '`in` names where `contains` is searched; give contains too' });
    }
  });
export type Matcher = z.infer<typeof MatcherSchema>;

export const ThresholdSchema = z
  .object({
    count: z.number().int().min(2).max(10_000).describe('How many matching events must fall within the window.'),
    within: z.string().regex(DURATION, 'expected a duration like 60s, 10m, 500ms or 1h').describe('The sliding window: 500ms, 60s, 10m, 1h.'),
    per: z.enum(['node', 'cluster']).default('node').describe('Count on each node apart, or across the cluster.'),
  })
  .strict();
export type Threshold = z.infer<typeof ThresholdSchema>;

export const RequiresSchema = z
  .union([
    InputNameSchema,
    z.object({ anyOf: z.array(InputNameSchema).min(1) }).strict(),
    z.object({ allOf: z.array(InputNameSchema).min(1) }).strict(),
  ])
  .default('logs')
  .describe('The input the rule reads: logs (default) or an etcdctl output; {anyOf: [...]} or {allOf: [...]} for several.');
export type Requires = z.infer<typeof RequiresSchema>;

export const ExamplesSchema = z
  .object({
    match: z.array(z.string().min(1)).min(1).describe('Real lines (or etcdctl outputs) this rule must match.'),
    nomatch: z.array(z.string().min(1)).min(1).describe('Real lines (or outputs) this rule must not match: near misses.'),
  })
  .strict();

export const RuleSchema = z
  .object({
    id: z.string().regex(KEBAB, 'expected a kebab-case id like request-cluster-id-mismatch').describe('Stable, never reused; equals the file name.'),
    title: z.string().min(1).max(120),
    severity: SeveritySchema,
    diagnosis: DiagnosisIdSchema.optional().describe('The diagnosis this rule feeds.'),
    description: z.string().min(1).describe('What it means, in an operator\'s words.'),
    references: z.array(z.url()).min(1),
    versions: z.array(z.string().regex(/^\d+\.\d+$/, 'expected a version like 3.5')).min(1).describe('etcd versions whose wording the matchers cover.'),
    requires: RequiresSchema,
    match: z.array(MatcherSchema).min(1).optional().describe('Log matchers; any one matching fires the rule.'),
    check: z.enum(CHECK_NAMES).optional().describe('A named TypeScript check over the etcdctl snapshot (src/rules/checks.ts).'),
    capture: z
      .record(z.string().regex(FACT_NAME, 'expected a kebab-case fact name'), oneOrMany(z.string().min(1)))
      .optional()
      .describe('Fact name -> event field name (or a list: the first present wins).'),
    threshold: ThresholdSchema.optional(),
    examples: ExamplesSchema,
  })
  .strict()
  .superRefine((r, ctx) => {
    const needsLogs = r.requires === 'logs';
    if (needsLogs) {
      if (r.match === undefined) ctx.addIssue({ code: 'custom', path: ['match'], message: 'a log rule needs match' });
      if (r.check !== undefined) ctx.addIssue({ code: 'custom', path: ['check'], message: 'check is for rules that require an etcdctl output, not logs' });
    } else {
      if (r.check === undefined) ctx.addIssue({ code: 'custom', path: ['check'], message: 'a rule over etcdctl output needs a named check' });
      for (const key of ['match', 'capture', 'threshold'] as const) {
        if (r[key] !== undefined) ctx.addIssue({ code: 'custom', path: [key], message: `${key} is for log rules; this rule requires ${describeRequires(r.requires)}` });
      }
    }
  });
export type Rule = z.infer<typeof RuleSchema>;
