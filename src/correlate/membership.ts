// Correlators for membership failures: a member of another cluster, a removed member still
// running, a wiped member restarted as new, an unknown member, a member added but never started.
import type { Diagnosis, Finding } from '../model/report.js';
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

function diagnosis(d: Omit<Diagnosis, 'symptoms'>): Diagnosis {
  return { ...d, symptoms: [] };
}

/** The cluster ID a node currently believes in: its last startup line, else what it defended. */
function currentClusterId(ctx: CorrelationContext, node: string, mismatch: Finding[]): string | null {
  const facts = nodeFacts(ctx, node);
  const last = facts?.clusterIds[facts.clusterIds.length - 1];
  if (last) return last;
  const own = factValues(mismatch.filter((f) => f.node === node), 'local-member-cluster-id');
  return own.length === 1 ? own[0]! : null;
}

export function correlateClusterIdMismatch(ctx: CorrelationContext): Diagnosis[] {
  const found = findingsFor(ctx, 'cluster-id-mismatch');
  if (found.length === 0) return [];
  const involved = [...new Set(found.map((f) => f.node))];
  const candidates = [...new Set([...involved, ...ctx.nodes.map((n) => n.name)])];
  const believed = new Map<string, string>();
  for (const n of candidates) {
    const cid = currentClusterId(ctx, n, found);
    if (cid) believed.set(n, cid);
  }
  // The cluster the member list describes wins a tie; else the majority of nodes.
  const listed = ctx.cluster.clusterId;
  const { value: major, count } = majority([...believed.values()]);
  const good = listed && [...believed.values()].includes(listed) ? listed : major;
  let odd = [...believed.entries()].filter(([, c]) => c !== good).map(([n]) => n);
  // Nodes we have no log of, named only by the rejected member IDs the healthy side saw.
  const intruderIds = factValues(found.filter((f) => !odd.includes(f.node)), 'remote-peer-id');
  for (const id of intruderIds) {
    const n = nodeOfMember(ctx, id);
    if (n && !odd.includes(n) && believed.get(n) !== good) odd.push(n);
  }
  const ambiguous = !listed && count * 2 <= believed.size;
  if (odd.length === 0) odd = involved.filter((n) => believed.get(n) !== good);
  const healthy = others(ctx, odd);
  const oddIds = [...new Set(odd.map((n) => believed.get(n)).filter((x): x is string => !!x))];
  const rejecters = found.filter((f) => !odd.includes(f.node)).map((f) => f.node);
  const explanation =
    odd.length > 0 && good
      ? `${listWords([...new Set(rejecters)]) || 'The other members'} rejected ${listWords(odd)}'s raft messages: ` +
        `${listWords(odd)} ${odd.length > 1 ? 'are' : 'is'} in cluster ${oddIds.join(', ') || 'another cluster'}, ` +
        `the others in ${good}${listed === good ? ' (the cluster the member list describes)' : ''}. ` +
        `${listWords(odd)} was started as a new cluster (a different --initial-cluster-token, --initial-cluster or a wiped data dir with --initial-cluster-state new) on a peer address the cluster uses.`
      : `Members reject each other's raft messages because they belong to different clusters (${[...new Set(believed.values())].join(' vs ')}), and the logs do not show which side is the real cluster.`;
  return [
    diagnosis({
      id: 'cluster-id-mismatch',
      title: odd.length > 0 ? `${listWords(odd)} belongs to another cluster` : 'Members belong to different clusters',
      severity: 'critical',
      confidence: clamp01(odd.length === 0 ? 0.4 : ambiguous ? 0.55 : 0.6 + 0.1 * Math.min(3, new Set(rejecters).size) + (listed ? 0.1 : 0)),
      affectedNodes: odd,
      healthyNodes: healthy,
      explanation,
      findings: found.map(refOf),
      facts: {
        ...(good ? { 'cluster-id': good } : {}),
        ...(oddIds.length > 0 ? { 'odd-cluster-id': oddIds.join(',') } : {}),
      },
    }),
  ];
}

