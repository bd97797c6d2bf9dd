// Parsers for `etcdctl endpoint status`: simple, -w table and -w json, with the 3.3, 3.4/3.5 and 3.6 column sets.
import { makeOutput, type EndpointFields, type ParsedOutput } from './types.js';
import {
  convertJsonId,
  convertJsonNumber,
  isObject,
  normaliseHexId,
  parseBoolText,
  parseCountText,
  parseHumanBytes,
  readStringArray,
  splitSimpleFields,
} from './values.js';
import type { TableRow } from './table.js';

const SIMPLE_START = /^\S+, [0-9a-f]{1,16}, \d+\.\d+\.\d+\S*, /;
const STATUS_FAILED = /^Failed to get the status of endpoint (\S+) \((.*)\)$/;

/**
 * The columns of each simple layout (printer.go makeEndpointStatusTable). ERRORS is itself joined with
 * ", ", so it takes whatever is left between the fixed columns.
 */
const LAYOUTS = {
  // etcd 3.3: endpoint, ID, version, db size, is leader, raft term, raft index
  v33: ['ENDPOINT', 'ID', 'VERSION', 'DB SIZE', 'IS LEADER', 'RAFT TERM', 'RAFT INDEX'],
  // etcd 3.4 and 3.5
  v34: ['ENDPOINT', 'ID', 'VERSION', 'DB SIZE', 'IS LEADER', 'IS LEARNER', 'RAFT TERM', 'RAFT INDEX', 'RAFT APPLIED INDEX', 'ERRORS'],
  // etcd 3.6
  v36: [
    'ENDPOINT', 'ID', 'VERSION', 'STORAGE VERSION', 'DB SIZE', 'IN USE', 'PERCENTAGE NOT IN USE', 'QUOTA',
    'IS LEADER', 'IS LEARNER', 'RAFT TERM', 'RAFT INDEX', 'RAFT APPLIED INDEX', 'ERRORS',
    'DOWNGRADE TARGET VERSION', 'DOWNGRADE ENABLED',
  ],
} as const;

/**
 * One line of `etcdctl endpoint status` (simple), any version:
 *   http://127.0.0.1:40111, 1770ca12c87a5cc2, 3.4.23, 115 kB, true, false, 2, 16, 16, memberID:1689072042285620418 alarm:NOSPACE 
 * and the stderr line for an endpoint that did not answer:
 *   Failed to get the status of endpoint http://127.0.0.1:40113 (context deadline exceeded)
 */
export function parseEndpointStatusLine(line: string): ParsedOutput | null {
  const failed = STATUS_FAILED.exec(line.trim());
  if (failed) {
    return makeOutput('endpoint-status', [
      { type: 'endpoint', endpoint: failed[1] ?? '', fields: { errors: [`failed to get status: ${failed[2] ?? ''}`] } },
    ]);
  }
  if (!SIMPLE_START.test(line)) return null;
  const f = splitSimpleFields(line);
  const row = pairSimpleColumns(f);
  if (row === null) {
    return makeOutput('endpoint-status', [], [`endpoint status line has ${f.length} columns, matching no etcdctl version`]);
  }
  return parseEndpointStatusRow(row);
}

/** Maps simple-form fields to column names, choosing the layout by where the booleans are. */
function pairSimpleColumns(f: string[]): TableRow | null {
  const isBool = (i: number): boolean => parseBoolText(f[i] ?? '') !== null;
  let layout: readonly string[];
  if (f.length === 7 && isBool(4)) layout = LAYOUTS.v33;
  else if (f.length >= 10 && isBool(4) && isBool(5)) layout = LAYOUTS.v34;
  else if (f.length >= 16 && isBool(8) && isBool(9) && (f[6] ?? '').endsWith('%')) layout = LAYOUTS.v36;
  else return null;
  const errorsAt = layout.indexOf('ERRORS');
  const row: TableRow = new Map();
  if (errorsAt < 0) {
    layout.forEach((name, i) => row.set(name, f[i] ?? ''));
    return row;
  }
  const after = layout.length - errorsAt - 1;
  layout.slice(0, errorsAt).forEach((name, i) => row.set(name, f[i] ?? ''));
  row.set('ERRORS', f.slice(errorsAt, f.length - after).join(', '));
  layout.slice(errorsAt + 1).forEach((name, i) => row.set(name, f[f.length - after + i] ?? ''));
  return row;
}

