// The reading half of the pipeline: sources -> lines -> events and etcdctl snapshots -> the
// Report's inputs, nodes and cluster. Observers (the rule engine) see every event as it passes.
import type { ClusterSnapshot } from '../model/cluster.js';
import { emptySnapshot } from '../model/cluster-values.js';
import type { ContainerInfo } from '../model/container.js';
import type { LogEvent, RawLine } from '../model/event.js';
import type { InputSummary, NodeSummary } from '../model/report.js';
import { createEtcdctlReader, mergeSnapshots } from '../parsers/etcdctl/index.js';
import { type QuietTriggers, quietTriggers } from '../engine/prefilter.js';
import { LineParser, UNKNOWN_NODE_PREFIX, WRAPPER_REASON } from '../parsers/line-parser.js';
import { type TimeZoneSpec, UTC } from '../parsers/time.js';
import { SourceError } from '../sources/errors.js';
import { type QuietSource, takesQuietFilter } from '../sources/file-source.js';
import type { QuietLineFilter } from '../sources/line-reader.js';
import type { LineSource } from '../sources/source.js';
import { NODE_STATS_TRIGGERS, NodeStats } from './node-stats.js';
import { PLAN_WORKERS_FROM, PlanWorkers, usePlanWorkers } from './plan-workers.js';
import { BATCH_HEAD, G_ID, G_RUNS, GROUP_INTS, nameHash, PLAN_PARSE, PrefixNames, RegionPlanner, STAMP_KINDS, STAMP_ZAP, stampInstant, stampLess } from './quiet-plan.js';
import { resolveNodeNames } from './node-names.js';

export interface EventObserver {
  observe(event: LogEvent): void;
  /**
   * The literals an event must hold to matter to this observer (null: every event matters).
   * Observers without it see every event, and then no line takes the quiet path.
   */
  quietTriggers?(): QuietTriggers | null;
  /** Quiet events of a node already observed: the latest time among them. */
  observeQuiet?(node: string, lastTs: string | null): void;
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
  /**
   * Plan the quiet path in worker threads: 'auto' (default) for inputs of PLAN_WORKERS_FROM
   * bytes or more, 'always' (one worker, any input: for tests) or 'never'.
   */
  planWorkers?: 'auto' | 'always' | 'never';
}

interface QuietModel {
  has(node: string): boolean;
  observeQuiet(node: string, lastTs: string | null): void;
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
  let triggers: string[] | null = null;
  let quietModel: QuietModel | null = null;
  if (options.quietPath !== false && observers.every((o) => typeof o.quietTriggers === 'function')) {
    const lists = observers.map((o) => o.quietTriggers!());
    const all = lists.every((l) => l !== null) ? quietTriggers([...(lists as QuietTriggers[]), NODE_STATS_TRIGGERS, CLIENT_TRIGGERS]) : null;
    const withQuiet = observers.filter((o) => o.observeQuiet !== undefined);
    // at most one observer keeps per-node last lines (the cluster model), and it must say which nodes it knows
    const model = withQuiet[0] as QuietModel | undefined;
    if (all !== null && withQuiet.length <= 1 && (model === undefined || typeof (model as Partial<QuietModel>).has === 'function')) {
      triggers = all;
      quietModel = model ?? null;
    }
  }
  const tz = options.tz ?? UTC;
  const planOptions = { capnslogUtc: tz.kind === 'offset' && tz.minutes === 0, transportWins: options.tz === undefined };
  const planner = triggers !== null ? new RegionPlanner(triggers, planOptions) : null;
  // large inputs are planned ahead in worker threads (plan-workers.ts), started on first need
  let workers: PlanWorkers | null | undefined;
  const workersFor = (source: LineSource): PlanWorkers | null => {
    if (triggers === null || !usePlanWorkers(source, options.planWorkers)) return null;
    if (workers === undefined) workers = PlanWorkers.start(triggers, planOptions, options.planWorkers === 'always' ? 1 : undefined);
    return workers;
  };

