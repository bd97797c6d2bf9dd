// The rule engine: streams events through the compiled rules (a literal index first, regexes only
// after a literal hit) and keeps, per rule and node, counts, first/last seen, bounded facts, the
// first N evidence lines and a sliding window for thresholds. Memory is bounded by rules x nodes.
import type { ClusterSnapshot } from '../model/cluster.js';
import type { LogEvent } from '../model/event.js';
import type { Evidence, Finding, RuleOutcome, Severity } from '../model/report.js';
import type { CheckHit, CheckSubject } from '../rules/checks.js';
import type { CompiledMatcher, CompiledRule } from '../rules/compile.js';
import type { InputName } from '../rules/schema.js';
import { AnchorSet } from './anchors.js';
import type { QuietTriggers } from './prefilter.js';
import { collectFacts, MAX_REGEX_INPUT, testMatcher } from './match.js';

export interface EngineOptions {
  /** Evidence lines kept per rule and node (default 5). */
  maxEvidence?: number;
  /** Distinct values kept per fact (default 20). */
  maxFactValues?: number;
  /** Evidence text is cut to this many characters (default 500). */
  maxEvidenceChars?: number;
}

export interface FinishContext {
  snapshot: ClusterSnapshot;
  /** The inputs the user gave; rules needing another are skipped. */
  inputsGiven: ReadonlySet<InputName>;
  /** Other names of a node (member ID, endpoint URL, a file-derived name) -> the node's name. */
  nodeAliases?: ReadonlyMap<string, string>;
}

export interface EngineResult {
  findings: Finding[];
  outcomes: RuleOutcome[];
}

export interface Engine {
  observe(event: LogEvent): void;
  /** Every literal a rule can fire on: an event whose text holds none fires nothing here. */
  quietTriggers(): QuietTriggers;
  finish(ctx: FinishContext): EngineResult;
}

/** The last `count` match times, in a ring; reached latches once `count` fit in the window. */
class SlidingWindow {
  private readonly times: Float64Array;
  private head = 0;
  private size = 0;
  private last = 0;
  reached = false;
  reachedAt: string | null = null;

  constructor(
    private readonly count: number,
    private readonly withinMs: number,
  ) {
    this.times = new Float64Array(count);
  }

  /** `ms` is NaN for events without a time: they take the time of the previous match (order counts). */
  push(ms: number, ts: string | null): void {
    if (this.reached) return;
    const t = Number.isNaN(ms) ? this.last : ms;
    this.last = t;
    this.times[this.head] = t;
    this.head = (this.head + 1) % this.count;
    if (this.size < this.count) this.size++;
    // the oldest of the last `count` sits at head once the ring is full
    if (this.size === this.count && t - this.times[this.head]! <= this.withinMs) {
      this.reached = true;
      this.reachedAt = ts;
    }
  }
}

interface NodeState {
  node: string;
  count: number;
  firstSeen: string | null;
  firstMs: number;
  lastSeen: string | null;
  lastMs: number;
  facts: Map<string, string[]>;
  evidence: Evidence[];
  window: SlidingWindow | null;
}

interface IndexEntry {
  rule: number;
  matcher: CompiledMatcher;
}

interface Anchor {
  literal: string;
  entries: IndexEntry[];
}

const SEVERITY_RANK: Record<Severity, number> = { critical: 0, error: 1, warning: 2, info: 3 };

let lastTs: string | null = null;
let lastMs = NaN;
/** Milliseconds of an ISO instant; neighbouring events often share one, so the last is cached. */
function timeOf(ts: string | null): number {
  if (ts === null) return NaN;
  if (ts !== lastTs) {
    lastTs = ts;
    lastMs = Date.parse(ts);
  }
  return lastMs;
}

