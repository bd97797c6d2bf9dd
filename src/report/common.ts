// What every renderer shares: severity order, a canonical ordering of the Report, node roles, and
// the --fail-on threshold. Pure functions over the Report.
import type { Diagnosis, Finding, Report, Severity, TimelineEntry } from '../model/report.js';
import { SEVERITIES } from '../model/report-values.js';

/** info=0 … critical=3. */
export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

export const FAIL_ON_LEVELS = [...SEVERITIES, 'none'] as const;
export type FailOn = (typeof FAIL_ON_LEVELS)[number];

/** The diagnoses at or above the --fail-on level (none: never). */
export function diagnosesAtOrAbove(report: Report, failOn: FailOn): Diagnosis[] {
  if (failOn === 'none') return [];
  const min = severityRank(failOn);
  return report.diagnoses.filter((d) => severityRank(d.severity) >= min);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function cmpFinding(a: Finding, b: Finding): number {
  return severityRank(b.severity) - severityRank(a.severity) || cmp(a.rule, b.rule) || cmp(a.node, b.node);
}

function cmpTimeline(a: TimelineEntry, b: TimelineEntry): number {
  return (
    cmp(a.ts ?? '', b.ts ?? '') ||
    cmp(a.node, b.node) ||
    cmp(a.ref?.source ?? '', b.ref?.source ?? '') ||
    (a.ref?.line ?? 0) - (b.ref?.line ?? 0) ||
    cmp(a.kind, b.kind) ||
    cmp(a.text, b.text)
  );
}

/**
 * The Report with every array in one canonical order, so the same input gives the same bytes
 * whatever order sources finished in: findings by severity, rule, node; rules by id; diagnoses
 * by severity then confidence (ties keep the correlator's order: sort is stable); nodes by name;
 * the timeline by time, node, line. Inputs keep the order the user named them (folders are
 * listed sorted by the source layer).
 */
export function orderReport(report: Report): Report {
  return {
    ...report,
    nodes: [...report.nodes].sort((a, b) => cmp(a.name, b.name)),
    findings: [...report.findings].sort(cmpFinding),
    rules: [...report.rules].sort((a, b) => cmp(a.rule, b.rule)),
    diagnoses: [...report.diagnoses].sort(
      (a, b) => severityRank(b.severity) - severityRank(a.severity) || b.confidence - a.confidence,
    ),
    timeline: [...report.timeline].sort(cmpTimeline),
  };
}

export type NodeRole = 'leader' | 'follower' | 'unknown';

/**
 * A node's role at the end of its log: from etcdctl endpoint status when it covered the node
 * (the freshest view), else from the last leader event in the timeline.
 */
export function nodeRoles(report: Report): Map<string, NodeRole> {
  const roles = new Map<string, NodeRole>();
  const byMemberId = new Map<string, string>();
  for (const n of report.nodes) for (const id of n.memberIds) byMemberId.set(id, n.name);
  for (const n of report.nodes) {
    let role: NodeRole = 'unknown';
    for (const t of report.timeline) {
      if (t.node !== n.name) continue;
      if (t.kind === 'leader') {
        const m = /^leader ([0-9a-f]+) at term/.exec(t.text);
        if (t.text.startsWith('became leader')) role = 'leader';
        else if (m) role = byMemberId.get(m[1]!) === n.name ? 'leader' : 'follower';
      } else if (t.kind === 'leader-lost' || t.kind === 'quorum' || t.kind === 'fatal' || t.kind === 'start') {
        // A restart (or a lost leader) forgets what the node knew before.
        role = 'unknown';
      }
    }
    const status = report.cluster.endpoints.find((e) => e.memberId !== null && n.memberIds.includes(e.memberId) && e.isLeader !== null);
    if (status) role = status.isLeader ? 'leader' : 'follower';
    roles.set(n.name, role);
  }
  return roles;
}

/** Findings per node, for node tables. */
export function findingsPerNode(report: Report): Map<string, number> {
  const counts = new Map<string, number>();
  for (const f of report.findings) counts.set(f.node, (counts.get(f.node) ?? 0) + 1);
  return counts;
}

/** The finding a diagnosis refers to. */
export function findingFor(report: Report, ref: { rule: string; node: string }): Finding | undefined {
  return report.findings.find((f) => f.rule === ref.rule && f.node === ref.node);
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function percent(confidence: number): string {
  return `${Math.round(confidence * 100)}%`;
}
