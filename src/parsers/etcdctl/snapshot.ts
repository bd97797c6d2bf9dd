// Builds a ClusterSnapshot from etcdctl records, and merges snapshots: members by ID, endpoints by URL, alarms once.
import type { Alarm, ClusterSnapshot, Endpoint, Member } from '../../model/index.js';
import { blankEndpoint } from '../../model/cluster-values.js';
import type { EndpointFields, EtcdctlKind, EtcdctlRecord } from './types.js';

/** Accumulates records into keyed maps, so memory grows with the cluster, not with the input. */
export class SnapshotBuilder {
  private clusterId: string | null = null;
  private readonly members = new Map<string, Member>();
  private readonly endpoints = new Map<string, Endpoint>();
  private readonly alarms = new Map<string, Alarm>();
  private readonly outputs: EtcdctlKind[] = [];

  constructor(private readonly source: string) {}

  /** Adds a record; returns a problem when it contradicts what was read before (another cluster ID). */
  addRecord(record: EtcdctlRecord): string | null {
    switch (record.type) {
      case 'member': {
        const member: Member = { ...record.member, source: this.source };
        const old = this.members.get(member.id);
        this.members.set(member.id, old ? mergeMember(old, member) : member);
        return null;
      }
      case 'endpoint': {
        const key = normaliseEndpointKey(record.endpoint);
        const old = this.endpoints.get(key) ?? blankEndpoint(key, this.source);
        const row = applyEndpointFields(old, record.fields);
        this.endpoints.set(key, record.fallback ? fillEndpointGaps(row, record.fallback) : row);
        return null;
      }
      case 'alarm': {
        const alarm: Alarm = { ...record.alarm, source: this.source };
        this.alarms.set(`${alarm.memberId}/${alarm.alarm}`, alarm);
        return null;
      }
      case 'cluster-id':
        if (this.clusterId === null) this.clusterId = record.clusterId;
        else if (this.clusterId !== record.clusterId) {
          return `cluster ID ${record.clusterId} differs from ${this.clusterId} read earlier`;
        }
        return null;
    }
  }

  addKind(kind: EtcdctlKind): void {
    if (!this.outputs.includes(kind)) this.outputs.push(kind);
  }

  kinds(): EtcdctlKind[] {
    return [...this.outputs];
  }

  buildSnapshot(): ClusterSnapshot {
    return {
      clusterId: this.clusterId,
      members: [...this.members.values()],
      endpoints: [...this.endpoints.values()],
      alarms: [...this.alarms.values()],
      outputs: [...this.outputs],
      containers: [],
    };
  }
}

/** Endpoint key: the URL as given, without a trailing slash, so "http://a:2379/" and "http://a:2379" meet. */
export function normaliseEndpointKey(endpoint: string): string {
  return endpoint.trim().replace(/\/+$/, '');
}

/** Fills an endpoint row: a field the record knows (non-null) wins, errors accumulate. */
function applyEndpointFields(row: Endpoint, fields: EndpointFields): Endpoint {
  const next: Endpoint = { ...row, errors: [...row.errors] };
  for (const [key, value] of Object.entries(fields) as [keyof EndpointFields, unknown][]) {
    if (key === 'errors') {
      for (const e of (value as string[] | undefined) ?? []) if (!next.errors.includes(e)) next.errors.push(e);
    } else if (value !== null && value !== undefined) {
      (next as Record<string, unknown>)[key] = value;
    }
  }
  return next;
}

/** Fills only the fields still null: a summary line must not overwrite the specific error before it. */
function fillEndpointGaps(row: Endpoint, fallback: EndpointFields): Endpoint {
  const gaps = Object.fromEntries(
    Object.entries(fallback).filter(([key]) => (row as Record<string, unknown>)[key] === null),
  ) as EndpointFields;
  return applyEndpointFields(row, gaps);
}

/**
 * One member described twice: what either says it has (a name, URLs, started) wins, because a member
 * listed as unstarted in one output and started in another has started since.
 */
function mergeMember(a: Member, b: Member): Member {
  return {
    id: a.id,
    name: b.name || a.name,
    peerURLs: b.peerURLs.length > 0 ? b.peerURLs : a.peerURLs,
    clientURLs: b.clientURLs.length > 0 ? b.clientURLs : a.clientURLs,
    started: a.started || b.started,
    isLearner: a.isLearner || b.isLearner,
    source: a.source,
  };
}

/**
 * Merges the snapshots of several inputs into one: members keyed by id, endpoints keyed by endpoint
 * (health and status rows of the same endpoint merge into one row), alarms deduplicated, outputs united.
 * The first cluster ID wins; callers that care compare the inputs' cluster IDs themselves.
 */
export function mergeSnapshots(a: ClusterSnapshot, b: ClusterSnapshot): ClusterSnapshot {
  const members = new Map<string, Member>();
  for (const m of [...a.members, ...b.members]) {
    const old = members.get(m.id);
    members.set(m.id, old ? mergeMember(old, m) : m);
  }
  const endpoints = new Map<string, Endpoint>();
  for (const e of [...a.endpoints, ...b.endpoints]) {
    const key = normaliseEndpointKey(e.endpoint);
    const old = endpoints.get(key);
    if (!old) {
      endpoints.set(key, { ...e, endpoint: key, errors: [...e.errors] });
      continue;
    }
    const { endpoint: _endpoint, source: _source, ...fields } = e;
    endpoints.set(key, applyEndpointFields(old, fields));
  }
  const alarms = new Map<string, Alarm>();
  for (const al of [...a.alarms, ...b.alarms]) {
    const key = `${al.memberId}/${al.alarm}`;
    if (!alarms.has(key)) alarms.set(key, al);
  }
  return {
    clusterId: a.clusterId ?? b.clusterId,
    members: [...members.values()],
    endpoints: [...endpoints.values()],
    alarms: [...alarms.values()],
    outputs: [...new Set([...a.outputs, ...b.outputs])],
    // A container is one name: the later inspection of it wins.
    containers: [...new Map([...a.containers, ...b.containers].map((c) => [c.name, c])).values()],
  };
}
