// Recognises etcd's own line formats, after transport prefixes are gone, and splits each line
// into time, level, component, message and fields. One function per format, tried cheapest first.
import type { EventFields, Level, LogFormat } from '../model/event.js';
import { flatCopy } from './flat.js';
import { epochToInstant, isoToInstant, isPlainSecond, isUtc, localToInstant, plainUtcInstant, type TimeZoneSpec, twoDigits, UTC } from './time.js';

/** What a format parser finds in a line; the line parser adds node, ref and message facts. */
export interface LineParts {
  format: LogFormat;
  ts: string | null;
  level: Level;
  component: string;
  msg: string;
  fields: EventFields;
}

export interface FormatOptions {
  tz?: TimeZoneSpec;
}

const CAPNSLOG_LEVELS: Record<string, Level> = {
  C: 'critical',
  E: 'error',
  W: 'warn',
  N: 'notice',
  I: 'info',
  D: 'debug',
  T: 'debug',
};

const WORD_LEVELS: Record<string, Level> = {
  DEBUG: 'debug',
  INFO: 'info',
  NOTICE: 'notice',
  WARN: 'warn',
  WARNING: 'warn',
  ERROR: 'error',
  CRITICAL: 'critical',
  DPANIC: 'panic',
  PANIC: 'panic',
  FATAL: 'fatal',
};

/** The level words as loggers print them (upper and lower case), so most lines need no toUpperCase. */
const LEVEL_BY_WORD = new Map<string, Level>(Object.entries(WORD_LEVELS).flatMap(([w, l]) => [[w, l], [w.toLowerCase(), l]] as [string, Level][]));

function wordLevel(word: string | undefined, fallback: Level = 'info'): Level {
  if (!word) return fallback;
  return LEVEL_BY_WORD.get(word) ?? WORD_LEVELS[word.toUpperCase()] ?? fallback;
}

/**
 * capnslog, etcd 3.3/3.4's default:
 * `2026-11-22 02:33:25.764708 W | rafthttp: health check for peer 4db25673a9ab25d5 could not connect: ...`
 * With --debug a `[file.go:NN]` sits before the level letter. The line is read by hand as this
 * regex would (test/parsers/capnslog-fast.test.ts holds the two equal): it is the format of most
 * lines, and the regex's groups and the Date-based stamp were most of a line's cost.
 *   /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))? (?:\[([^\]]{1,200})\] )?([CEWNIDT]) \| (?:([a-z][\w./-]{0,60}): )?/
 */
