// What every correlator reads: the nodes, the cluster model, the findings grouped by the
// diagnosis their rule feeds, the etcdctl snapshot, and helpers to name members.
import type { ClusterSnapshot } from '../model/cluster.js';
import type { DiagnosisId, Finding, FindingRef, NodeSummary, Severity } from '../model/report.js';
import type { ClusterModel, NodeFacts } from './cluster-model.js';

export interface RuleInfo {
  id: string;
  diagnosis: DiagnosisId | null;
  severity: Severity;
}

export interface CorrelationContext {
  nodes: NodeSummary[];
  model: ClusterModel;
  findings: Finding[];
  rules: ReadonlyMap<string, RuleInfo>;
  cluster: ClusterSnapshot;
}

export const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2, critical: 3 };

export function refOf(f: Finding): FindingRef {
  return { rule: f.rule, node: f.node };
}

/** Findings whose rule feeds this diagnosis. */
export function findingsFor(ctx: CorrelationContext, id: DiagnosisId, minSeverity: Severity = 'info'): Finding[] {
  return ctx.findings.filter(
    (f) => ctx.rules.get(f.rule)?.diagnosis === id && SEVERITY_RANK[f.severity] >= SEVERITY_RANK[minSeverity],
  );
}

export function maxSeverity(findings: Finding[], floor: Severity = 'info'): Severity {
  let best: Severity = floor;
  for (const f of findings) if (SEVERITY_RANK[f.severity] > SEVERITY_RANK[best]) best = f.severity;
  return best;
}

export function factValues(findings: Finding[], ...names: string[]): string[] {
  const out = new Set<string>();
  for (const f of findings) for (const n of names) for (const v of f.facts[n] ?? []) out.add(v);
  return [...out];
}

export function nodeFacts(ctx: CorrelationContext, node: string): NodeFacts | undefined {
  return ctx.model.nodes.find((n) => n.node === node);
}

/**
 * The node behind a member ID: the node that used the ID in its own lines, else the node whose
 * name or peer URL the member list (or the logs' membership lines) gives that member.
 */
export function nodeOfMember(ctx: CorrelationContext, id: string): string | null {
  for (const n of ctx.nodes) if (n.memberIds.includes(id)) return n.name;
  for (const n of ctx.model.nodes) if (n.memberIds.includes(id)) return n.node;
  const listed = ctx.cluster.members.find((m) => m.id === id);
  const seen = ctx.model.members.find((m) => m.id === id);
  const name = listed?.name || seen?.name;
  if (name) {
    const byName = ctx.nodes.find((n) => n.name === name || n.memberName === name);
    if (byName) return byName.name;
  }
  const urls = new Set([...(listed?.peerURLs ?? []), ...(seen?.peerURLs ?? [])]);
  if (urls.size > 0) {
    const byUrl = ctx.model.nodes.filter((n) => n.peerURLs.some((u) => urls.has(u)));
    if (byUrl.length === 1) return byUrl[0]!.node;
    // A container's own configuration names its peer URL even when its log never did (it
    // failed before printing its configuration).
    const byContainer = ctx.cluster.containers.filter((c) =>
      (c.etcd.initialAdvertisePeerUrls ?? '').split(',').some((u) => urls.has(u.trim())),
    );
    if (byContainer.length === 1) {
      const name = byContainer[0]!.name;
      if (ctx.nodes.some((n) => n.name === name)) return name;
    }
  }
  return null;
}

/** A member ID as an operator would name it: its node, else its listed name, else `member <id>`. */
export function describeMember(ctx: CorrelationContext, id: string): string {
  const node = nodeOfMember(ctx, id);
  if (node) return node;
  const listed = ctx.cluster.members.find((m) => m.id === id);
  if (listed && listed.name) return listed.name;
  const seen = ctx.model.members.find((m) => m.id === id);
  if (seen?.name) return seen.name;
  return `member ${id}`;
}

export function nodeNames(ctx: CorrelationContext): string[] {
  return ctx.nodes.map((n) => n.name);
}

export function others(ctx: CorrelationContext, affected: string[]): string[] {
  return nodeNames(ctx).filter((n) => !affected.includes(n));
}

export function listWords(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

export function clamp01(x: number): number {
  return Math.max(0, Math.min(1, Math.round(x * 100) / 100));
}

/** The most common value, and how many had it; ties go to the first seen. */
export function majority<T>(values: T[]): { value: T | null; count: number } {
  const counts = new Map<T, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: T | null = null;
  let count = 0;
  for (const [v, c] of counts) if (c > count) [best, count] = [v, c];
  return { value: best, count };
}

/**
 * How many voting members the cluster has: the member list when given, else the members the
 * logs show being added in the majority's cluster, else the nodes whose logs were read.
 */
export function clusterSize(ctx: CorrelationContext, clusterId: string | null): number {
  const voters = ctx.cluster.members.filter((m) => !m.isLearner);
  if (voters.length > 0) return voters.length;
  const fromLogs = ctx.model.members.filter((m) => !m.removed && (clusterId === null || m.clusterIds.includes(clusterId)));
  return Math.max(fromLogs.length, ctx.nodes.length, 1);
}
