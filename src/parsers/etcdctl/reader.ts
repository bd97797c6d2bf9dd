// The line-driven etcdctl reader: recognises each output form in a stream of lines and builds a ClusterSnapshot.
import { isAlarmListJson, parseAlarmLine, parseAlarmListJson } from './alarm-list.js';
import {
  isEndpointHealthHeader,
  isEndpointHealthJson,
  parseEndpointHealthJson,
  parseEndpointHealthLine,
  parseEndpointHealthRow,
} from './endpoint-health.js';
import {
  isEndpointStatusHeader,
  isEndpointStatusJson,
  parseEndpointStatusJson,
  parseEndpointStatusLine,
  parseEndpointStatusRow,
} from './endpoint-status.js';
import { JsonPrefixChecker } from './json-prefix.js';
import { isMemberListHeader, isMemberListJson, parseMemberListJson, parseMemberListLine, parseMemberListRow } from './member-list.js';
import { SnapshotBuilder } from './snapshot.js';
import { appendWrappedCells, isTableBorder, normaliseHeader, pairTableRow, splitTableRow, type TableRow } from './table.js';
import { makeOutput, type EtcdctlKind, type EtcdctlReader, type EtcdctlResult, type ParsedOutput } from './types.js';
import { isV2MembersJson, parseClusterHealthLine, parseV2MemberLine, parseV2MembersJson } from './v2.js';
import { parseJsonExactly } from './values.js';

/** Past this, an accumulating JSON document is dropped (its lines are still consumed). */
export const MAX_JSON_BYTES = 16 * 1024 * 1024;
/** Past this many warnings, the rest are counted, not kept. */
export const MAX_WARNINGS = 200;

/** The simple (one line per item) parsers, tried in order; their patterns do not overlap. */
const LINE_PARSERS: ((line: string) => ParsedOutput | null)[] = [
  parseMemberListLine,
  parseEndpointStatusLine,
  parseEndpointHealthLine,
  parseAlarmLine,
  parseClusterHealthLine,
  parseV2MemberLine,
];