  try {
    for (const source of sources) {
      let quiet: QuietPath | null = null;
      const parser = new LineParser({ tz: options.tz, yearHint: options.yearHint, beforeNode: (node) => quiet?.settle(node) });
      if (planner !== null && takesQuietFilter(source)) quiet = new QuietPath(planner, source, parser, stats, quietModel);
      const etcdctl = createEtcdctlReader(source.name);
      let events = 0;
      let etcdctlLines = 0;
      let unparsed = 0;
      const errors: string[] = [];
      try {
        const take = (raw: RawLine): void => {
          const p = parser.parse(raw);
          if (p.kind === 'continuation') {
            stats.observeContinuation(p.node, p.nodeOrigin);
            return;
          }
          if (p.kind === 'event' && isClientLine(p)) {
            // etcdctl's own client log (retries, deadlines) saved with its output: not a member's line.
            etcdctlLines++;
            return;
          }
          if (p.kind === 'event') {
            events++;
            stats.observe(p);
            for (const o of observers) o.observe(p);
            if (quiet !== null) {
              const id = p.fields['local-member-id'];
              if (typeof id === 'string' && /^[0-9a-f]{1,16}$/.test(id)) quiet.localIds.set(p.node, id);
            }
            return;
          }
          if (p.reason !== 'empty line' && etcdctl.accept(p.text, raw.lineNo)) {
            etcdctlLines++;
            return;
          }
          if (p.reason === WRAPPER_REASON) {
            etcdctlLines++;
            return;
          }
          if (p.reason === 'empty line') {
            etcdctl.accept('', raw.lineNo);
          } else {
            unparsed++;
          }
          stats.observe(p, raw.nodeOrigin ?? 'unknown');
        };
        if (quiet !== null && takesQuietFilter(source)) {
          const ahead = workersFor(source)?.planner(source.size === undefined && options.planWorkers !== 'always' ? PLAN_WORKERS_FROM : 0);
          const q: QuietSource = source;
          if (q.lineBatches !== undefined) {
            for await (const batch of q.lineBatches(quiet, ahead)) for (const raw of batch) take(raw);
          } else {
            for await (const raw of q.lines(quiet, ahead)) take(raw);
          }
        } else {
          for await (const raw of source.lines()) take(raw);
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
  } finally {
    if (workers) await workers.close();
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

/** The format NodeStats counts a quiet line of a stamp kind as (a docker stamp is on a capnslog line). */
const formatOf = (kind: number): 'zap-json' | 'capnslog' => (kind === STAMP_ZAP ? 'zap-json' : 'capnslog');

interface QuietRun {
  /** Lines not yet counted into NodeStats (counted when the node's next line is parsed). */
  count: number;
  /** Whether minTs and maxTs hold stamps of this chunk (turned into times at its end). */
  stamped: boolean;
  /** Offsets of the stamp of the earliest and latest line. */
  minTs: number;
  maxTs: number;
}

interface QuietNode {
  node: string;
  /** Per stamp kind (quiet-plan.ts STAMP_*). */
  runs: QuietRun[];
  /** Quiet lines came after the node's last parsed line (the parser's last event of it is a quiet one). */
  sinceParsed: boolean;
  /** Listed in pendingNodes: something to apply at the chunk's end. */
  pending: boolean;
}

/**
 * The cheap path for routine lines, on raw bytes: a line is quiet when the planner
 * (quiet-plan.ts) finds it a candidate (capnslog or zap JSON at info level or below, no
 * backslash, none of the literals any consumer looks for) and, here, its node is already known
 * and, for zap, it repeats the node's current local member ID if it names one. Such a line
 * changes only counts, formats, first and last times, the node's last line and the parser's last
 * event; those are kept here per node and applied (settle) before the node's next parsed line
 * and at the end of each chunk, so every report field is what parsing each line would have given.
 * Candidates come in batches (runs with no line to parse between them): a batch is taken whole
 * when all its nodes pass, else line by line.
 */
class QuietPath implements QuietLineFilter {
  private buf: Buffer = Buffer.alloc(0);
  private plan: Int32Array = new Int32Array(0);
  private at = 0;
  /** Line-by-line through a batch that was not taken whole: the next line's start, and the batch's end. */
  private lineAt = -1;
  private lineTo = -1;
  lineStart = 0;
  lineEnd = 0;
  taken = 0;
  private readonly byNode = new Map<string, QuietNode>();
  private readonly pendingNodes: QuietNode[] = [];
  /** The node's local member ID as a quiet zap line must repeat it. */
  readonly localIds = new Map<string, string>();
  private readonly names = new PrefixNames();
  private readonly checked: (QuietNode | null)[] = [];
  count = 0;

  constructor(
    private readonly planner: RegionPlanner,
    private readonly source: LineSource,
    private readonly parser: LineParser,
    private readonly stats: NodeStats,
    private readonly model: QuietModel | null,
  ) {}

  chunk(buf: Buffer, from: number, to: number, plan: Int32Array | null): void {
    this.buf = buf;
    this.plan = plan ?? this.planner.plan(buf, from, to);
    this.at = 0;
    this.lineAt = -1;
  }

  next(): boolean {
    const plan = this.plan;
    const b = this.buf;
    for (;;) {
      if (this.lineAt >= 0) {
        // a batch line by line: each candidate is checked against the state of its moment
        while (this.lineAt <= this.lineTo) {
          const s = this.lineAt;
          const shape = this.planner.shape;
          const candidate = this.planner.classify(b, s);
          const e = this.planner.lineEnd;
          this.lineAt = e + 1;
          if (candidate) {
            const q = this.check(shape.nameStart, shape.nameEnd, shape.idStart, shape.idEnd);
            if (q !== null) {
              const ts = shape.ts;
              this.apply(q, shape.kind, ts, ts);
              this.taken++;
              continue;
            }
          }
          this.lineStart = s;
          this.lineEnd = e;
          return true;
        }
        this.lineAt = -1;
      }
      if (this.at >= plan.length) return false;
      const kind = plan[this.at]!;
      const s = plan[this.at + 1]!;
      const e = plan[this.at + 2]!;
      if (kind === PLAN_PARSE) {
        this.at += 3;
        this.lineStart = s;
        this.lineEnd = e;
        return true;
      }
      const groups = plan[this.at + 4]!;
      const first = this.at + BATCH_HEAD;
      this.at = first + groups * GROUP_INTS;
      if (this.takeBatch(plan, first, groups)) {
        this.taken += plan[first - 2]!;
        continue;
      }
      this.planner.begin(b, s, e);
      this.lineAt = s;
      this.lineTo = e;
    }
  }

  /** Take a whole batch if every group's node passes (nothing changes otherwise). */
  private takeBatch(plan: Int32Array, first: number, groups: number): boolean {
    // written by index, never emptied: `length = 0` would drop the array's store each batch
    const checked = this.checked;
    for (let k = 0, g = first; k < groups; k++, g += GROUP_INTS) {
      const q = this.check(plan[g]!, plan[g + 1]!, plan[g + G_ID]!, plan[g + G_ID + 1]!);
      if (q === null) return false;
      checked[k] = q;
    }
    for (let k = 0, g = first; k < groups; k++, g += GROUP_INTS) {
      const q = checked[k]!;
      for (let kind = 0, r = g + G_RUNS; kind < STAMP_KINDS; kind++, r += 3) {
        if (plan[r]! > 0) this.apply(q, kind, plan[r + 1]!, plan[r + 2]!, plan[r]!);
      }
    }
    return true;
  }

  /** The quiet state of the node a candidate belongs to, when its lines may be taken; else null. */
  private check(nameStart: number, nameEnd: number, idStart: number, idEnd: number): QuietNode | null {
    const b = this.buf;
    let name: string | null = null;
    if (nameStart >= 0) {
      name = this.names.name(this.names.id(b, nameStart, nameEnd, nameHash(b, nameStart, nameEnd)));
    }
    const src = this.source;
    const node = src.nodeOrigin === 'flag' && src.node !== undefined ? src.node : name ?? src.node ?? UNKNOWN_NODE_PREFIX + src.name;
    if (idStart >= 0) {
      const known = this.localIds.get(node);
      if (known === undefined || idEnd !== idStart + known.length) return null;
      for (let k = 0; k < known.length; k++) if (b[idStart + k] !== known.charCodeAt(k)) return null;
    }
    let q = this.byNode.get(node);
    if (q === undefined) {
      if (!this.stats.has(node) || (this.model !== null && !this.model.has(node))) return null;
      const runs: QuietRun[] = [];
      for (let k = 0; k < STAMP_KINDS; k++) runs.push({ count: 0, stamped: false, minTs: 0, maxTs: 0 });
      q = { node, runs, sinceParsed: false, pending: false };
      this.byNode.set(node, q);
    }
    return q;
  }

  /** Count `count` quiet lines of one stamp kind with these earliest and latest stamps. */
  private apply(q: QuietNode, kind: number, minTs: number, maxTs: number, count = 1): void {
    const b = this.buf;
    const run = q.runs[kind]!;
    if (!run.stamped) {
      run.stamped = true;
      run.minTs = minTs;
      run.maxTs = maxTs;
    } else {
      if (stampLess(b, kind, minTs, run.minTs)) run.minTs = minTs;
      if (!stampLess(b, kind, maxTs, run.maxTs)) run.maxTs = maxTs;
    }
    run.count += count;
    q.sinceParsed = true;
    if (!q.pending) {
      q.pending = true;
      this.pendingNodes.push(q);
    }
    this.count += count;
  }

  /**
   * Before a parsed line of `node`: what must precede it in order. Its counts go to NodeStats
   * (formats and sources keep their order of first sight), and the parser learns that the node's
   * last event was quiet. Times are minimum and maximum, so they wait for the chunk's end.
   */
  settle(node: string): void {
    const q = this.byNode.get(node);
    if (q === undefined || !q.pending) return;
    this.countQuiet(q);
    if (q.sinceParsed) {
      q.sinceParsed = false;
      this.parser.noteQuiet(node);
    }
  }

  endChunk(): void {
    const b = this.buf;
    for (const q of this.pendingNodes) {
      this.countQuiet(q);
      let lastTs: string | null = null;
      for (let kind = 0; kind < STAMP_KINDS; kind++) {
        const run = q.runs[kind]!;
        if (!run.stamped) continue;
        run.stamped = false;
        const max = stampInstant(b, kind, run.maxTs);
        this.stats.observeQuiet(q.node, this.source.name, formatOf(kind), 0, stampInstant(b, kind, run.minTs), max);
        if (lastTs === null || max > lastTs) lastTs = max;
      }
      this.model?.observeQuiet(q.node, lastTs);
      if (q.sinceParsed) this.parser.noteQuiet(q.node);
      q.sinceParsed = false;
      q.pending = false;
    }
    this.pendingNodes.length = 0;
  }

  /** Hand the node's uncounted quiet lines to NodeStats (no times: endChunk gives those). */
  private countQuiet(q: QuietNode): void {
    for (let kind = 0; kind < STAMP_KINDS; kind++) {
      const run = q.runs[kind]!;
      if (run.count === 0) continue;
      this.stats.observeQuiet(q.node, this.source.name, formatOf(kind), run.count, null, null);
      run.count = 0;
    }
  }
}
