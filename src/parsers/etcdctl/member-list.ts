// Parsers for `etcdctl member list` (v3): simple, -w table and -w json, etcdctl 3.3 to 3.6.
import { makeOutput, type EtcdctlRecord, type ParsedOutput } from './types.js';
import { convertJsonId, isObject, normaliseHexId, parseBoolText, readStringArray, splitSimpleFields, splitUrlList } from './values.js';
import type { TableRow } from './table.js';
import type { Member } from '../../model/index.js';

const SIMPLE_START = /^[0-9a-f]{1,16}, (?:started|unstarted), /;

/**
 * One line of `etcdctl member list` (simple). Fields are joined with ", " and URLs inside a field
 * with "," (no space), so splitting on ", " is exact. etcdctl 3.3 prints no IS LEARNER column.
 *   1770ca12c87a5cc2, started, etcd1, http://127.0.0.1:40121, http://127.0.0.1:40111,http://127.0.0.1:40141, false
 *   d7d1d82b038dc094, unstarted, , http://127.0.0.1:40124, , false
 */
export function parseMemberListLine(line: string): ParsedOutput | null {
  if (!SIMPLE_START.test(line)) return null;
  const f = splitSimpleFields(line);
  if (f.length !== 5 && f.length !== 6) {
    return makeOutput('member-list', [], [`member list line has ${f.length} columns, expected 5 or 6`]);
  }
  const isLearner = f.length === 6 ? parseBoolText(f[5] ?? '') : false;
  const id = normaliseHexId(f[0] ?? '');
  if (id === null || isLearner === null) {
    return makeOutput('member-list', [], ['member list line has an unreadable ID or IS LEARNER column']);
  }
  return makeOutput('member-list', [
    memberRecord({
      id,
      started: f[1] === 'started',
      name: f[2] ?? '',
      peerURLs: splitUrlList(f[3] ?? ''),
      clientURLs: splitUrlList(f[4] ?? ''),
      isLearner,
    }),
  ]);
}

/** Whether table headers are those of `member list -w table` (ID, STATUS, NAME, PEER ADDRS, CLIENT ADDRS[, IS LEARNER]). */
export function isMemberListHeader(headers: string[]): boolean {
  return headers[0] === 'ID' && headers.includes('STATUS') && headers.includes('PEER ADDRS');
}

/**
 * One data row of `etcdctl member list -w table`:
 *   | 1770ca12c87a5cc2 | started | etcd1 | http://127.0.0.1:40121 | http://127.0.0.1:40111,http://127.0.0.1:40141 |      false |
 */
export function parseMemberListRow(row: TableRow): ParsedOutput {
  const id = normaliseHexId(row.get('ID') ?? '');
  const isLearner = row.has('IS LEARNER') ? parseBoolText(row.get('IS LEARNER') ?? '') : false;
  if (id === null || isLearner === null) {
    return makeOutput('member-list', [], ['member list table row has an unreadable ID or IS LEARNER cell']);
  }
  return makeOutput('member-list', [
    memberRecord({
      id,
      started: row.get('STATUS') === 'started',
      name: row.get('NAME') ?? '',
      peerURLs: splitUrlList(row.get('PEER ADDRS') ?? ''),
      clientURLs: splitUrlList(row.get('CLIENT ADDRS') ?? ''),
      isLearner,
    }),
  ]);
}

/** Whether a parsed JSON document is `member list -w json` (a v3 response: members carry "ID"). */
export function isMemberListJson(doc: unknown): boolean {
  if (!isObject(doc) || !Array.isArray(doc.members)) return false;
  const first: unknown = doc.members[0];
  return isObject(doc.header) || (isObject(first) && 'ID' in first);
}

/**
 * `etcdctl member list -w json`, IDs as decimal uint64 (or hex strings with --hex in 3.5+, where 3.5
 * spells the key "clientURLS"). The document must come from parseJsonExactly so IDs stay exact:
 *   {"header":{"cluster_id":14158864846648603099,"member_id":2449155181339922049,"raft_term":2},"members":[{"ID":1689072042285620418,"name":"etcd1",...}]}
 */
export function parseMemberListJson(doc: unknown): ParsedOutput {
  const out = makeOutput('member-list');
  if (!isObject(doc) || !Array.isArray(doc.members)) return out;
  if (isObject(doc.header)) {
    const clusterId = convertJsonId(doc.header.cluster_id);
    if (clusterId !== null) out.records.push({ type: 'cluster-id', clusterId });
  }
  doc.members.forEach((m: unknown, i: number) => {
    if (!isObject(m)) return;
    const id = convertJsonId(m.ID);
    if (id === null) {
      out.problems.push(`member ${i + 1} has no readable ID`);
      return;
    }
    const name = typeof m.name === 'string' ? m.name : '';
    out.records.push(
      memberRecord({
        id,
        name,
        // etcdctl itself calls a member without a name unstarted (printer.go makeMemberListTable).
        started: name !== '',
        peerURLs: readStringArray(m.peerURLs),
        clientURLs: readStringArray(m.clientURLs ?? m.clientURLS),
        isLearner: m.isLearner === true,
      }),
    );
  });
  return out;
}

export function memberRecord(member: Omit<Member, 'source'>): EtcdctlRecord {
  return { type: 'member', member };
}
