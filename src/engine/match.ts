// Tests one compiled matcher against one event, and collects the facts of a match. The engine
// calls these only for events that contain the matcher's literal.
import type { LogEvent } from '../model/event.js';
import type { CompiledMatcher, CompiledRule } from '../rules/compile.js';

/** Regexes run on at most this much text, so a pathological line costs a bounded amount. */
export const MAX_REGEX_INPUT = 8 * 1024;

const cap = (text: string): string => (text.length > MAX_REGEX_INPUT ? text.slice(0, MAX_REGEX_INPUT) : text);

/** A field value as text: strings as they are, numbers and booleans printed, lists joined with commas. */
export function fieldText(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(',');
  return JSON.stringify(value);
}

function containsAll(text: string, literals: readonly string[]): boolean {
  for (let i = 0; i < literals.length; i++) if (!text.includes(literals[i]!)) return false;
  return true;
}

/** Whether `m` matches `event`. Allocation-free except for field values that are not strings. */
export function testMatcher(m: CompiledMatcher, event: LogEvent): boolean {
  if (m.msgEquals !== null && event.msg !== m.msgEquals) return false;
  if (m.levels !== null && !m.levels.has(event.level)) return false;
  if (m.components !== null && !m.components.has(event.component)) return false;
  if (m.literals.length > 0) {
    const target = m.target === null ? event.msg : fieldText(event.fields[m.target]);
    if (target === null || !containsAll(target, m.literals)) return false;
  }
  for (let i = 0; i < m.fields.length; i++) {
    const f = m.fields[i]!;
    const raw = event.fields[f.name];
    const present = raw !== undefined && raw !== null;
    if (f.exists !== undefined && f.exists !== present) return false;
    if (f.equals !== undefined && raw !== f.equals && fieldText(raw) !== String(f.equals)) return false;
    if (f.contains !== null || f.regex !== null) {
      const text = fieldText(raw);
      if (text === null) return false;
      if (f.contains !== null && !containsAll(text, f.contains)) return false;
      if (f.regex !== null && !f.regex.test(cap(text))) return false;
    }
  }
  if (m.regex !== null) {
    if (m.groups.length === 0) return m.regex.test(cap(event.msg));
    // keep the match so collectFacts need not run the regex again
    const found = m.regex.exec(cap(event.msg));
    if (found === null) return false;
    lastExec = found;
    lastExecMatcher = m;
    lastExecEvent = event;
  }
  return true;
}

/** The msg regex match of the last successful testMatcher, for collectFacts. */
let lastExec: RegExpExecArray | null = null;
let lastExecMatcher: CompiledMatcher | null = null;
let lastExecEvent: LogEvent | null = null;

export type FactSink = (fact: string, value: string) => void;

function addValue(sink: FactSink, fact: string, value: unknown): void {
  if (value === undefined || value === null || value === '') return;
  if (Array.isArray(value)) {
    for (const v of value) addValue(sink, fact, v);
    return;
  }
  sink(fact, typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value));
}

function addGroups(sink: FactSink, regex: RegExp, groups: CompiledMatcher['groups'], text: string, known: RegExpExecArray | null = null): void {
  if (groups.length === 0) return;
  const m = known ?? regex.exec(cap(text));
  if (!m?.groups) return;
  for (const [group, fact] of groups) addValue(sink, fact, m.groups[group]);
}

/** Sends the facts of a matched event to `sink`: regex named groups first, then captures. */
export function collectFacts(rule: CompiledRule, m: CompiledMatcher, event: LogEvent, sink: FactSink): void {
  if (m.regex !== null) {
    const known = lastExecMatcher === m && lastExecEvent === event ? lastExec : null;
    addGroups(sink, m.regex, m.groups, event.msg, known);
  }
  for (const f of m.fields) {
    if (f.regex !== null) {
      const text = fieldText(event.fields[f.name]);
      if (text !== null) addGroups(sink, f.regex, f.groups, text);
    }
  }
  for (const [fact, names] of rule.captures) {
    for (const name of names) {
      const v = event.fields[name];
      if (v !== undefined && v !== null && v !== '') {
        addValue(sink, fact, v);
        break;
      }
    }
  }
}

export interface EventMatch {
  /** The index of the first matcher of the rule that matched. */
  matcher: number;
  /** The facts the event yields, one value each (lists keep their values). */
  facts: Record<string, string[]>;
}

/** Whether `rule` matches `event` on its own (thresholds aside), and with which facts. For tests and `explain`. */
export function matchEvent(rule: CompiledRule, event: LogEvent): EventMatch | null {
  for (const m of rule.matchers) {
    if (!testMatcher(m, event)) continue;
    const facts: Record<string, string[]> = {};
    collectFacts(rule, m, event, (fact, value) => {
      const values = (facts[fact] ??= []);
      if (!values.includes(value)) values.push(value);
    });
    return { matcher: m.index, facts };
  }
  return null;
}
