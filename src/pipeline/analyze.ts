// The reading half of the pipeline: sources -> lines -> events and etcdctl snapshots -> the
// Report's inputs, nodes and cluster. Observers (the rule engine) see every event as it passes.
import type { ClusterSnapshot } from '../model/cluster.js';
import { emptySnapshot } from '../model/cluster.js';
import type { ContainerInfo } from '../model/container.js';
import type { LogEvent, RawLine } from '../model/event.js';
import type { InputSummary, NodeSummary } from '../model/report.js';
import { createEtcdctlReader, mergeSnapshots } from '../parsers/etcdctl/index.js';
import { LiteralScanner, type QuietTriggers, quietTriggers } from '../engine/prefilter.js';
import { LineParser, UNKNOWN_NODE_PREFIX, WRAPPER_REASON } from '../parsers/line-parser.js';
import { type TimeZoneSpec, UTC } from '../parsers/time.js';
import { SourceError } from '../sources/errors.js';
import { takesQuietFilter } from '../sources/file-source.js';
import type { QuietLineFilter } from '../sources/line-reader.js';
import type { LineSource } from '../sources/source.js';
import { NODE_STATS_TRIGGERS, NodeStats } from './node-stats.js';
import { resolveNodeNames } from './node-names.js';

export interface EventObserver {
  observe(event: LogEvent): void;
  /**
   * The literals an event must hold to matter to this observer (null: every event matters).
   * Observers without it see every event, and then no line takes the quiet path.
   */
  quietTriggers?(): QuietTriggers | null;
  /** Quiet events of a node already observed: the latest time among them and the last one's text. */
  observeQuiet?(node: string, lastTs: string | null, lastText: string): void;
}

export interface AnalyzeOptions {
  /** Containers inspected through the Docker Engine API, for the cluster snapshot. */
  containers?: ContainerInfo[];
  tz?: TimeZoneSpec;
  yearHint?: number;
  observers?: EventObserver[];
  /** Called after each source, for progress. */
  onSourceDone?: (source: LineSource) => void;
  /**
   * Take routine lines on raw bytes, unparsed (default true). The report is the same either
   * way (test/perf/equivalence.test.ts); false parses every line.
   */
  quietPath?: boolean;
}

interface QuietModel {
  has(node: string): boolean;
  observeQuiet(node: string, lastTs: string | null, lastText: string): void;
}

/** Lines analyze itself looks at: etcdctl's client log lines (isClientLine). */
const CLIENT_TRIGGERS: QuietTriggers = { literals: ['clientv3/', 'retry_interceptor.go'], fields: [] };

export interface Analysis {
  inputs: InputSummary[];
  nodes: NodeSummary[];
  cluster: ClusterSnapshot;
  /** Placeholder node keys -> the names shown (for the engine's findings). */
  nodeAliases: Map<string, string>;
  totals: { inputs: number; lines: number; events: number; unparsed: number };
  /** True when at least one input gave something etcddoctor recognised. */
  anythingRead: boolean;
  /** Which kinds of input were given: 'logs' and the etcdctl output kinds. */
  inputsGiven: Set<string>;
}

/** Client-side zap lines (clientv3's retry interceptor) that etcdctl prints beside its output. */
function isClientLine(e: LogEvent): boolean {
  const caller = e.fields.caller;
  return typeof caller === 'string' && (caller.startsWith('clientv3/') || caller.includes('retry_interceptor.go'));
}

function errorSummary(input: string, message: string, kind: InputSummary['kind'] = 'unknown'): InputSummary {
  return { input, kind, detected: null, ok: false, bytes: 0, lines: 0, unparsed: 0, errors: [message], warnings: [] };
}

