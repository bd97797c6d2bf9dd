// Correlators for problems that live on the nodes that log them: disk, space, corruption,
// configuration, discovery, TLS, and clock drift (where the peers name the drifting node).
import type { Diagnosis, DiagnosisId, Finding } from '../model/report.js';
import {
  clamp01,
  type CorrelationContext,
  describeMember,
  factValues,
  findingsFor,
  listWords,
  majority,
  maxSeverity,
  nodeFacts,
  nodeOfMember,
  others,
  refOf,
} from './context.js';

interface Template {
  title: (nodes: string) => string;
  explain: (nodes: string, findings: Finding[], ctx: CorrelationContext) => string;
  /** The least severe finding that counts; below it a finding is context, not a diagnosis. */
  floor: 'info' | 'warning' | 'error';
  /**
   * The condition is replicated through raft to every member of the cluster (an alarm), so it
   * affects them all however many logged it: etcd 3.6 no longer logs "alarm raised" on every
   * member, and an `etcdctl alarm list` names only the member that raised it.
   */
  clusterWide?: boolean;
}

function firstFact(findings: Finding[], ...names: string[]): string | null {
  return factValues(findings, ...names)[0] ?? null;
}

const TEMPLATES: Partial<Record<DiagnosisId, Template>> = {
  nospace: {
    floor: 'warning',
    clusterWide: true,
    title: () => 'The database is full (NOSPACE alarm): the cluster accepts no writes',
    explain: (nodes, f, ctx) =>
      `The backend database reached --quota-backend-bytes and an alarm NOSPACE was raised` +
      `${ctx.cluster.alarms.some((a) => a.alarm === 'NOSPACE') ? ' (alarm list shows it)' : ''}; ${nodes} logged it. ` +
      'Every write fails with "mvcc: database space exceeded" until you compact the history, defragment every member and disarm the alarm; ' +
      'raise the quota or enable --auto-compaction-retention so it does not happen again.',
  },
  'slow-disk': {
    floor: 'warning',
    title: (nodes) => `Slow disk on ${nodes}`,
    explain: (nodes, f) =>
      `${nodes} waited too long on the disk or on applying entries (${[...new Set(f.map((x) => x.rule))].join(', ')}` +
      `${firstFact(f, 'took', 'exceeded-duration') ? `; took ${firstFact(f, 'took', 'exceeded-duration')}` : ''}). ` +
      'etcd needs WAL fsync p99 under 10 ms: check wal_fsync_duration_seconds and backend_commit_duration_seconds, benchmark the disk with fio, and give etcd a dedicated SSD. CPU starvation shows the same way.',
  },
  overload: {
    floor: 'warning',
    title: (nodes) => `${nodes} is overloaded`,
    explain: (nodes, f) =>
      `${nodes} reported overload (${[...new Set(f.map((x) => x.rule))].join(', ')}): requests pile up faster than the member applies them. ` +
      'Look for expensive range requests, too many clients or watchers, and a slow disk; spread the load or give the members more resources.',
  },
  'data-corruption': {
    floor: 'error',
    title: (nodes) => `${nodes} has damaged or lost data`,
    explain: (nodes, f) =>
      `${nodes} cannot use its data: ${firstFact(f, 'error') ?? f[0]?.evidence[0]?.text.slice(0, 200) ?? f[0]?.title ?? ''}. ` +
      'A raft log that is behind what the cluster knows the member had (tocommit out of range) means the data dir was wiped or restored from an old copy; a CRC or database error means the WAL, snapshot or backend is damaged. ' +
      'Replace the member from the healthy ones (member remove, wipe its data dir, member add, start with --initial-cluster-state existing); if every copy is damaged, restore all members from one snapshot.',
  },
  'bad-configuration': {
    floor: 'error',
    title: (nodes) => `${nodes} cannot start: bad configuration`,
    explain: (nodes, f) =>
      `${nodes} refused to start: ${firstFact(f, 'error') ?? f[0]?.title ?? 'a configuration error'}. ` +
      '--name must appear in --initial-cluster, its entry must equal --initial-advertise-peer-urls, a member joining a running cluster needs --initial-cluster-state existing and an --initial-cluster that matches etcdctl member list plus itself, and its ports must be free.',
  },
  'discovery-failure': {
    floor: 'error',
    title: (nodes) => `${nodes} failed to bootstrap through discovery`,
    explain: (nodes, f) =>
      `${nodes} could not bootstrap through the discovery service: ${firstFact(f, 'error') ?? f[0]?.title ?? ''}. ` +
      'A discovery token can bootstrap one cluster once: use a fresh token (with the right size) for a new cluster, and --initial-cluster-state existing with member add to grow a running one.',
  },
  'tls-failure': {
    floor: 'warning',
    title: (nodes) => `TLS handshakes fail on ${nodes}`,
    explain: (nodes, f) =>
      `${nodes} rejected or failed TLS connections: ${firstFact(f, 'error') ?? f[0]?.title ?? ''}` +
      `${firstFact(f, 'remote-addr') ? ` (from ${firstFact(f, 'remote-addr')})` : ''}. ` +
      'Certificates must be signed by the CA every side trusts (--trusted-ca-file, --peer-trusted-ca-file), their SANs must cover the advertised host names and IPs, and they must not be expired.',
  },
};