export function createEngine(rules: readonly CompiledRule[], options: EngineOptions = {}): Engine {
  const maxEvidence = options.maxEvidence ?? 5;
  const maxFactValues = options.maxFactValues ?? 20;
  const maxChars = options.maxEvidenceChars ?? 500;

  // --- the literal index: exact msg -> matchers; msg anchors; anchors per field
  const byMsg = new Map<string, IndexEntry[]>();
  const msgAnchors: Anchor[] = [];
  const fieldAnchors = new Map<string, Anchor[]>();
  const anchorOf = (list: Anchor[], literal: string): Anchor => {
    let a = list.find((x) => x.literal === literal);
    if (!a) list.push((a = { literal, entries: [] }));
    return a;
  };
  rules.forEach((rule, r) => {
    for (const matcher of rule.matchers) {
      const entry = { rule: r, matcher };
      if (matcher.msgEquals !== null) {
        let list = byMsg.get(matcher.msgEquals);
        if (!list) byMsg.set(matcher.msgEquals, (list = []));
        list.push(entry);
      } else if (matcher.target === null) {
        anchorOf(msgAnchors, matcher.anchor!).entries.push(entry);
      } else {
        let list = fieldAnchors.get(matcher.target);
        if (!list) fieldAnchors.set(matcher.target, (list = []));
        anchorOf(list, matcher.anchor!).entries.push(entry);
      }
    }
  });
  // one regex scan per text finds every anchor in it (routine lines hit none and cost one scan)
  const msgSet = new AnchorSet(msgAnchors.map((a) => a.literal));
  const fieldTargets = [...fieldAnchors.entries()].map(([field, anchors]) => ({ field, anchors, set: new AnchorSet(anchors.map((a) => a.literal)) }));

  // --- state
  const states: Map<string, NodeState>[] = rules.map(() => new Map());
  const clusterWindows: (SlidingWindow | null)[] = rules.map((r) => (r.threshold?.per === 'cluster' ? new SlidingWindow(r.threshold.count, r.threshold.withinMs) : null));
  /** The sequence number of the last event each rule matched, so a rule counts an event once. */
  const stamp = new Float64Array(rules.length).fill(-1);
  let seq = 0;

  // one sink for all fact collection: it writes into `current`, set just before
  let current: NodeState | null = null;
  const sink = (fact: string, value: string): void => {
    const facts = current!.facts;
    let values = facts.get(fact);
    if (!values) facts.set(fact, (values = []));
    if (values.length < maxFactValues && !values.includes(value)) values.push(value);
  };

  function record(r: number, matcher: CompiledMatcher, event: LogEvent): void {
    const rule = rules[r]!;
    const nodes = states[r]!;
    let s = nodes.get(event.node);
    if (!s) {
      s = {
        node: event.node,
        count: 0,
        firstSeen: null,
        firstMs: Infinity,
        lastSeen: null,
        lastMs: -Infinity,
        facts: new Map(),
        evidence: [],
        window: rule.threshold?.per === 'node' ? new SlidingWindow(rule.threshold.count, rule.threshold.withinMs) : null,
      };
      nodes.set(event.node, s);
    }
    s.count++;
    const ms = timeOf(event.ts);
    if (!Number.isNaN(ms)) {
      if (ms < s.firstMs) [s.firstMs, s.firstSeen] = [ms, event.ts];
      if (ms >= s.lastMs) [s.lastMs, s.lastSeen] = [ms, event.ts];
    }
    if (s.window) s.window.push(ms, event.ts);
    else clusterWindows[r]?.push(ms, event.ts);
    current = s;
    collectFacts(rule, matcher, event, sink);
    current = null;
    if (s.evidence.length < maxEvidence) {
      const text = event.text.length > maxChars ? event.text.slice(0, maxChars - 1) + '…' : event.text;
      s.evidence.push({ source: event.ref.source, line: event.ref.line, node: event.node, ts: event.ts, text });
    }
  }

  function tryEntries(entries: readonly IndexEntry[], event: LogEvent): void {
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i]!;
      if (stamp[e.rule] === seq) continue;
      if (testMatcher(e.matcher, event)) {
        stamp[e.rule] = seq;
        record(e.rule, e.matcher, event);
      }
    }
  }

  function observe(event: LogEvent): void {
    seq++;
    const exact = byMsg.get(event.msg);
    if (exact !== undefined) tryEntries(exact, event);
    const msg = event.msg;
    const hits = msgSet.find(msg.length > MAX_REGEX_INPUT ? msg.slice(0, MAX_REGEX_INPUT) : msg);
    for (let i = 0; i < hits.length; i++) tryEntries(msgAnchors[hits[i]!]!.entries, event);
    for (let t = 0; t < fieldTargets.length; t++) {
      const target = fieldTargets[t]!;
      const v = event.fields[target.field];
      if (typeof v !== 'string') continue; // the fields contains is searched in are text (error, ...)
      const fieldHits = target.set.find(v.length > MAX_REGEX_INPUT ? v.slice(0, MAX_REGEX_INPUT) : v);
      for (let i = 0; i < fieldHits.length; i++) tryEntries(target.anchors[fieldHits[i]!]!.entries, event);
    }
  }

  function finish(ctx: FinishContext): EngineResult {
    const aliases = ctx.nodeAliases ?? new Map<string, string>();
    const findings: Finding[] = [];
    const outcomes: RuleOutcome[] = [];
    rules.forEach((rule, r) => {
      const { inputs, all } = rule.requires;
      const missing = inputs.filter((i) => !ctx.inputsGiven.has(i));
      if (all ? missing.length > 0 : missing.length === inputs.length) {
        outcomes.push({ rule: rule.id, outcome: 'skipped', missing: missing.join(all ? ', ' : ' or ') });
        return;
      }
      const ruleFindings = rule.check ? checkFindings(rule, rule.check(ctx.snapshot), ctx.snapshot, aliases) : logFindings(rule, r, aliases);
      findings.push(...ruleFindings);
      outcomes.push({ rule: rule.id, outcome: ruleFindings.length > 0 ? 'fired' : 'passed', missing: null });
    });
    findings.sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || cmp(a.rule, b.rule) || cmp(a.node, b.node));
    outcomes.sort((a, b) => cmp(a.rule, b.rule));
    return { findings, outcomes };
  }

  function logFindings(rule: CompiledRule, r: number, aliases: ReadonlyMap<string, string>): Finding[] {
    const cluster = clusterWindows[r];
    if (cluster && !cluster.reached) return [];
    // nodes known under several names are merged under their alias
    const merged = new Map<string, NodeState[]>();
    for (const s of states[r]!.values()) {
      const name = aliases.get(s.node) ?? s.node;
      const list = merged.get(name);
      if (list) list.push(s);
      else merged.set(name, [s]);
    }
    const out: Finding[] = [];
    for (const [node, list] of merged) {
      if (rule.threshold?.per === 'node' && !list.some((s) => s.window!.reached)) continue;
      out.push(mergeStates(rule, node, list));
    }
    return out;
  }

  function mergeStates(rule: CompiledRule, node: string, list: readonly NodeState[]): Finding {
    let count = 0;
    let first: NodeState | null = null;
    let last: NodeState | null = null;
    const facts: Record<string, string[]> = {};
    const evidence: Evidence[] = [];
    for (const s of list) {
      count += s.count;
      if (s.firstSeen !== null && (first === null || s.firstMs < first.firstMs)) first = s;
      if (s.lastSeen !== null && (last === null || s.lastMs >= last.lastMs)) last = s;
      for (const [fact, values] of s.facts) {
        const into = (facts[fact] ??= []);
        for (const v of values) if (into.length < maxFactValues && !into.includes(v)) into.push(v);
      }
      evidence.push(...s.evidence);
    }
    if (list.length > 1) evidence.sort((a, b) => cmpTime(a.ts, b.ts));
    return {
      rule: rule.id,
      title: rule.title,
      severity: rule.severity,
      node,
      count,
      firstSeen: first?.firstSeen ?? null,
      lastSeen: last?.lastSeen ?? null,
      facts,
      evidence: evidence.slice(0, maxEvidence).map((e) => ({ ...e, node })),
    };
  }

  function checkFindings(rule: CompiledRule, hits: readonly CheckHit[], snapshot: ClusterSnapshot, aliases: ReadonlyMap<string, string>): Finding[] {
    const byNode = new Map<string, Finding>();
    for (const hit of hits) {
      const node = nodeOfSubject(hit.subject, snapshot, aliases);
      let f = byNode.get(node);
      if (!f) {
        f = { rule: rule.id, title: rule.title, severity: rule.severity, node, count: 0, firstSeen: null, lastSeen: null, facts: {}, evidence: [] };
        byNode.set(node, f);
      }
      f.count++;
      for (const [fact, values] of Object.entries(hit.facts)) {
        const into = (f.facts[fact] ??= []);
        for (const v of values) if (into.length < maxFactValues && !into.includes(v)) into.push(v);
      }
      for (const e of hit.evidence) {
        if (f.evidence.length < maxEvidence) f.evidence.push({ source: e.source, line: 0, node, ts: null, text: e.text.length > maxChars ? e.text.slice(0, maxChars - 1) + '…' : e.text });
      }
    }
    return [...byNode.values()];
  }

  // msgEquals keys and every anchor (message and field): the engine looks at nothing else first
  const triggers = [...byMsg.keys(), ...msgAnchors.map((a) => a.literal), ...[...fieldAnchors.values()].flatMap((list) => list.map((a) => a.literal))];
  // fields are read only after a literal hit, and facts are substrings of the line: no fields
  return { observe, finish, quietTriggers: () => ({ literals: triggers, fields: [] }) };
}

/** A check's subject as a node name: an alias first, then the member's name in the snapshot, then the ID or URL. */
export function nodeOfSubject(subject: CheckSubject, snapshot: ClusterSnapshot, aliases: ReadonlyMap<string, string>): string {
  const { memberId, endpoint, name } = subject;
  for (const key of [memberId, endpoint, name]) {
    if (key) {
      const alias = aliases.get(key);
      if (alias !== undefined) return alias;
    }
  }
  if (name) return name;
  const member = snapshot.members.find((m) => (memberId && m.id === memberId) || (endpoint && m.clientURLs.includes(endpoint)));
  if (member?.name) return aliases.get(member.name) ?? member.name;
  return memberId || endpoint || 'cluster';
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function cmpTime(a: string | null, b: string | null): number {
  const x = timeOf(a);
  const y = timeOf(b);
  if (Number.isNaN(x) || Number.isNaN(y)) return 0;
  return x - y;
}
