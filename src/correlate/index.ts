// Cross-node correlation: named correlators turn findings and the cluster model into
// diagnoses; root causes absorb the symptoms they explain, and the report leads with the cause.
import type { Diagnosis, DiagnosisId, Finding, FindingRef, Verdict } from '../model/report.js';
import { correlateElectionStorm, correlatePeerUnreachable, correlateQuorumLost } from './connectivity.js';
import { type CorrelationContext, listWords, refOf, SEVERITY_RANK } from './context.js';
import {
  correlateAlreadyBootstrapped,
  correlateClusterIdMismatch,
  correlateMemberNotFound,
  correlateMemberRemoved,
  correlateMemberUnstarted,
} from './membership.js';
import { correlateClockDrift, correlateNodeLocal } from './node-local.js';

export type Correlator = (ctx: CorrelationContext) => Diagnosis[];

/** The registry: every correlator by name, run in this order. */
export const CORRELATORS: ReadonlyMap<string, Correlator> = new Map<string, Correlator>([
  ['cluster-id-mismatch', correlateClusterIdMismatch],
  ['member-removed', correlateMemberRemoved],
  ['already-bootstrapped', correlateAlreadyBootstrapped],
  ['member-not-found', correlateMemberNotFound],
  ['member-unstarted', correlateMemberUnstarted],
  ['quorum-lost', correlateQuorumLost],
  ['peer-unreachable', correlatePeerUnreachable],
  ['election-storm', correlateElectionStorm],
  ['clock-drift', correlateClockDrift],
  ['node-local', correlateNodeLocal],
]);

/** Root causes first: a lower rank leads. */
const RANK: Record<DiagnosisId, number> = {
  'cluster-id-mismatch': 1,
  'member-removed': 1,
  'already-bootstrapped': 1,
  'data-corruption': 1,
  'bad-configuration': 1,
  'discovery-failure': 1,
  'member-unstarted': 2,
  nospace: 2,
  'quorum-lost': 2,
  'tls-failure': 2,
  'clock-drift': 3,
  'member-not-found': 3,
  'peer-unreachable': 4,
  'slow-disk': 5,
  overload: 5,
  'election-storm': 6,
};

/** Which diagnoses a cause explains when they concern the same members. */
const EXPLAINS: Partial<Record<DiagnosisId, DiagnosisId[]>> = {
  'cluster-id-mismatch': ['peer-unreachable', 'election-storm', 'member-not-found', 'quorum-lost'],
  'member-removed': ['peer-unreachable', 'election-storm', 'member-not-found'],
  'already-bootstrapped': ['peer-unreachable', 'election-storm', 'member-not-found'],
  'data-corruption': ['peer-unreachable', 'election-storm', 'member-not-found'],
  'bad-configuration': ['peer-unreachable', 'election-storm', 'member-not-found', 'member-unstarted'],
  'discovery-failure': ['peer-unreachable', 'election-storm'],
  'member-unstarted': ['peer-unreachable'],
  'quorum-lost': ['peer-unreachable', 'election-storm'],
  'tls-failure': ['peer-unreachable', 'election-storm', 'member-not-found'],
  // Not election storms: "failed to send out heartbeat on time" is filed under slow disk but is
  // as much a symptom of a stalled leader; the storm leads and names the disk warnings.
  'slow-disk': ['overload'],
  nospace: ['overload'],
};

/** Whether cause `a` explains diagnosis `b`: the same members, or `b` is about nobody in particular. */
function explains(a: Diagnosis, b: Diagnosis): boolean {
  if (!(EXPLAINS[a.id] ?? []).includes(b.id)) return false;
  if (a.id === 'quorum-lost' || a.id === 'slow-disk' || a.id === 'nospace') return true;
  if (b.affectedNodes.length === 0) return a.affectedNodes.length > 0;
  return b.affectedNodes.every((n) => a.affectedNodes.includes(n));
}

function key(r: FindingRef): string {
  return `${r.rule}\u0000${r.node}`;
}

const PEER_FACTS = ['remote-peer-id', 'peer-id', 'remote-peer-id-from', 'removed-member-id', 'remote-peer-server-name'];

