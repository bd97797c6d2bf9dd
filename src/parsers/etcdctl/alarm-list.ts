// Parsers for `etcdctl alarm list`: the simple form (one protobuf text line per alarm) and -w json.
import { makeOutput, type ParsedOutput } from './types.js';
import { convertDecimalToHex, convertJsonId, isObject } from './values.js';

const ALARM_LINE = /^memberID:(\d+) alarm:([A-Z_]+)\s*$/;
/** etcdserverpb.AlarmType, as -w json prints the enum (rpc.proto). */
const ALARM_NAMES = ['NONE', 'NOSPACE', 'CORRUPT'];

/**
 * One line of `etcdctl alarm list` (simple): the member ID in decimal, with a trailing space:
 *   memberID:1689072042285620418 alarm:NOSPACE 
 */
export function parseAlarmLine(line: string): ParsedOutput | null {
  const m = ALARM_LINE.exec(line.trim());
  if (!m) return null;
  const memberId = convertDecimalToHex(m[1] ?? '');
  if (memberId === null) return makeOutput('alarm-list', [], [`alarm member ID ${m[1] ?? ''} is not a uint64`]);
  return makeOutput('alarm-list', [{ type: 'alarm', alarm: { memberId, alarm: m[2] ?? '' } }]);
}

/** Whether a parsed JSON document is `alarm list -w json`: {"alarms":[...]} (an empty list prints {}). */
export function isAlarmListJson(doc: unknown): boolean {
  return isObject(doc) && Array.isArray(doc.alarms);
}

/**
 * `etcdctl alarm list -w json`, the alarm as its enum number:
 *   {"alarms":[{"memberID":1689072042285620418,"alarm":1}]}
 */
export function parseAlarmListJson(doc: unknown): ParsedOutput {
  const out = makeOutput('alarm-list');
  if (!isObject(doc) || !Array.isArray(doc.alarms)) return out;
  for (const a of doc.alarms) {
    const memberId = isObject(a) ? convertJsonId(a.memberID ?? 0) : null;
    if (!isObject(a) || memberId === null) {
      out.problems.push('alarm entry without a readable "memberID"');
      continue;
    }
    const alarm = typeof a.alarm === 'number' ? (ALARM_NAMES[a.alarm] ?? `UNKNOWN(${a.alarm})`) : String(a.alarm ?? 'NONE');
    out.records.push({ type: 'alarm', alarm: { memberId, alarm } });
  }
  return out;
}
