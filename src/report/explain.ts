// What one pasted log line means: how it was read, which rules it fires, and what to look at
// next. Pure: the CLI parses the line and matches the rules, this renders the result.
import type { LogEvent, ParsedLine } from '../model/event.js';
import type { CompiledRule } from '../rules/compile.js';
import { terminalSafe } from './escape.js';

export interface ExplainedRule {
  id: string;
  title: string;
  severity: string;
  diagnosis: string | null;
  description: string;
  references: string[];
  facts: Record<string, string[]>;
  /** A threshold the rule needs before it becomes a finding ("8 within 60s per node"). */
  threshold: string | null;
}

export interface Explanation {
  line: string;
  parsed: { format: string; ts: string | null; level: string; component: string; msg: string; node: string | null; fields: Record<string, unknown> } | null;
  reason: string | null;
  rules: ExplainedRule[];
}

const NEXT_STEPS: Record<string, string> = {
  'cluster-id-mismatch': 'Run the same command on every node\'s log: the node whose cluster ID differs from the majority was started as a new cluster on a peer address of this one.',
  'member-not-found': 'Compare `etcdctl member list` on every member: a member whose data is older than the cluster, or a removed member still running, sends this.',
  'member-removed': 'The member was removed with `member remove`; wipe its data dir, `member add` it again and start it with --initial-cluster-state existing.',
  'already-bootstrapped': 'The member lost its data dir; replace it: member remove, member add, start with --initial-cluster-state existing.',
  'bad-configuration': 'Compare the member\'s --name, --initial-cluster, --initial-advertise-peer-urls and --initial-cluster-state with `etcdctl member list`.',
  'discovery-failure': 'Use a fresh discovery token for a new cluster; join a running cluster with member add instead.',
  'quorum-lost': 'Count the members that are up: fewer than a majority means no leader. Bring back stopped members first.',
  'election-storm': 'Look for slow fdatasync, heartbeat warnings and peer connection errors around the same time.',
  'peer-unreachable': 'Check that the peer process runs and listens on its peer URL, and that port 2380 is open between the members.',
  nospace: 'Compact, defragment every member, then `etcdctl alarm disarm`.',
  'slow-disk': 'Check wal_fsync_duration_seconds and backend_commit_duration_seconds; benchmark the disk with fio.',
  overload: 'Look for expensive range requests and too many clients or watchers.',
  'data-corruption': 'Replace the member from the healthy ones; restore from a snapshot if every copy is damaged.',
  'clock-drift': 'Synchronise every member\'s clock with NTP.',
  'tls-failure': 'Check the certificates\' CA, SANs and expiry on both sides of the connection.',
  'member-unstarted': 'Start the added member with the name and peer URL given to member add, or remove it.',
};

export function nextStep(diagnosis: string | null): string | null {
  return diagnosis ? (NEXT_STEPS[diagnosis] ?? null) : null;
}

export function buildExplanation(line: string, parsed: ParsedLine, matches: { rule: CompiledRule; facts: Record<string, string[]> }[]): Explanation {
  const event: LogEvent | null = parsed.kind === 'event' ? parsed : null;
  return {
    line,
    parsed: event
      ? {
          format: event.format,
          ts: event.ts,
          level: event.level,
          component: event.component,
          msg: event.msg,
          node: event.nodeOrigin === 'unknown' ? null : event.node,
          fields: event.fields,
        }
      : null,
    reason: parsed.kind === 'unparsed' ? parsed.reason : null,
    rules: matches.map(({ rule, facts }) => ({
      id: rule.id,
      title: rule.title,
      severity: rule.severity,
      diagnosis: rule.diagnosis,
      description: rule.source.description,
      references: [...(rule.source.references ?? [])],
      facts,
      threshold: rule.source.threshold
        ? `${rule.source.threshold.count} within ${rule.source.threshold.within} per ${rule.source.threshold.per ?? 'node'}`
        : null,
    })),
  };
}

/** Rule text, whose description may span lines: other controls and bidi overrides shown as '?'. */
function clean(s: string): string {
  return s.replace(/[\x00-\x08\x0b-\x1f\x7f\u0080-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, '?');
}

export function renderExplanation(x: Explanation): string {
  const out: string[] = [];
  if (x.parsed === null) {
    out.push(x.reason && x.reason !== 'not an etcd log line' ? `Not an etcd log line (${x.reason}).` : 'Not an etcd log line.');
    out.push('etcddoctor reads capnslog, zap JSON and console, raft, gRPC and panic lines, behind docker, compose, kubectl, CRI and journald prefixes.');
    return out.join('\n') + '\n';
  }
  const p = x.parsed;
  out.push(`Format:    ${p.format}${p.node ? ` (node ${terminalSafe(p.node)})` : ''}`);
  out.push(`Time:      ${p.ts ?? '-'}`);
  out.push(`Level:     ${p.level}${p.component ? `   component: ${terminalSafe(p.component)}` : ''}`);
  out.push(`Message:   ${terminalSafe(p.msg)}`);
  const facts = Object.entries(p.fields).filter(([k]) => k !== 'caller' && k !== 'stacktrace');
  if (facts.length > 0) {
    out.push('Facts:');
    for (const [k, v] of facts) out.push(`  ${terminalSafe(k)}: ${terminalSafe(typeof v === 'string' ? v : JSON.stringify(v))}`);
  }
  out.push('');
  if (x.rules.length === 0) {
    out.push('No rule fires on this line: it is routine, or a failure etcddoctor does not know yet.');
  }
  for (const r of x.rules) {
    out.push(`${r.severity.toUpperCase()} ${r.id}: ${r.title}`);
    if (r.diagnosis) out.push(`  diagnosis: ${r.diagnosis}`);
    if (r.threshold) out.push(`  becomes a finding at ${r.threshold}; one line alone is not`);
    out.push(`  ${clean(r.description.trim())}`);
    const next = nextStep(r.diagnosis);
    if (next) out.push(`  next: ${next}`);
    for (const ref of r.references) out.push(`  see: ${ref}`);
    out.push('');
  }
  return out.join('\n').trimEnd() + '\n';
}