/** Read every source in order and collect what the later stages need. Never throws on input. */
export async function analyzeSources(
  sources: LineSource[],
  inputErrors: { input: string; message: string }[],
  options: AnalyzeOptions = {},
): Promise<Analysis> {
  const stats = new NodeStats();
  const observers = options.observers ?? [];
  const inputs: InputSummary[] = inputErrors.map((e) => errorSummary(e.input, e.message));
  let cluster = { ...emptySnapshot(), containers: options.containers ?? [] };
  const inputsGiven = new Set<string>();
  let totalLines = 0;
  let totalEvents = 0;

  // the quiet path, when every observer can name what matters to it
  let scanner: LiteralScanner | null = null;
  let quietModel: QuietModel | null = null;
  if (options.quietPath !== false && observers.every((o) => typeof o.quietTriggers === 'function')) {
    const lists = observers.map((o) => o.quietTriggers!());
    const triggers = lists.every((l) => l !== null) ? quietTriggers([...(lists as QuietTriggers[]), NODE_STATS_TRIGGERS, CLIENT_TRIGGERS]) : null;
    const withQuiet = observers.filter((o) => o.observeQuiet !== undefined);
    // at most one observer keeps per-node last lines (the cluster model), and it must say which nodes it knows
    const model = withQuiet[0] as QuietModel | undefined;
    if (triggers !== null && withQuiet.length <= 1 && (model === undefined || typeof (model as Partial<QuietModel>).has === 'function')) {
      scanner = new LiteralScanner(triggers);
      quietModel = model ?? null;
    }
  }
  const tz = options.tz ?? UTC;
  const capnslogUtc = tz.kind === 'offset' && tz.minutes === 0;

  for (const source of sources) {
    let quiet: QuietPath | null = null;
    const parser = new LineParser({ tz: options.tz, yearHint: options.yearHint, beforeNode: (node) => quiet?.settle(node) });
    if (scanner !== null && takesQuietFilter(source)) quiet = new QuietPath(scanner, source, parser, stats, quietModel, capnslogUtc);
    const etcdctl = createEtcdctlReader(source.name);
    let events = 0;
    let etcdctlLines = 0;
    let unparsed = 0;
    const errors: string[] = [];
    try {
      const lines = quiet !== null && takesQuietFilter(source) ? (source.lines as (q: QuietLineFilter) => AsyncIterable<RawLine>).call(source, quiet) : source.lines();
      for await (const raw of lines) {
        const p = parser.parse(raw);
        if (p.kind === 'continuation') {
          stats.observeContinuation(p.node, p.nodeOrigin);
          continue;
        }
        if (p.kind === 'event' && isClientLine(p)) {
          // etcdctl's own client log (retries, deadlines) saved with its output: not a member's line.
          etcdctlLines++;
          continue;
        }
        if (p.kind === 'event') {
          events++;
          stats.observe(p);
          for (const o of observers) o.observe(p);
          if (quiet !== null) {
            const id = p.fields['local-member-id'];
            if (typeof id === 'string' && /^[0-9a-f]{1,16}$/.test(id)) quiet.localIds.set(p.node, id);
          }
          continue;
        }
        if (p.reason !== 'empty line' && etcdctl.accept(p.text, raw.lineNo)) {
          etcdctlLines++;
          continue;
        }
        if (p.reason === WRAPPER_REASON) {
          etcdctlLines++;
          continue;
        }
        if (p.reason === 'empty line') {
          etcdctl.accept('', raw.lineNo);
        } else {
          unparsed++;
        }
        stats.observe(p, raw.nodeOrigin ?? 'unknown');
      }
    } catch (err) {
      errors.push(err instanceof SourceError ? err.message.slice(source.name.length + 2) : String(err));
    }
    if (quiet !== null) {
      quiet.endChunk();
      events += quiet.count;
    }
    const result = etcdctl.finish();
    cluster = mergeSnapshots(cluster, result.snapshot);
    for (const k of result.kinds) inputsGiven.add(k);
    if (events > 0) inputsGiven.add('logs');
    if (source.kind === 'docker' && source.meta?.container !== undefined) inputsGiven.add('docker');

    const warnings = [...source.warnings, ...result.warnings];
    const recognised = events + etcdctlLines;
    if (errors.length === 0 && source.stats.lines === 0) warnings.push('empty: nothing to read');
    if (errors.length === 0 && recognised === 0 && source.stats.lines > 0) {
      // Not an etcd log nor etcdctl output: report it once instead of as unparsed lines of a node.
      stats.forgetUnparsed(source.name);
      warnings.push(`no etcd log lines or etcdctl output recognised in ${source.stats.lines} line(s); not used`);
    }
    totalLines += source.stats.lines;
    totalEvents += events;
    inputs.push({
      input: source.name,
      kind: events > 0 ? (source.kind === 'docker' ? 'docker' : 'log') : etcdctlLines > 0 ? 'etcdctl' : 'unknown',
      detected: result.kinds.length > 0 ? result.kinds.join(',') : null,
      ok: errors.length === 0 && (recognised > 0 || source.stats.lines === 0),
      bytes: source.stats.bytes,
      lines: source.stats.lines,
      unparsed: recognised > 0 ? unparsed : 0,
      errors,
      warnings,
    });
    options.onSourceDone?.(source);
  }

  const memberNames = stats.memberNames();
  const naming = resolveNodeNames(
    stats.nodeKeys().map((key) => ({ key, origin: originOf(key), memberName: memberNames.get(key) ?? null })),
  );
  const nodes = stats.summaries(naming.aliases, naming.nameFrom);
  return {
    inputs,
    nodes,
    cluster,
    nodeAliases: naming.aliases,
    totals: {
      inputs: inputs.length,
      lines: totalLines,
      events: totalEvents,
      unparsed: nodes.reduce((n, s) => n + s.unparsed, 0),
    },
    anythingRead: inputs.some((i) => i.ok && i.lines > 0),
    inputsGiven,
  };

  function originOf(key: string): string {
    return stats.originOf(key);
  }
}

