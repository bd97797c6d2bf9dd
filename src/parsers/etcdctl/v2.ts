// Parsers for etcd v2 outputs: `etcdctl cluster-health`, v2 `etcdctl member list` and the JSON of GET /v2/members.
import { makeOutput, type EtcdctlRecord, type ParsedOutput } from './types.js';
import { memberRecord } from './member-list.js';
import { isObject, normaliseHexId, readStringArray, splitUrlList } from './values.js';

const MEMBER_RESULT = /^member ([0-9a-f]{1,16}) is (healthy|unhealthy): got (?:healthy|unhealthy) result from (\S+)$/;
const MEMBER_UNREACHABLE = /^member ([0-9a-f]{1,16}) is unreachable: \[(.*)\] are all unreachable$/;
const MEMBER_NO_URLS = /^member ([0-9a-f]{1,16}) is unreachable: no available published client urls$/;
const CHECK_FAILED = /^failed to check the health of member ([0-9a-f]{1,16}) on (\S+): (.*)$/;
const CLUSTER_VERDICT = /^cluster (?:is (?:healthy|degraded|unavailable)|may be unhealthy: failed to list members)$/;

/**
 * One line of `ETCDCTL_API=2 etcdctl cluster-health` (ctlv2/command/cluster_health.go):
 *   member 1770ca12c87a5cc2 is healthy: got healthy result from http://127.0.0.1:40111
 *   failed to check the health of member 21fd25a94792ce81 on http://127.0.0.1:40113: Get "http://127.0.0.1:40113/health": dial tcp 127.0.0.1:40113: connect: connection refused
 *   member 21fd25a94792ce81 is unreachable: [http://127.0.0.1:40113] are all unreachable
 *   member d7d1d82b038dc094 is unreachable: no available published client urls
 *   cluster is degraded
 */
export function parseClusterHealthLine(line: string): ParsedOutput | null {
  const text = line.trim();
  let m = MEMBER_RESULT.exec(text);
  if (m) {
    const healthy = m[2] === 'healthy';
    return makeOutput('cluster-health', [
      endpointOf(m[3] ?? '', m[1] ?? '', healthy, healthy ? null : 'got unhealthy result'),
    ]);
  }
  m = MEMBER_UNREACHABLE.exec(text);
  if (m) {
    const id = m[1] ?? '';
    // Go prints the []string with %v: "[http://a:2379 http://b:2379]".
    const urls = (m[2] ?? '').split(/\s+/).filter((u) => u !== '');
    // The "failed to check ... on URL: <error>" lines before this one say why; keep theirs.
    return makeOutput(
      'cluster-health',
      urls.map((url) => ({ ...endpointOf(url, id, false, null), fallback: { error: 'unreachable' } })),
    );
  }
  if (MEMBER_NO_URLS.test(text)) return makeOutput('cluster-health');
  m = CHECK_FAILED.exec(text);
  if (m) return makeOutput('cluster-health', [endpointOf(m[2] ?? '', m[1] ?? '', false, m[3] ?? '')]);
  if (CLUSTER_VERDICT.test(text)) return makeOutput('cluster-health');
  return null;
}

function endpointOf(url: string, memberId: string, health: boolean, error: string | null): EtcdctlRecord {
  return { type: 'endpoint', endpoint: url, fields: error === null ? { memberId, health } : { memberId, health, error } };
}

const V2_MEMBER = /^([0-9a-f]{1,16}): name=(\S*) peerURLs=(\S*) clientURLs=(\S*) isLeader=(true|false)$/;
const V2_UNSTARTED = /^([0-9a-f]{1,16})\[unstarted\]: peerURLs=(\S*)$/;

/**
 * One line of `ETCDCTL_API=2 etcdctl member list` (ctlv2/command/member_commands.go):
 *   1770ca12c87a5cc2: name=etcd1 peerURLs=http://127.0.0.1:40121 clientURLs=http://127.0.0.1:40111,http://127.0.0.1:40141 isLeader=true
 *   d7d1d82b038dc094[unstarted]: peerURLs=http://127.0.0.1:40124
 * isLeader lands on the member's client URL endpoints, the only place the model keeps it.
 */
export function parseV2MemberLine(line: string): ParsedOutput | null {
  const text = line.trim();
  let m = V2_MEMBER.exec(text);
  if (m) {
    const id = m[1] ?? '';
    const clientURLs = splitUrlList(m[4] ?? '');
    const isLeader = m[5] === 'true';
    const records: EtcdctlRecord[] = [
      memberRecord({ id, name: m[2] ?? '', peerURLs: splitUrlList(m[3] ?? ''), clientURLs, started: true, isLearner: false }),
    ];
    for (const url of clientURLs) {
      records.push({ type: 'endpoint', endpoint: url, fields: { memberId: id, isLeader, leaderId: isLeader ? id : null } });
    }
    return makeOutput('v2-members', records);
  }
  m = V2_UNSTARTED.exec(text);
  if (m) {
    return makeOutput('v2-members', [
      memberRecord({ id: m[1] ?? '', name: '', peerURLs: splitUrlList(m[2] ?? ''), clientURLs: [], started: false, isLearner: false }),
    ]);
  }
  return null;
}

/** Whether a parsed JSON document is GET /v2/members: {"members":[{"id":"<hex>",...}]} (no header). */
export function isV2MembersJson(doc: unknown): boolean {
  if (!isObject(doc) || !Array.isArray(doc.members) || 'header' in doc) return false;
  return doc.members.length > 0 && doc.members.every((m) => isObject(m) && typeof m.id === 'string');
}

/**
 * `curl http://HOST:2379/v2/members`, IDs as hex strings:
 *   {"members":[{"id":"d7d1d82b038dc094","name":"","peerURLs":["http://127.0.0.1:40124"],"clientURLs":[]}]}
 */
export function parseV2MembersJson(doc: unknown): ParsedOutput {
  const out = makeOutput('v2-members');
  if (!isObject(doc) || !Array.isArray(doc.members)) return out;
  for (const m of doc.members) {
    const id = isObject(m) && typeof m.id === 'string' ? normaliseHexId(m.id) : null;
    if (!isObject(m) || id === null) {
      out.problems.push('v2 member without a hex "id"');
      continue;
    }
    const name = typeof m.name === 'string' ? m.name : '';
    out.records.push(
      memberRecord({
        id,
        name,
        started: name !== '',
        peerURLs: readStringArray(m.peerURLs),
        clientURLs: readStringArray(m.clientURLs),
        isLearner: false,
      }),
    );
  }
  return out;
}