export function correlateMemberRemoved(ctx: CorrelationContext): Diagnosis[] {
  const found = findingsFor(ctx, 'member-removed');
  if (found.length === 0) return [];
  const affected = new Set<string>();
  const removedIds = new Set<string>();
  for (const f of found) {
    const ids = [...(f.facts['remote-peer-id-from'] ?? []), ...(f.facts['removed-member-id'] ?? []), ...(f.facts['removed-remote-peer-id'] ?? [])];
    if (ids.length === 0) {
      // The removed member's own side: "the member has been permanently removed".
      affected.add(f.node);
      for (const id of f.facts['local-member-id'] ?? []) removedIds.add(id);
    }
    for (const id of ids) {
      removedIds.add(id);
      const n = nodeOfMember(ctx, id);
      if (n) affected.add(n);
    }
  }
  const list = [...affected];
  const names = list.length > 0 ? list : [...removedIds].map((id) => describeMember(ctx, id));
  const rejecters = [...new Set(found.filter((f) => !affected.has(f.node)).map((f) => f.node))];
  return [
    diagnosis({
      id: 'member-removed',
      title: `${listWords(names)} was removed from the cluster but still runs with its old data`,
      severity: maxSeverity(found, 'error'),
      confidence: clamp01(0.6 + (list.length > 0 ? 0.2 : 0) + (rejecters.length > 0 ? 0.15 : 0)),
      affectedNodes: list,
      healthyNodes: others(ctx, list),
      explanation:
        `${listWords(names)} (member ${[...removedIds].join(', ') || '?'}) was removed with etcdctl member remove, ` +
        `then started again with its old data dir.` +
        (rejecters.length > 0 ? ` ${listWords(rejecters)} reject its streams since it was removed.` : '') +
        ' A removed member can never rejoin with that data: wipe its data dir, member add it again, and start it with --initial-cluster-state existing.',
      findings: found.map(refOf),
      facts: { ...(removedIds.size > 0 ? { 'removed-member-id': [...removedIds].join(',') } : {}) },
    }),
  ];
}

export function correlateAlreadyBootstrapped(ctx: CorrelationContext): Diagnosis[] {
  const found = findingsFor(ctx, 'already-bootstrapped');
  if (found.length === 0) return [];
  const affected = [...new Set(found.map((f) => f.node))];
  const ids = factValues(found, 'local-member-id', 'member-id');
  return [
    diagnosis({
      id: 'already-bootstrapped',
      title: `${listWords(affected)} lost its data and cannot restart as a new member`,
      severity: 'critical',
      confidence: 0.95,
      affectedNodes: affected,
      healthyNodes: others(ctx, affected),
      explanation:
        `${listWords(affected)} started with an empty data dir and --initial-cluster-state new, but the running cluster ` +
        `already lists it${ids.length > 0 ? ` as member ${ids.join(', ')}` : ''}: etcd refuses ("has already been bootstrapped") and exits. ` +
        'Its data was wiped or lost (a fresh volume, tmpfs, an emptyDir). Replace the member: member remove, member add, start with --initial-cluster-state existing.',
      findings: found.map(refOf),
      facts: { ...(ids.length > 0 ? { 'member-id': ids.join(',') } : {}) },
    }),
  ];
}

/**
 * "failed to find member X": either X is a stranger (a member removed or re-added under a new ID
 * whose old process still runs), or the reporter is the one behind (its data is older than the
 * cluster and does not know members the others know). Which: whether the others know X.
 */
