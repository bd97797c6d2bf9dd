// Turns validated rules into compiled matchers: regexes built once, lists normalised, the literal
// each matcher is indexed by chosen. Pure: no I/O.
import type { Level } from '../model/event.js';
import type { DiagnosisId, Severity } from '../model/report.js';
import { CHECKS, type CheckName, type SnapshotCheck } from './checks.js';
import type { InputName, Rule } from './schema.js';
import { parseDuration, requiredInputs } from './schema-values.js';
import { setFlagsFromString } from 'node:v8';

// checkRegexSafety rejects nested quantifiers, but not every polynomial blow-up: `.*.*.*=` or
// `a*a*a*b` pass it and take minutes on one 8 KiB line a log writer crafted. V8 can switch a
// regex to its linear-time engine once it backtracks too much, which bounds every rule regex
// without lookarounds or backreferences (those the linear engine cannot run).
setFlagsFromString('--enable-experimental-regexp-engine-on-excessive-backtracks');

export interface CompiledField {
  name: string;
  contains: readonly string[] | null;
  regex: RegExp | null;
  /** [regex group name, fact name] */
  groups: readonly (readonly [string, string])[];
  equals: string | number | boolean | undefined;
  exists: boolean | undefined;
}

export interface CompiledMatcher {
  /** Position in the rule's `match` list. */
  index: number;
  /** Literals that must all occur in the target. */
  literals: readonly string[];
  /** The literal the engine indexes the matcher by (the longest one), or null when msgEquals is the key. */
  anchor: string | null;
  /** null: the msg; otherwise the event field `contains` is searched in. */
  target: string | null;
  msgEquals: string | null;
  regex: RegExp | null;
  groups: readonly (readonly [string, string])[];
  fields: readonly CompiledField[];
  levels: ReadonlySet<Level> | null;
  components: ReadonlySet<string> | null;
}

export interface CompiledThreshold {
  count: number;
  withinMs: number;
  per: 'node' | 'cluster';
}

export interface CompiledRule {
  id: string;
  title: string;
  severity: Severity;
  diagnosis: DiagnosisId | null;
  /** The inputs the rule needs; all of them, or any one when `all` is false. */
  requires: { inputs: readonly InputName[]; all: boolean };
  matchers: readonly CompiledMatcher[];
  /** [fact name, event field names, first present wins] */
  captures: readonly (readonly [string, readonly string[]])[];
  threshold: CompiledThreshold | null;
  checkName: CheckName | null;
  check: SnapshotCheck | null;
  /** The validated rule, for docs, `rules show` and examples. */
  source: Rule;
}

const list = (v: string | readonly string[] | undefined): string[] | null => (v === undefined ? null : typeof v === 'string' ? [v] : [...v]);

/** Named groups of a regex; `remote_peer_id` yields the fact `remote-peer-id`. */
function namedGroups(source: string): [string, string][] {
  const out: [string, string][] = [];
  for (const m of source.matchAll(/\(\?<([A-Za-z_$][\w$]*)>/g)) out.push([m[1]!, m[1]!.replace(/_/g, '-')]);
  return out;
}

export function compileRule(rule: Rule): CompiledRule {
  const matchers: CompiledMatcher[] = (rule.match ?? []).map((m, index) => {
    const literals = list(m.contains) ?? [];
    const anchor = m.msg !== undefined ? null : literals.reduce((a, b) => (b.length > a.length ? b : a), '');
    return {
      index,
      literals,
      anchor,
      target: m.in === undefined || m.in === 'msg' ? null : m.in,
      msgEquals: m.msg ?? null,
      regex: m.regex !== undefined ? new RegExp(m.regex) : null,
      groups: m.regex !== undefined ? namedGroups(m.regex) : [],
      fields: Object.entries(m.fields ?? {}).map(([name, c]) => ({
        name,
        contains: list(c.contains),
        regex: c.regex !== undefined ? new RegExp(c.regex) : null,
        groups: c.regex !== undefined ? namedGroups(c.regex) : [],
        equals: c.equals,
        exists: c.exists,
      })),
      levels: m.level ? new Set(m.level) : null,
      components: m.component !== undefined ? new Set(list(m.component)) : null,
    };
  });
  return {
    id: rule.id,
    title: rule.title,
    severity: rule.severity,
    diagnosis: rule.diagnosis ?? null,
    requires: requiredInputs(rule.requires),
    matchers,
    captures: Object.entries(rule.capture ?? {}).map(([fact, fields]) => [fact, list(fields)!] as const),
    threshold: rule.threshold ? { count: rule.threshold.count, withinMs: parseDuration(rule.threshold.within), per: rule.threshold.per } : null,
    checkName: rule.check ?? null,
    check: rule.check ? CHECKS[rule.check] : null,
    source: rule,
  };
}

export function compileRules(rules: readonly Rule[]): CompiledRule[] {
  return rules.map(compileRule);
}

/**
 * Every literal a log rule can fire on (anchors and exact msgs). A line containing none of them
 * cannot fire any rule, which a reader may use to skip parsing it; mind that zap JSON escapes
 * quotes and backslashes, so compare against the decoded text or drop literals holding them.
 */
export function ruleLiterals(rules: readonly CompiledRule[]): string[] {
  const out = new Set<string>();
  for (const r of rules) for (const m of r.matchers) out.add(m.anchor ?? m.msgEquals!);
  return [...out];
}