/** Words compose never prints as a service name (prefixes.ts NOT_A_SERVICE). */
const NOT_A_SERVICE = new Set(['panic', 'goroutine', 'error', 'warning', 'info']);

const ZAP_HEAD = Buffer.from('{"level":"');
const ZAP_TS = Buffer.from('","ts":"');
const LOCAL_ID = Buffer.from('"local-member-id":"');
const KEY_LEVEL = Buffer.from('"level"');
const KEY_TS = Buffer.from('"ts"');
const KEY_MSG = Buffer.from('"msg"');
const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

const digit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const num2 = (b: Buffer, i: number): number => (b[i]! - 0x30) * 10 + (b[i + 1]! - 0x30);

/** `YYYY-MM-DD?HH:MM:SS.` at i: digits where digits go, and a real date (localToInstant's checks plus the day of month). */
function validStamp(b: Buffer, i: number, sep: number): boolean {
  for (const k of [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18]) if (!digit(b[i + k]!)) return false;
  if (b[i + 4] !== 0x2d || b[i + 7] !== 0x2d || b[i + 10] !== sep || b[i + 13] !== 0x3a || b[i + 16] !== 0x3a || b[i + 19] !== 0x2e) return false;
  const year = num2(b, i) * 100 + num2(b, i + 2);
  const month = num2(b, i + 5);
  const day = num2(b, i + 8);
  if (year < 1970 || month < 1 || month > 12 || day < 1) return false;
  const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > DAYS[month - 1]! + (leap ? 1 : 0)) return false;
  return num2(b, i + 11) <= 23 && num2(b, i + 14) <= 59 && num2(b, i + 17) <= 59;
}

/**
 * The next occurrence of a key in a chunk, searched forward only: lines are offered in order,
 * so a chunk costs one pass per key however many lines lack it.
 */
class KeyCursor {
  private at = -1;
  constructor(private readonly key: Buffer) {}

  reset(): void {
    this.at = -1;
  }

  /** The first occurrence at or after `from` (Infinity when none is left in the chunk). */
  next(b: Buffer, from: number): number {
    if (this.at < from) {
      const i = b.indexOf(this.key, from);
      this.at = i < 0 ? Infinity : i;
    }
    return this.at;
  }

  /** Where the key occurs in b[from, end) if exactly once there, else -1. */
  once(b: Buffer, from: number, end: number): number {
    const first = this.next(b, from);
    if (first >= end) return -1;
    return this.next(b, first + 1) < end ? -1 : first;
  }
}

/** Byte-wise a < b for two equal-length ranges of one buffer. */
function less(b: Buffer, x: number, y: number, len: number): boolean {
  for (let k = 0; k < len; k++) {
    const d = b[x + k]! - b[y + k]!;
    if (d !== 0) return d < 0;
  }
  return false;
}

interface QuietRun {
  count: number;
  /** Offsets of the stamp of the earliest and latest line, and where the stamp of this format is. */
  minTs: number;
  maxTs: number;
}

interface QuietNode {
  node: string;
  capnslog: QuietRun;
  zap: QuietRun;
  /** The last quiet line's text (after its prefix). */
  lastStart: number;
  lastEnd: number;
  pending: boolean;
}

const CAPNSLOG_TS_LEN = 26; // 2026-11-22 03:59:42.989189
const ZAP_TS_LEN = 24; // 2026-11-22T04:06:51.476Z