export function correlateMemberNotFound(ctx: CorrelationContext): Diagnosis[] {
  const found = findingsFor(ctx, 'member-not-found', 'warning');
  if (found.length === 0) return [];
  const affected = new Set<string>();
  const strangers = new Set<string>();
  const behind = new Set<string>();
  for (const f of found) {
    // The receiver's side names the unknown sender; the sender's side ("peer P failed to find
    // local node L") names the peer that does not know it.
    for (const id of f.facts['remote-peer-id-from'] ?? f.facts['mismatch-member-id'] ?? []) {
      const owner = nodeOfMember(ctx, id);
      const knownToOthers = ctx.cluster.members.some((m) => m.id === id) || (owner !== null && owner !== f.node && nodeFacts(ctx, owner)?.fatal === null);
      if (knownToOthers) {
        affected.add(f.node);
        behind.add(f.node);
      } else {
        strangers.add(id);
        if (owner) affected.add(owner);
      }
    }
    if (f.facts['remote-peer-id-from'] === undefined && f.facts['mismatch-member-id'] === undefined) {
      for (const id of f.facts['remote-peer-id'] ?? []) {
        const peer = nodeOfMember(ctx, id);
        if (peer) {
          affected.add(peer);
          behind.add(peer);
        }
      }
    }
  }
  const list = [...affected].sort();
  const reporters = [...new Set(found.map((f) => f.node))];
  const explanation =
    behind.size > 0
      ? `${listWords([...behind])} does not know members the rest of the cluster knows: its member data is older than the cluster's ` +
        '(restored from an old copy, or it missed membership changes while down). '
      : `${listWords(reporters)} keep${reporters.length === 1 ? 's' : ''} receiving raft traffic from member ID ${[...strangers].join(', ') || '?'}, which no member knows: ` +
        'a member removed or re-added under a new ID while its old process or data still runs. ';
  return [
    diagnosis({
      id: 'member-not-found',
      title: behind.size > 0 ? `${listWords([...behind])} has an outdated view of the cluster's members` : 'Members receive traffic from an unknown member ID',
      severity: maxSeverity(found, 'warning'),
      confidence: clamp01(0.5 + (list.length > 0 ? 0.2 : 0) + 0.05 * Math.min(3, reporters.length)),
      affectedNodes: list,
      healthyNodes: others(ctx, list),
      explanation:
        explanation +
        'Check etcdctl member list on every node; replace the member (member remove, wipe its data dir, member add, start with --initial-cluster-state existing).',
      findings: found.map(refOf),
      facts: { ...(strangers.size > 0 ? { 'unknown-member-id': [...strangers].join(',') } : {}) },
    }),
  ];
}

export function correlateMemberUnstarted(ctx: CorrelationContext): Diagnosis[] {
  const found = findingsFor(ctx, 'member-unstarted');
  const unstarted = ctx.cluster.members.filter((m) => !m.started);
  if (found.length === 0 && unstarted.length === 0) return [];
  const names = unstarted.map((m) => describeMember(ctx, m.id));
  const affected = names.length > 0 ? names : [...new Set(found.map((f) => f.node))];
  const voters = ctx.cluster.members.filter((m) => !m.isLearner).length;
  const startedVoters = ctx.cluster.members.filter((m) => !m.isLearner && m.started).length;
  const quorum = Math.floor(voters / 2) + 1;
  return [
    diagnosis({
      id: 'member-unstarted',
      title: `${listWords(names.length > 0 ? names : affected)} was added but never started`,
      severity: startedVoters < quorum ? 'critical' : 'error',
      confidence: unstarted.length > 0 ? 0.9 : 0.6,
      affectedNodes: affected,
      healthyNodes: ctx.nodes.map((n) => n.name).filter((n) => !affected.includes(n)),
      explanation:
        `etcdctl member list shows ${listWords(unstarted.map((m) => `${m.id} (${m.peerURLs.join(',') || 'no peer URL'})`))} as unstarted: ` +
        'it was added with member add but no etcd process ever joined with that peer URL. ' +
        `The cluster now counts ${voters} voting members and needs ${quorum} for quorum (${startedVoters} started). ` +
        'Start the new member with the exact name and peer URL given to member add and --initial-cluster-state existing, or remove it (member remove) if it is not coming.',
      findings: found.map(refOf),
      facts: { ...(unstarted.length > 0 ? { 'member-id': unstarted.map((m) => m.id).join(',') } : {}) },
    }),
  ];
}