/**
 * For problems between peers (TLS), the node to blame is the one a majority of the others name
 * (by member ID in their findings); with no such node, the nodes that logged it.
 */
function oddOneOut(ctx: CorrelationContext, found: Finding[]): string[] | null {
  const namedBy = new Map<string, Set<string>>();
  for (const f of found) {
    for (const id of [...(f.facts['remote-peer-id'] ?? []), ...(f.facts['peer-id'] ?? [])]) {
      const node = nodeOfMember(ctx, id);
      if (!node || node === f.node) continue;
      if (!namedBy.has(node)) namedBy.set(node, new Set());
      namedBy.get(node)!.add(f.node);
    }
  }
  const others = ctx.nodes.length - 1;
  const odd = [...namedBy.entries()].filter(([, by]) => others > 0 && by.size * 2 > others).map(([n]) => n);
  return odd.length > 0 && odd.length * 2 < ctx.nodes.length ? odd.sort() : null;
}

/** The reporting nodes and every node whose latest cluster ID is one of theirs (every node when
 *  no reporter said which cluster it is in). */
export function clusterOf(ctx: CorrelationContext, reporters: string[]): string[] {
  const last = (node: string): string | null => nodeFacts(ctx, node)?.clusterIds.at(-1) ?? null;
  const ids = new Set(reporters.map(last).filter((id): id is string => id !== null));
  const members = ctx.nodes.map((n) => n.name).filter((n) => reporters.includes(n) || ids.size === 0 || ids.has(last(n) ?? ''));
  return [...new Set([...reporters, ...members])].sort();
}

export function correlateNodeLocal(ctx: CorrelationContext): Diagnosis[] {
  const out: Diagnosis[] = [];
  for (const [id, t] of Object.entries(TEMPLATES) as [DiagnosisId, Template][]) {
    const found = findingsFor(ctx, id, t.floor);
    if (found.length === 0) continue;
    const reporters = [...new Set(found.map((f) => f.node))];
    const nodes = (id === 'tls-failure' ? oddOneOut(ctx, found) : null) ?? (t.clusterWide ? clusterOf(ctx, reporters) : reporters);
    const nodeWords = listWords(nodes);
    out.push({
      id,
      title: t.title(nodeWords),
      severity: maxSeverity(found),
      confidence: clamp01(0.6 + 0.1 * Math.min(3, found.length) + (found.some((f) => f.count > 1) ? 0.05 : 0)),
      affectedNodes: nodes,
      healthyNodes: others(ctx, nodes),
      explanation: t.explain(nodeWords, found, ctx),
      findings: found.map(refOf),
      symptoms: [],
      facts: {},
    });
  }
  return out;
}

export function correlateClockDrift(ctx: CorrelationContext): Diagnosis[] {
  const found = findingsFor(ctx, 'clock-drift', 'warning');
  if (found.length === 0) return [];
  // Every member complains about the drifting one; the one named by most peers is it.
  const named = found.flatMap((f) => (f.facts['remote-peer-id'] ?? []).map((id) => ({ id, by: f.node })));
  const { value: id } = majority(named.map((n) => n.id));
  const drifting = id ? describeMember(ctx, id) : null;
  const reporters = [...new Set(named.filter((n) => n.id === id).map((n) => n.by))];
  const drift = factValues(found, 'clock-drift')[0];
  return [
    {
      id: 'clock-drift',
      title: drifting ? `${drifting}'s clock is off` : 'Member clocks disagree',
      severity: maxSeverity(found, 'warning'),
      confidence: clamp01(drifting ? 0.6 + 0.1 * Math.min(3, reporters.length) : 0.5),
      affectedNodes: drifting ? [drifting] : [],
      healthyNodes: drifting ? others(ctx, [drifting]) : [],
      explanation:
        `${listWords(reporters.length > 0 ? reporters : [...new Set(found.map((f) => f.node))])} measured a clock difference${drift ? ` of ${drift}` : ''} against ${drifting ?? 'a peer'} (etcd warns above 1 s). ` +
        'Drift breaks lease TTLs and confuses operators reading logs. Synchronise every member with NTP (chrony or systemd-timesyncd).',
      findings: found.map(refOf),
      symptoms: [],
      facts: id ? { 'member-id': id } : {},
    },
  ];
}