/** How a one-line etcdctl JSON document begins; a pretty-printed one begins with a bare "{" or "[". */
const JSON_STARTS = /^(?:\{"header":|\{"members":|\{"alarms":|\[\{"endpoint":|\[\{"Endpoint":)/;
/** A shell prompt line running `etcdctl ... alarm list`: its `{}` output (no alarms) is otherwise anonymous. */
const ALARM_LIST_COMMAND = /\betcdctl\b.*\balarm\s+list\b/;

interface TableState {
  phase: 'top' | 'head' | 'body';
  headers: string[];
  kind: EtcdctlKind | null;
  pending: { cells: string[]; lineNo: number } | null;
}

interface JsonState {
  startLine: number;
  lastLine: number;
  /** Pretty-printed lines join with "\n"; a one-line document hard-wrapped by a terminal joins with "". */
  pretty: boolean;
  chunks: string[] | null;
  bytes: number;
  checker: JsonPrefixChecker;
}

/** Creates a reader for one input; `source` names it in warnings and in each member, endpoint and alarm. */
export function createEtcdctlReader(source: string): EtcdctlReader {
  const builder = new SnapshotBuilder(source);
  const warnings: string[] = [];
  let droppedWarnings = 0;
  let table: TableState | null = null;
  let json: JsonState | null = null;
  let alarmListCommandSeen = false;

  function warnAt(lineNo: number, message: string): void {
    if (warnings.length < MAX_WARNINGS) warnings.push(`${source} line ${lineNo}: ${message}`);
    else droppedWarnings++;
  }

  function applyOutput(out: ParsedOutput, lineNo: number): void {
    builder.addKind(out.kind);
    for (const record of out.records) {
      const problem = builder.addRecord(record);
      if (problem !== null) warnAt(lineNo, problem);
    }
    for (const problem of out.problems) warnAt(lineNo, problem);
  }

  // ---- tables ----

  function readTableKind(headers: string[]): EtcdctlKind | null {
    if (isMemberListHeader(headers)) return 'member-list';
    if (isEndpointStatusHeader(headers)) return 'endpoint-status';
    if (isEndpointHealthHeader(headers)) return 'endpoint-health';
    return null;
  }

  function parseTableRow(kind: EtcdctlKind, row: TableRow): ParsedOutput {
    switch (kind) {
      case 'member-list':
        return parseMemberListRow(row);
      case 'endpoint-status':
        return parseEndpointStatusRow(row);
      default:
        return parseEndpointHealthRow(row);
    }
  }

  function flushTableRow(t: TableState): void {
    if (t.pending === null || t.kind === null) return;
    const { cells, lineNo } = t.pending;
    t.pending = null;
    const row = pairTableRow(t.headers, cells);
    if (row === null) {
      warnAt(lineNo, `table row has ${cells.length} cells, the header has ${t.headers.length}`);
      return;
    }
    applyOutput(parseTableRow(t.kind, row), lineNo);
  }

  /** true/false when the line belongs to (or ends with) the table; null when the table ended before it. */
  function continueTable(t: TableState, line: string, lineNo: number): boolean | null {
    if (isTableBorder(line)) {
      if (t.phase === 'head') t.phase = 'body';
      else if (t.phase === 'body') {
        flushTableRow(t);
        table = null;
      }
      return true;
    }
    const cells = splitTableRow(line);
    if (cells === null) {
      flushTableRow(t);
      table = null;
      return null;
    }
    if (t.phase === 'top') {
      const headers = cells.map(normaliseHeader);
      const kind = readTableKind(headers);
      if (kind === null) {
        table = null; // another command's table (endpoint hashkv, ...): not ours
        return false;
      }
      Object.assign(t, { phase: 'head', headers, kind });
      return true;
    }
    t.phase = 'body';
    if (t.pending !== null && cells[0] === '' && cells.length === t.pending.cells.length) {
      t.pending.cells = appendWrappedCells(t.pending.cells, cells);
      return true;
    }
    flushTableRow(t);
    t.pending = { cells, lineNo };
    return true;
  }

  // ---- JSON ----

  function classifyJson(doc: unknown): ParsedOutput | null {
    if (isMemberListJson(doc)) return parseMemberListJson(doc);
    if (isV2MembersJson(doc)) return parseV2MembersJson(doc);
    if (isEndpointStatusJson(doc)) return parseEndpointStatusJson(doc);
    if (isEndpointHealthJson(doc)) return parseEndpointHealthJson(doc);
    if (isAlarmListJson(doc)) return parseAlarmListJson(doc);
    return null;
  }

  /** Parses and applies a complete document; false when it is not an etcdctl output. */
  function applyJsonDocument(text: string, startLine: number): boolean {
    const trimmed = text.trim();
    if (trimmed === '{}' && alarmListCommandSeen) {
      applyOutput(makeOutput('alarm-list'), startLine);
      return true;
    }
    let doc: unknown;
    try {
      doc = parseJsonExactly(trimmed);
    } catch (e) {
      warnAt(startLine, `malformed JSON: ${(e as Error).message}`);
      return true;
    }
    const out = classifyJson(doc);
    if (out === null) return false;
    applyOutput(out, startLine);
    return true;
  }

  function startJson(line: string, lineNo: number): boolean {
    const text = line.trim();
    const checker = new JsonPrefixChecker();
    const state = checker.feedText(text);
    const looksEtcdctl = JSON_STARTS.test(text);
    if (state === 'complete') return applyJsonDocument(text, lineNo);
    if (state === 'invalid') {
      if (!looksEtcdctl) return false;
      warnAt(lineNo, 'malformed JSON');
      return true;
    }
    const pretty = text === '{' || text === '[';
    if (!pretty && !looksEtcdctl) return false;
    json = { startLine: lineNo, lastLine: lineNo, pretty, chunks: [text], bytes: text.length, checker };
    return true;
  }

  function warnTruncated(j: JsonState): void {
    const lines = j.lastLine === j.startLine ? `line ${j.startLine}` : `lines ${j.startLine}-${j.lastLine}`;
    warnAt(j.startLine, `truncated JSON (${lines} never close the document)`);
  }

  /** true when the line continues the document; null when it cannot, so the document was cut off before it. */
  function continueJson(j: JsonState, line: string, lineNo: number): boolean | null {
    const piece = j.pretty ? `\n${line}` : line;
    const before = j.checker.cloneChecker();
    const state = j.checker.feedText(piece);
    if (state === 'invalid') {
      j.checker = before;
      warnTruncated(j);
      json = null;
      return null;
    }
    j.lastLine = lineNo;
    j.bytes += piece.length;
    if (j.chunks !== null) {
      if (j.bytes > MAX_JSON_BYTES) {
        warnAt(j.startLine, `JSON document exceeds ${MAX_JSON_BYTES / 1024 / 1024} MB; dropped`);
        j.chunks = null;
      } else {
        j.chunks.push(piece);
      }
    }
    if (state === 'complete') {
      json = null;
      if (j.chunks !== null && !applyJsonDocument(j.chunks.join(''), j.startLine)) {
        warnAt(j.startLine, `JSON document (lines ${j.startLine}-${lineNo}) is not an etcdctl output; ignored`);
      }
    }
    return true;
  }

  // ---- lines ----

  function acceptFreshLine(line: string, lineNo: number): boolean {
    if (isTableBorder(line)) {
      table = { phase: 'top', headers: [], kind: null, pending: null };
      return true;
    }
    const cells = splitTableRow(line);
    if (cells !== null) {
      // A header row without its border (pasted into a ticket, say).
      const headers = cells.map(normaliseHeader);
      const kind = readTableKind(headers);
      if (kind === null) return false;
      table = { phase: 'body', headers, kind, pending: null };
      return true;
    }
    const first = line.trimStart().charAt(0);
    if (first === '{' || first === '[') {
      if (startJson(line, lineNo)) return true;
    }
    for (const parse of LINE_PARSERS) {
      const out = parse(line);
      if (out !== null) {
        applyOutput(out, lineNo);
        return true;
      }
    }
    if (line.includes('etcdctl')) alarmListCommandSeen = ALARM_LIST_COMMAND.test(line);
    return false;
  }

  function acceptLine(line: string, lineNo: number): boolean {
    if (json !== null) {
      const r = continueJson(json, line, lineNo);
      if (r !== null) return r;
    }
    if (table !== null) {
      const r = continueTable(table, line, lineNo);
      if (r !== null) return r;
    }
    return acceptFreshLine(line, lineNo);
  }

  return {
    accept(line: string, lineNo: number): boolean {
      try {
        return acceptLine(line, lineNo);
      } catch (e) {
        // Defensive: a parser bug must not stop the diagnosis.
        table = null;
        json = null;
        warnAt(lineNo, `could not read etcdctl output: ${(e as Error).message}`);
        return false;
      }
    },
    finish(): EtcdctlResult {
      try {
        if (table !== null) flushTableRow(table);
        if (json !== null) warnTruncated(json);
      } catch (e) {
        warnings.push(`${source}: could not finish reading etcdctl output: ${(e as Error).message}`);
      }
      table = null;
      json = null;
      const all = droppedWarnings > 0 ? [...warnings, `${source}: ${droppedWarnings} more warnings not shown`] : [...warnings];
      return { snapshot: builder.buildSnapshot(), kinds: builder.kinds(), warnings: all };
    },
  };
}