export function parseCapnslog(line: string, o: FormatOptions): LineParts | null {
  const len = line.length;
  if (len < 24) return null;
  if (line.charCodeAt(4) !== 0x2d || line.charCodeAt(7) !== 0x2d || line.charCodeAt(10) !== 0x20 || line.charCodeAt(13) !== 0x3a || line.charCodeAt(16) !== 0x3a) return null;
  const y1 = twoDigits(line, 0);
  const y2 = twoDigits(line, 2);
  const month = twoDigits(line, 5);
  const day = twoDigits(line, 8);
  const hour = twoDigits(line, 11);
  const minute = twoDigits(line, 14);
  const second = twoDigits(line, 17);
  if ((y1 | y2 | month | day | hour | minute | second) < 0) return null;
  const year = y1 * 100 + y2;
  let p = 19;
  let fe = 19;
  if (line.charCodeAt(19) === 0x2e) {
    p = 20;
    while (p < len && p < 30 && isDigit(line.charCodeAt(p))) p++;
    if (p === 20 || p - 20 > 9) return null;
    fe = p;
  }
  if (line.charCodeAt(p) !== 0x20) return null;
  p++;
  let caller: string | undefined;
  if (line.charCodeAt(p) === 0x5b /* [ */) {
    const close = line.indexOf(']', p + 1);
    if (close < 0 || close === p + 1 || close - p - 1 > 200 || line.charCodeAt(close + 1) !== 0x20) return null;
    caller = line.slice(p + 1, close);
    p = close + 2;
  }
  const level = CAPNSLOG_LEVEL_BY_CODE[line.charCodeAt(p)];
  if (level === undefined || line.charCodeAt(p + 1) !== 0x20 || line.charCodeAt(p + 2) !== 0x7c || line.charCodeAt(p + 3) !== 0x20) return null;
  p += 4;
  let component = '';
  const c0 = line.charCodeAt(p);
  if (c0 >= 0x61 && c0 <= 0x7a) {
    let j = p + 1;
    const max = Math.min(len, p + 61);
    while (j < max && isComponentChar(line.charCodeAt(j))) j++;
    if (line.charCodeAt(j) === 0x3a && line.charCodeAt(j + 1) === 0x20) {
      component = line.slice(p, j);
      p = j + 2;
    }
  }
  const tz = o.tz ?? UTC;
  const ts = isUtc(tz) && isPlainSecond(year, month, day, hour, minute, second)
    ? plainUtcInstant(line, 0, fe === 19 ? 19 : 20, fe)
    : localToInstant(year, month, day, hour, minute, second, fe === 19 ? undefined : line.slice(20, fe), tz);
  const fields: EventFields = {};
  if (caller !== undefined) fields.caller = caller;
  return { format: 'capnslog', ts, level, component, msg: line.slice(p), fields };
}

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
/** `[\w./-]`: letters, digits, `_`, `.`, `/`, `-`. */
const isComponentChar = (c: number): boolean =>
  (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x2d && c <= 0x39) /* - . / 0-9 */ || c === 0x5f;
const CAPNSLOG_LEVEL_BY_CODE: (Level | undefined)[] = [];
for (const [letter, level] of Object.entries(CAPNSLOG_LEVELS)) CAPNSLOG_LEVEL_BY_CODE[letter.charCodeAt(0)] = level;

/**
 * etcd 3.4's raft package logging through Go's log package when etcd uses capnslog:
 * `raft2026/11/22 02:41:24 INFO: 52a1d530dc8029dd is starting a new election at term 1`.
 * Panicf writes no level word, so a line without one is the raft panic.
 */
const RAFT_STDLIB_RE = /^raft(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))? (?:(INFO|WARN|WARNING|ERROR|FATAL|DEBUG|PANIC): )?/;

export function parseRaftStdlib(line: string, o: FormatOptions): LineParts | null {
  const m = RAFT_STDLIB_RE.exec(line);
  if (!m) return null;
  return {
    format: 'raft-stdlib',
    ts: localToInstant(+m[1]!, +m[2]!, +m[3]!, +m[4]!, +m[5]!, +m[6]!, m[7], o.tz ?? UTC),
    level: m[8] ? wordLevel(m[8]) : 'panic',
    component: 'raft',
    msg: line.slice(m[0].length),
    fields: {},
  };
}

/**
 * gRPC's own logger, in every etcd version:
 * `WARNING: 2021/01/01 00:00:00 [core] grpc: addrConn.createTransport failed to connect to {...}`.
 */
const GRPC_RE = /^(INFO|WARNING|ERROR|FATAL): (\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))? (?:\[(\w+)\] )?/;

export function parseGrpc(line: string, o: FormatOptions): LineParts | null {
  const m = GRPC_RE.exec(line);
  if (!m) return null;
  return {
    format: 'grpc',
    ts: localToInstant(+m[2]!, +m[3]!, +m[4]!, +m[5]!, +m[6]!, +m[7]!, m[8], o.tz ?? UTC),
    level: wordLevel(m[1]),
    component: m[9] ? `grpc/${m[9]}` : 'grpc',
    msg: line.slice(m[0].length),
    fields: {},
  };
}

/**
 * Go's log package, as etcd 2.x wrote: `2016/01/02 15:04:05 etcdserver: published {...}`.
 * The message may begin with a level word (`etcdserver: WARNING: ...`) and 2.x had none otherwise.
 */