/**
 * The cheap path for routine lines, on raw bytes: a line is quiet when it is a capnslog or zap
 * JSON line at info level or below, of a node already seen, holding no backslash and none of
 * the literals any consumer looks for (engine/prefilter.ts quietTriggers), and, for zap, the
 * node's current local member ID if any. Such a line changes only counts, formats, first and
 * last times, the node's last line and the parser's last event; those are kept here per node
 * and applied (settle) before the node's next parsed line and at the end of each chunk, so
 * every report field is what parsing each line would have given.
 */
class QuietPath implements QuietLineFilter {
  private buf: Buffer = Buffer.alloc(0);
  private readonly hits: number[] = [];
  private readonly keyLevel = new KeyCursor(KEY_LEVEL);
  private readonly keyTs = new KeyCursor(KEY_TS);
  private readonly keyMsg = new KeyCursor(KEY_MSG);
  private readonly keyLocal = new KeyCursor(LOCAL_ID);
  private hit = 0;
  private readonly slashes: number[] = [];
  private slash = 0;
  private readonly byNode = new Map<string, QuietNode>();
  private readonly pendingNodes: QuietNode[] = [];
  /** The node's local member ID as a quiet zap line must repeat it. */
  readonly localIds = new Map<string, string>();
  private lastName: Buffer = Buffer.alloc(0);
  private lastNameString = '';
  count = 0;

  constructor(
    private readonly scanner: LiteralScanner,
    private readonly source: LineSource,
    private readonly parser: LineParser,
    private readonly stats: NodeStats,
    private readonly model: QuietModel | null,
    private readonly capnslogUtc: boolean,
  ) {}

  chunk(buf: Buffer, start: number, end: number): void {
    this.buf = buf;
    this.keyLevel.reset();
    this.keyTs.reset();
    this.keyMsg.reset();
    this.keyLocal.reset();
    this.scanner.scan(buf, start, end, this.hits);
    this.hit = 0;
    const slashes = this.slashes;
    slashes.length = 0;
    this.slash = 0;
    for (let i = buf.indexOf(0x5c, start); i >= 0 && i < end; i = buf.indexOf(0x5c, i + 1)) slashes.push(i);
  }

  line(b: Buffer, s: number, e: number): boolean {
    const hits = this.hits;
    while (this.hit < hits.length && hits[this.hit]! < s) this.hit++;
    if (this.hit < hits.length && hits[this.hit]! < e) return false;
    const slashes = this.slashes;
    while (this.slash < slashes.length && slashes[this.slash]! < s) this.slash++;
    if (this.slash < slashes.length && slashes[this.slash]! < e) return false;
    if (e - s < 40 || b[e - 1] === 0x0d) return false;

    // the node: a compose prefix (`etcd1_1  | `), or the source's own
    let p = s;
    let name: string | null = null;
    const c0 = b[s]!;
    if (c0 !== 0x7b && !digit(c0)) {
      let j = s;
      while (j < e && j - s < 128) {
        const c = b[j]!;
        if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || digit(c) || c === 0x5f || c === 0x2e || c === 0x2d) j++;
        else break;
      }
      if (j === s || b[j] !== 0x20 || !((c0 >= 0x61 && c0 <= 0x7a) || (c0 >= 0x41 && c0 <= 0x5a))) return false;
      const nameEnd = j;
      while (j < e && b[j] === 0x20) j++;
      if (b[j] !== 0x7c) return false;
      j++;
      if (b[j] === 0x20) j++;
      p = j;
      const len = nameEnd - s;
      if (len === this.lastName.length && b.compare(this.lastName, 0, len, s, nameEnd) === 0) {
        name = this.lastNameString;
      } else {
        name = b.toString('latin1', s, nameEnd);
        if (NOT_A_SERVICE.has(name.toLowerCase())) return false;
        this.lastName = Buffer.from(b.subarray(s, nameEnd));
        this.lastNameString = name;
      }
    }
    const src = this.source;
    const node = src.nodeOrigin === 'flag' && src.node !== undefined ? src.node : name ?? src.node ?? UNKNOWN_NODE_PREFIX + src.name;