/** Whether table headers are those of `endpoint status -w table` (ENDPOINT, ID, VERSION, DB SIZE, ...). */
export function isEndpointStatusHeader(headers: string[]): boolean {
  return headers[0] === 'ENDPOINT' && headers.includes('ID') && headers.includes('DB SIZE');
}

/**
 * One data row of `etcdctl endpoint status -w table`, columns by name so every version reads alike:
 *   | http://127.0.0.1:40111 | 1770ca12c87a5cc2 |  3.4.23 |   25 kB |     false |      false |         2 |          8 |                  8 |        |
 */
export function parseEndpointStatusRow(row: TableRow): ParsedOutput {
  const endpoint = row.get('ENDPOINT') ?? '';
  const memberId = normaliseHexId(row.get('ID') ?? '');
  if (endpoint === '' || memberId === null) {
    return makeOutput('endpoint-status', [], ['endpoint status row has an unreadable ENDPOINT or ID']);
  }
  const isLeader = parseBoolText(row.get('IS LEADER') ?? '');
  const inUse = row.get('IN USE');
  const errors = (row.get('ERRORS') ?? '').trim();
  const fields: EndpointFields = {
    memberId,
    isLeader,
    // A row says only whether this member leads; its own ID is the leader's when it does.
    leaderId: isLeader === true ? memberId : null,
    isLearner: row.has('IS LEARNER') ? parseBoolText(row.get('IS LEARNER') ?? '') : false,
    version: row.get('VERSION') || null,
    dbSize: parseHumanBytes(row.get('DB SIZE') ?? ''),
    dbSizeInUse: inUse === undefined ? null : parseHumanBytes(inUse),
    raftTerm: parseCountText(row.get('RAFT TERM') ?? ''),
    raftIndex: parseCountText(row.get('RAFT INDEX') ?? ''),
    raftAppliedIndex: parseCountText(row.get('RAFT APPLIED INDEX') ?? ''),
    errors: errors === '' ? [] : [errors],
  };
  return makeOutput('endpoint-status', [{ type: 'endpoint', endpoint, fields }]);
}

/** Whether a parsed JSON document is `endpoint status -w json`: [{"Endpoint":...,"Status":{...}}]. */
export function isEndpointStatusJson(doc: unknown): boolean {
  return Array.isArray(doc) && doc.length > 0 && doc.every((e) => isObject(e) && 'Endpoint' in e && 'Status' in e);
}

/**
 * `etcdctl endpoint status -w json`, IDs as decimal uint64 (from parseJsonExactly):
 *   [{"Endpoint":"http://127.0.0.1:40111","Status":{"header":{"cluster_id":14158864846648603099,"member_id":1689072042285620418,...},"version":"3.4.23","dbSize":20480,"leader":1689072042285620418,...}}]
 */
export function parseEndpointStatusJson(doc: unknown): ParsedOutput {
  const out = makeOutput('endpoint-status');
  if (!Array.isArray(doc)) return out;
  for (const e of doc) {
    const status = isObject(e) ? e.Status : undefined;
    if (!isObject(e) || typeof e.Endpoint !== 'string' || !isObject(status)) {
      out.problems.push('endpoint status entry without a string "Endpoint" and an object "Status"');
      continue;
    }
    const header = isObject(status.header) ? status.header : {};
    const clusterId = convertJsonId(header.cluster_id);
    if (clusterId !== null) out.records.push({ type: 'cluster-id', clusterId });
    const memberId = convertJsonId(header.member_id);
    // "leader" is omitted (zero) when the member knows no leader.
    const leaderId = status.leader === undefined ? null : convertJsonId(status.leader);
    out.records.push({
      type: 'endpoint',
      endpoint: e.Endpoint,
      fields: {
        memberId,
        leaderId,
        isLeader: memberId !== null && leaderId === memberId,
        isLearner: status.isLearner === true,
        version: typeof status.version === 'string' ? status.version : null,
        dbSize: convertJsonNumber(status.dbSize ?? 0),
        dbSizeInUse: status.dbSizeInUse === undefined ? null : convertJsonNumber(status.dbSizeInUse),
        raftTerm: convertJsonNumber(status.raftTerm ?? 0),
        raftIndex: convertJsonNumber(status.raftIndex ?? 0),
        raftAppliedIndex: status.raftAppliedIndex === undefined ? null : convertJsonNumber(status.raftAppliedIndex),
        errors: readStringArray(status.errors).map((err) => err.trim()),
      },
    });
  }
  return out;
}