const GOLOG_RE = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))? (?:([a-z][\w./-]{0,60}): )?/;

export function parseGoLog(line: string, o: FormatOptions): LineParts | null {
  const m = GOLOG_RE.exec(line);
  if (!m) return null;
  const msg = line.slice(m[0].length);
  const lw = /^(WARNING|WARN|ERROR|FATAL|INFO|NOTICE|DEBUG|CRITICAL|PANIC): /.exec(msg);
  return {
    format: 'golog',
    ts: localToInstant(+m[1]!, +m[2]!, +m[3]!, +m[4]!, +m[5]!, +m[6]!, m[7], o.tz ?? UTC),
    level: lw ? wordLevel(lw[1]) : 'info',
    component: m[8] ?? '',
    msg: lw ? msg.slice(lw[0].length) : msg,
    fields: {},
  };
}

/** Components by caller: a log has few distinct callers (bounded, cleared when full). */
const componentByCaller = new Map<string, string>();

/** zap's caller `etcdserver/api/rafthttp/http.go:123` names the component `rafthttp`'s path. */
function componentFromCaller(caller: string): string {
  if (caller.length > 200) return callerComponent(caller);
  let c = componentByCaller.get(caller);
  if (c === undefined) {
    if (componentByCaller.size >= 4096) componentByCaller.clear();
    const key = flatCopy(caller);
    c = callerComponent(key);
    componentByCaller.set(key, c);
  }
  return c;
}