    let zap: boolean;
    let ts: number;
    const c = b[p]!;
    if (c === 0x7b) {
      // {"level":"info","ts":"2026-11-22T04:06:51.476Z",...,"msg":"...",...}
      if (b[e - 1] !== 0x7d || b.compare(ZAP_HEAD, 0, ZAP_HEAD.length, p, p + ZAP_HEAD.length) !== 0) return false;
      let q = p + ZAP_HEAD.length;
      if (b[q] === 0x69 && b[q + 1] === 0x6e && b[q + 2] === 0x66 && b[q + 3] === 0x6f) q += 4; // info
      else if (b[q] === 0x64 && b[q + 1] === 0x65 && b[q + 2] === 0x62 && b[q + 3] === 0x75 && b[q + 4] === 0x67) q += 5; // debug
      else return false;
      if (b.compare(ZAP_TS, 0, ZAP_TS.length, q, q + ZAP_TS.length) !== 0) return false;
      ts = q + ZAP_TS.length;
      if (!validStamp(b, ts, 0x54) || !digit(b[ts + 20]!) || !digit(b[ts + 21]!) || !digit(b[ts + 22]!) || b[ts + 23] !== 0x5a || b[ts + 24] !== 0x22) return false;
      // one level, one ts, one string msg: what JSON.parse would keep
      if (this.keyLevel.once(b, p, e) < 0 || this.keyTs.once(b, p, e) < 0) return false;
      const m = this.keyMsg.once(b, p, e);
      if (m < 0 || b[m + 5] !== 0x3a || b[m + 6] !== 0x22) return false; // "msg":" : a string
      const id = this.keyLocal.next(b, p);
      if (id < e) {
        const v = id + LOCAL_ID.length;
        const close = b.indexOf(0x22, v);
        const known = this.localIds.get(node);
        if (known === undefined || close !== v + known.length || b.toString('latin1', v, close) !== known) return false;
      }
      zap = true;
    } else if (digit(c)) {
      // 2026-11-22 03:59:42.989189 I | etcdserver: ...
      if (!this.capnslogUtc || !validStamp(b, p, 0x20)) return false;
      for (let k = 20; k < 26; k++) if (!digit(b[p + k]!)) return false;
      const level = b[p + 27];
      if (b[p + 26] !== 0x20 || b[p + 28] !== 0x20 || b[p + 29] !== 0x7c || b[p + 30] !== 0x20) return false;
      if (level !== 0x49 && level !== 0x4e && level !== 0x44 && level !== 0x54) return false; // I N D T
      ts = p;
      zap = false;
    } else {
      return false;
    }

    let q = this.byNode.get(node);
    if (q === undefined) {
      if (!this.stats.has(node) || (this.model !== null && !this.model.has(node))) return false;
      q = { node, capnslog: { count: 0, minTs: 0, maxTs: 0 }, zap: { count: 0, minTs: 0, maxTs: 0 }, lastStart: 0, lastEnd: 0, pending: false };
      this.byNode.set(node, q);
    }
    const run = zap ? q.zap : q.capnslog;
    const len = zap ? ZAP_TS_LEN : CAPNSLOG_TS_LEN;
    if (run.count === 0) {
      run.minTs = ts;
      run.maxTs = ts;
    } else {
      if (less(b, ts, run.minTs, len)) run.minTs = ts;
      if (!less(b, ts, run.maxTs, len)) run.maxTs = ts;
    }
    run.count++;
    q.lastStart = p;
    q.lastEnd = e;
    if (!q.pending) {
      q.pending = true;
      this.pendingNodes.push(q);
    }
    this.count++;
    return true;
  }

  /** Apply what the quiet lines of `node` did, before a parsed line of it. */
  settle(node: string): void {
    const q = this.byNode.get(node);
    if (q !== undefined && q.pending) {
      this.apply(q);
      const i = this.pendingNodes.indexOf(q);
      if (i >= 0) this.pendingNodes.splice(i, 1);
    }
  }

  endChunk(): void {
    for (const q of this.pendingNodes) this.apply(q);
    this.pendingNodes.length = 0;
  }

  private apply(q: QuietNode): void {
    const b = this.buf;
    const iso = (at: number, zap: boolean): string =>
      zap ? b.toString('latin1', at, at + 23) + '000Z' : b.toString('latin1', at, at + 10) + 'T' + b.toString('latin1', at + 11, at + 26) + 'Z';
    let lastTs: string | null = null;
    for (const zap of [false, true]) {
      const run = zap ? q.zap : q.capnslog;
      if (run.count === 0) continue;
      const max = iso(run.maxTs, zap);
      this.stats.observeQuiet(q.node, this.source.name, zap ? 'zap-json' : 'capnslog', run.count, iso(run.minTs, zap), max);
      if (lastTs === null || max > lastTs) lastTs = max;
      run.count = 0;
    }
    this.model?.observeQuiet(q.node, lastTs, b.toString('utf8', q.lastStart, q.lastEnd));
    this.parser.noteQuiet(q.node);
    q.pending = false;
  }
}
