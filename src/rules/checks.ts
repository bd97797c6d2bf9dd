// Named checks over the etcdctl snapshot, for rules whose logic fields cannot express.
// A rule names one with `check:`; the registry is this explicit map. Pure functions, no I/O.
import type { ClusterSnapshot, Endpoint, Member } from '../model/cluster.js';
import { CONTAINER_CHECKS } from './container-checks.js';

/** Who a hit is about; the engine turns it into a node name (aliases first). */
export interface CheckSubject {
  memberId?: string | null;
  endpoint?: string | null;
  name?: string | null;
}

export interface CheckHit {
  subject: CheckSubject;
  facts: Record<string, string[]>;
  /** The output the hit comes from and a one-line account of it. */
  evidence: { source: string; text: string }[];
}

export type SnapshotCheck = (snapshot: ClusterSnapshot) => CheckHit[];

export const CHECK_NAMES = [
  'member-unstarted',
  'endpoint-unhealthy',
  'alarm-active',
  'alarm-nospace',
  'alarm-corrupt',
  'leader-disagreement',
  'member-list-disagreement',
  'learner-not-promoted',
  'container-crash-loop',
  'container-oom-killed',
  'container-exited-error',
  'container-not-running',
] as const;
export type CheckName = (typeof CHECK_NAMES)[number];

function uniqueMembers(members: readonly Member[]): Member[] {
  const seen = new Map<string, Member>();
  for (const m of members) if (!seen.has(m.id)) seen.set(m.id, m);
  return [...seen.values()];
}

function endpointName(e: Endpoint): string {
  return e.endpoint;
}

/** The most common value, or null when there is a tie for the top. */
function majority(values: readonly string[]): string | null {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: string | null = null;
  let bestCount = 0;
  let tie = false;
  for (const [v, n] of counts) {
    if (n > bestCount) [best, bestCount, tie] = [v, n, false];
    else if (n === bestCount) tie = true;
  }
  return tie ? null : best;
}

/** Alarm lists print member IDs in decimal; the rest of etcd prints hex. */
function alarmMemberHex(id: string, known: ReadonlySet<string>): string {
  if (known.has(id) || !/^\d+$/.test(id)) return id;
  try {
    return BigInt(id).toString(16);
  } catch {
    return id;
  }
}

const memberUnstarted: SnapshotCheck = (snapshot) =>
  uniqueMembers(snapshot.members)
    .filter((m) => !m.started)
    .map((m) => ({
      subject: { memberId: m.id, name: m.name || null },
      facts: { 'member-id': [m.id], 'peer-urls': m.peerURLs },
      evidence: [{ source: m.source, text: `member ${m.id} is unstarted (peer URLs ${m.peerURLs.join(',') || 'none'})` }],
    }));

const endpointUnhealthy: SnapshotCheck = (snapshot) =>
  snapshot.endpoints
    .filter((e) => e.health === false)
    .map((e) => ({
      subject: { endpoint: e.endpoint, memberId: e.memberId },
      facts: { endpoint: [e.endpoint], ...(e.error ? { error: [e.error] } : {}) },
      evidence: [{ source: e.source, text: `${endpointName(e)} is unhealthy${e.error ? `: ${e.error}` : ''}` }],
    }));

const alarmActive: SnapshotCheck = (snapshot) => {
  const known = new Set(snapshot.members.map((m) => m.id));
  const hits = new Map<string, CheckHit>();
  const add = (memberId: string | null, endpoint: string | null, alarm: string, source: string, text: string) => {
    const key = `${memberId ?? endpoint}\u0000${alarm}`;
    if (hits.has(key)) return;
    hits.set(key, {
      subject: { memberId, endpoint },
      facts: { alarm: [alarm], ...(memberId ? { 'member-id': [memberId] } : {}), ...(endpoint ? { endpoint: [endpoint] } : {}) },
      evidence: [{ source, text }],
    });
  };
  for (const a of snapshot.alarms) {
    const id = alarmMemberHex(a.memberId, known);
    add(id, null, a.alarm, a.source, `alarm ${a.alarm} is active on member ${id}`);
  }
  for (const e of snapshot.endpoints) {
    for (const err of [...e.errors, ...(e.error ? [e.error] : [])]) {
      for (const alarm of alarmsInError(err)) {
        add(e.memberId, e.memberId ? null : e.endpoint, alarm, e.source, `${e.endpoint} reports ${err.trim()}`);
      }
    }
  }
  return [...hits.values()];
};