function callerComponent(caller: string): string {
  const slash = caller.lastIndexOf('/');
  if (slash < 0) return '';
  const dir = caller.slice(0, slash);
  // 3.6 raft callers point into the module: `v3@v3.6.0/raft.go:970`.
  if (/^v\d+@v[\d.]+/.test(dir)) return 'raft';
  return dir.replace(/^(server|client|pkg)\//, '');
}

function tsFromValue(v: unknown, tz: TimeZoneSpec): string | null {
  if (typeof v === 'number') {
    // Epoch seconds (zap's default EpochTimeEncoder); milliseconds or nanoseconds if that large.
    if (v > 1e17) return epochToInstant(v / 1e9);
    if (v > 1e11) return epochToInstant(v / 1e3);
    return epochToInstant(v);
  }
  if (typeof v === 'string') {
    const iso = isoToInstant(v, tz);
    if (iso !== null) return iso;
    const n = Number(v);
    if (v.trim() !== '' && Number.isFinite(n)) return tsFromValue(n, tz);
  }
  return null;
}

/**
 * zap JSON, etcd 3.4 with --logger=zap and every 3.5/3.6:
 * `{"level":"warn","ts":"2026-11-22T02:41:05.902Z","caller":"rafthttp/http.go:500","msg":"request cluster ID mismatch",...}`.
 * Returns null for JSON that is not a zap entry (no msg), so etcdctl's JSON can be tried next.
 */
export function parseZapJson(line: string, o: FormatOptions): LineParts | null {
  let obj: unknown;
  try {
    obj = JSON.parse(line);
  } catch {
    return null;
  }
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return null;
  const rec = obj as Record<string, unknown>;
  // One pass over the keys: zap's own (level ts caller msg logger stacktrace, or L T C M N S) aside,
  // the rest are the fields, in the line's order.
  let msgV: unknown, mV: unknown, levelV: unknown, lV: unknown, tsV: unknown, tV: unknown;
  let callerV: unknown, cV: unknown, loggerV: unknown, nV: unknown, stackV: unknown;
  const fields: EventFields = {};
  for (const key in rec) {
    switch (key) {
      case 'msg': msgV = rec[key]; break;
      case 'M': mV = rec[key]; break;
      case 'level': levelV = rec[key]; break;
      case 'L': lV = rec[key]; break;
      case 'ts': tsV = rec[key]; break;
      case 'T': tV = rec[key]; break;
      case 'caller': callerV = rec[key]; break;
      case 'C': cV = rec[key]; break;
      case 'logger': loggerV = rec[key]; break;
      case 'N': nV = rec[key]; break;
      case 'stacktrace': stackV = rec[key]; break;
      case 'S': break;
      // a `__proto__` key is a field like any other (JSON.parse made it an own property);
      // assigning it would set the fields' prototype, and every reader of the fields would then
      // see keys the line never held as fields
      case '__proto__': Object.defineProperty(fields, key, { value: rec[key], enumerable: true, writable: true, configurable: true }); break;
      default: fields[key] = rec[key];
    }
  }
  const msg = msgV ?? mV;
  if (typeof msg !== 'string') return null;
  const levelRaw = levelV ?? lV;
  if (levelRaw === undefined && tsV === undefined && tV === undefined) return null;
  const callerRaw = callerV ?? cV;
  const caller = typeof callerRaw === 'string' ? callerRaw : '';
  const loggerRaw = loggerV ?? nV;
  const logger = typeof loggerRaw === 'string' ? loggerRaw : '';
  if (caller) fields.caller = caller;
  if (typeof stackV === 'string') fields.stacktrace = stackV;
  return {
    format: 'zap-json',
    ts: tsFromValue(tsV ?? tV, o.tz ?? UTC),
    level: typeof levelRaw === 'string' ? wordLevel(levelRaw, 'info') : 'info',
    component: logger === 'raft' ? 'raft' : componentFromCaller(caller) || logger,
    msg,
    fields,
  };
}

/**
 * zap's console encoder (tab-separated), used by some wrappers and by etcd's --log-format=console:
 * `2026-11-22T02:33:25.764Z\tWARN\trafthttp/http.go:500\trequest cluster ID mismatch\t{"local-member-id":"..."}`.
 * A logger name may sit between the level and the caller.
 */
const ZAP_CONSOLE_RE = /^(\d{4}-\d{2}-\d{2}T\S+|\d{10}(?:\.\d+)?)\t([A-Za-z]+)\t/;

export function parseZapConsole(line: string, o: FormatOptions): LineParts | null {
  const m = ZAP_CONSOLE_RE.exec(line);
  if (!m) return null;
  const level = WORD_LEVELS[m[2]!.toUpperCase()];
  if (!level) return null;
  const cols = line.slice(m[0].length).split('\t');
  let component = '';
  let caller = '';
  // Columns before the message: an optional logger name, then an optional caller (file.go:NN).
  while (cols.length > 1) {
    const c = cols[0]!;
    if (/\.go:\d+$/.test(c)) {
      caller = c;
      cols.shift();
      break;
    }
    if (/^[\w.-]{1,40}$/.test(c) && !c.includes(' ') && cols.length > 2) {
      component = c;
      cols.shift();
      continue;
    }
    break;
  }
  const fields: EventFields = {};
  let msgCols = cols;
  const last = cols[cols.length - 1];
  if (cols.length > 1 && last !== undefined && last.startsWith('{') && last.endsWith('}')) {
    try {
      const parsed: unknown = JSON.parse(last);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
        Object.assign(fields, parsed);
        msgCols = cols.slice(0, -1);
      }
    } catch {
      // Not JSON after all: it stays part of the message.
    }
  }
  if (caller) fields.caller = caller;
  return {
    format: 'zap-console',
    ts: tsFromValue(m[1], o.tz ?? UTC),
    level,
    component: component === 'raft' ? 'raft' : componentFromCaller(caller) || component,
    msg: msgCols.join('\t'),
    fields,
  };
}

/**
 * The bitnami/etcd image's setup scripts: `etcd 02:33:25.12 INFO  ==> ** Starting etcd setup **`.
 * The stamp has no date, so the line's time comes from a transport prefix if any.
 */