/** Findings on the affected nodes, or about their member IDs, that a root cause explains. */
function collectSymptoms(d: Diagnosis, ctx: CorrelationContext, claimed: Set<string>): FindingRef[] {
  if (d.affectedNodes.length === 0 || RANK[d.id] > 2) return [];
  const ids = new Set(ctx.nodes.filter((n) => d.affectedNodes.includes(n.name)).flatMap((n) => n.memberIds));
  const own = new Set(d.findings.map(key));
  const out: FindingRef[] = [];
  for (const f of ctx.findings) {
    const k = key(refOf(f));
    if (own.has(k) || claimed.has(k)) continue;
    const about = d.affectedNodes.includes(f.node) || PEER_FACTS.some((p) => (f.facts[p] ?? []).some((v) => ids.has(v)));
    if (about) out.push(refOf(f));
  }
  return out;
}

export function correlate(ctx: CorrelationContext): Diagnosis[] {
  let all: Diagnosis[] = [];
  for (const c of CORRELATORS.values()) all.push(...c(ctx));
  all.sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || RANK[a.id] - RANK[b.id] || b.confidence - a.confidence);

  // Fold what a cause explains into its symptoms.
  const kept: Diagnosis[] = [];
  for (const d of [...all].sort((a, b) => RANK[a.id] - RANK[b.id])) {
    const cause = kept.find((k) => explains(k, d));
    if (cause) {
      cause.symptoms.push(...d.findings, ...d.symptoms);
      continue;
    }
    kept.push(d);
  }
  all = all.filter((d) => kept.includes(d));

  const claimed = new Set(all.flatMap((d) => d.findings.map(key)));
  for (const d of all) {
    d.symptoms.push(...collectSymptoms(d, ctx, claimed));
    const seen = new Set<string>();
    d.symptoms = d.symptoms.filter((s) => {
      const k = key(s);
      if (seen.has(k) || d.findings.some((f) => key(f) === k)) return false;
      seen.add(k);
      return true;
    });
    d.symptoms.sort((a, b) => key(a).localeCompare(key(b)));
    d.affectedNodes.sort();
    d.healthyNodes.sort();
  }
  return all;
}

/** The one-line answer, with the evidence of health when nothing is wrong. */
export function judge(ctx: CorrelationContext, diagnoses: Diagnosis[], anythingRead: boolean): Verdict {
  if (!anythingRead) return { status: 'unknown', summary: 'Nothing could be read from the inputs.', evidence: [] };
  const serious = diagnoses.filter((d) => SEVERITY_RANK[d.severity] >= SEVERITY_RANK.warning);
  if (serious.length > 0) {
    const top = serious[0]!;
    const status = serious.some((d) => d.severity === 'critical') ? 'broken' : 'degraded';
    return {
      status,
      summary: `${status === 'broken' ? 'BROKEN' : 'DEGRADED'}: ${top.title}${serious.length > 1 ? ` (+${serious.length - 1} more)` : ''}.`,
      evidence: serious.map((d) => d.title),
    };
  }
  const evidence: string[] = [];
  const leaders = ctx.model.nodes.filter((n) => n.leader !== null);
  const leaderIds = [...new Set(leaders.map((n) => n.leader!))];
  if (leaderIds.length === 1) {
    const term = Math.max(...leaders.map((n) => n.leaderTerm ?? 0));
    const node = ctx.nodes.find((n) => n.memberIds.includes(leaderIds[0]!))?.name;
    evidence.push(`leader ${node ?? leaderIds[0]} elected at term ${term}, known to ${listWords(leaders.map((n) => n.node))}`);
  }
  const members = ctx.cluster.members;
  if (members.length > 0 && members.every((m) => m.started)) evidence.push(`all ${members.length} members started (member list)`);
  const eps = ctx.cluster.endpoints.filter((e) => e.health !== null);
  if (eps.length > 0 && eps.every((e) => e.health)) evidence.push(`all ${eps.length} endpoints healthy`);
  const withLogs = ctx.nodes.filter((n) => n.events > 0);
  if (withLogs.length > 0) evidence.push(`${withLogs.length} node log(s) read with no warning-level finding`);
  return {
    status: evidence.length > 1 ? 'healthy' : 'unknown',
    summary: evidence.length > 1 ? 'No problems found.' : 'No problems found, but the inputs show little of the cluster.',
    evidence,
  };
}

export type { CorrelationContext, RuleInfo } from './context.js';
export { ClusterModelBuilder, type ClusterModel } from './cluster-model.js';

/** Findings that no diagnosis claims, for renderers that list the rest. */
export function unexplained(findings: Finding[], diagnoses: Diagnosis[]): Finding[] {
  const claimed = new Set(diagnoses.flatMap((d) => [...d.findings, ...d.symptoms].map(key)));
  return findings.filter((f) => !claimed.has(key(refOf(f))));
}