/**
 * Alarm names in an endpoint error: `alarm:NOSPACE` (the %v of an AlarmMember, as endpoint
 * status prints it) or 3.5+ endpoint health's `Active Alarm(s): NOSPACE CORRUPT`.
 */
export function alarmsInError(err: string): string[] {
  const out: string[] = [];
  for (const m of err.matchAll(/alarm:\s*([A-Z]+)/g)) out.push(m[1]!);
  const listed = /Active Alarm\(s\):((?: +[A-Z]+)+)/.exec(err);
  if (listed) out.push(...listed[1]!.trim().split(/ +/));
  return [...new Set(out)].filter((a) => a !== 'NONE');
}

/** alarm-active restricted to one alarm type, for rules that name their diagnosis. */
const alarmOfType =
  (type: string): SnapshotCheck =>
  (snapshot) =>
    alarmActive(snapshot).filter((hit) => hit.facts.alarm?.includes(type));

const leaderDisagreement: SnapshotCheck = (snapshot) => {
  const withLeader = snapshot.endpoints.filter((e) => e.leaderId !== null);
  const leaders = [...new Set(withLeader.map((e) => e.leaderId!))];
  if (leaders.length < 2) return [];
  const agreed = majority(withLeader.map((e) => e.leaderId!));
  return withLeader
    .filter((e) => agreed === null || e.leaderId !== agreed)
    .map((e) => ({
      subject: { endpoint: e.endpoint, memberId: e.memberId },
      facts: { endpoint: [e.endpoint], 'leader-id': [e.leaderId!], leaders },
      evidence: [{ source: e.source, text: `${e.endpoint} sees leader ${e.leaderId}, others see ${leaders.filter((l) => l !== e.leaderId).join(', ')}` }],
    }));
};

const memberListDisagreement: SnapshotCheck = (snapshot) => {
  const bySource = new Map<string, Set<string>>();
  for (const m of snapshot.members) {
    let ids = bySource.get(m.source);
    if (!ids) bySource.set(m.source, (ids = new Set()));
    ids.add(m.id);
  }
  if (bySource.size < 2) return [];
  const keyOf = (ids: Set<string>) => [...ids].sort().join(',');
  const agreed = majority([...bySource.values()].map(keyOf));
  const all = new Set(snapshot.members.map((m) => m.id));
  const hits: CheckHit[] = [];
  for (const [source, ids] of bySource) {
    const key = keyOf(ids);
    if (agreed !== null && key === agreed) continue;
    const reference = agreed === null ? all : new Set(agreed.split(','));
    const missing = [...reference].filter((id) => !ids.has(id)).sort();
    const extra = [...ids].filter((id) => !reference.has(id)).sort();
    if (agreed === null && missing.length === 0 && extra.length === 0) continue;
    hits.push({
      subject: { name: source },
      facts: { 'member-ids': [...ids].sort(), ...(missing.length ? { missing } : {}), ...(extra.length ? { extra } : {}) },
      evidence: [{ source, text: `${source} lists members ${[...ids].sort().join(', ')}` }],
    });
  }
  return hits;
};

const learnerNotPromoted: SnapshotCheck = (snapshot) =>
  uniqueMembers(snapshot.members)
    .filter((m) => m.isLearner)
    .map((m) => ({
      subject: { memberId: m.id, name: m.name || null },
      facts: { 'member-id': [m.id], 'peer-urls': m.peerURLs },
      evidence: [{ source: m.source, text: `member ${m.id}${m.name ? ` (${m.name})` : ''} is still a learner` }],
    }));

export const CHECKS: Record<CheckName, SnapshotCheck> = {
  'member-unstarted': memberUnstarted,
  'endpoint-unhealthy': endpointUnhealthy,
  'alarm-active': alarmActive,
  'alarm-nospace': alarmOfType('NOSPACE'),
  'alarm-corrupt': alarmOfType('CORRUPT'),
  'leader-disagreement': leaderDisagreement,
  'member-list-disagreement': memberListDisagreement,
  'learner-not-promoted': learnerNotPromoted,
  ...CONTAINER_CHECKS,
};