const BITNAMI_RE = /^([a-z][\w-]{0,30}) (\d{2}:\d{2}:\d{2}\.\d{2}) (INFO|WARN|ERROR|DEBUG|SUCCESS) {0,3}==> ?/;

export function parseBitnami(line: string): LineParts | null {
  const m = BITNAMI_RE.exec(line);
  if (!m) return null;
  return {
    format: 'bitnami',
    ts: null,
    level: m[3] === 'SUCCESS' ? 'info' : wordLevel(m[3]),
    component: `bitnami/${m[1]!}`,
    msg: line.slice(m[0].length),
    fields: { 'time-of-day': m[2] },
  };
}

/**
 * Lines etcd prints with fmt rather than a logger:
 * `[WARNING] Deprecated '--logger=capnslog' flag is set; use '--logger=zap' flag instead`,
 * `etcd on unsupported platform without ETCD_UNSUPPORTED_ARCH=arm64 set`.
 */
const FMT_RE = /^\[(WARNING|ERROR|INFO)\] /;
const FMT_LITERALS: readonly [string, Level][] = [
  ['etcd on unsupported platform without ETCD_UNSUPPORTED_ARCH', 'critical'],
  ['running etcd on unsupported architecture', 'warn'],
];

export function parseFmt(line: string): LineParts | null {
  const m = FMT_RE.exec(line);
  if (m) {
    return { format: 'fmt', ts: null, level: wordLevel(m[1]), component: 'etcdmain', msg: line.slice(m[0].length), fields: {} };
  }
  for (const [prefix, level] of FMT_LITERALS) {
    if (line.startsWith(prefix)) {
      return { format: 'fmt', ts: null, level, component: 'etcdmain', msg: line, fields: {} };
    }
  }
  return null;
}

/**
 * A Go panic or runtime fatal error: `panic: tocommit(313) is out of range [lastIndex(13)]. ...`,
 * `fatal error: runtime: out of memory`. The goroutine dump that follows is continuation.
 */
const PANIC_RE = /^(panic|fatal error): /;

export function parsePanic(line: string): LineParts | null {
  const m = PANIC_RE.exec(line);
  if (!m) return null;
  return {
    format: 'panic',
    ts: null,
    level: m[1] === 'panic' ? 'panic' : 'fatal',
    component: 'go',
    msg: line.slice(m[0].length),
    fields: {},
  };
}

/** Lines of a goroutine dump or zap stacktrace that belong to the event before them. */
const CONTINUATION_RE =
  /^(?:\t|goroutine \d+ \[|created by |\[signal |signal [A-Z]+|\s*$|[\w./*()-]+\(.*\)$|\[recovered\]|\s+panic: |exit status \d+|runtime\.|main\.main\()/;

export function isContinuationLine(line: string): boolean {
  return CONTINUATION_RE.test(line);
}

/**
 * Parse etcd's own text (prefixes already removed) as one of its formats, or null.
 * The first character picks the candidates so most lines try one regex only.
 */
export function parseFormats(line: string, o: FormatOptions = {}): LineParts | null {
  const c = line.charCodeAt(0);
  if (c === 0x7b /* { */) return parseZapJson(line, o);
  if (c >= 0x30 && c <= 0x39 /* digit */) {
    return parseCapnslog(line, o) ?? parseZapConsole(line, o) ?? parseGoLog(line, o);
  }
  if (c === 0x72 /* r */ && line.startsWith('raft')) return parseRaftStdlib(line, o);
  if (c === 0x5b /* [ */) return parseFmt(line);
  if (c === 0x70 /* p */ || c === 0x66 /* f */) return parsePanic(line);
  if (c >= 0x41 && c <= 0x5a /* A-Z */) return parseGrpc(line, o) ?? parseFmt(line);
  if (c >= 0x61 && c <= 0x7a /* a-z */) return parseBitnami(line) ?? parseFmt(line);
  return null;
}
