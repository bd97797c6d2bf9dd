// The reading half of the pipeline: sources -> lines -> events and etcdctl snapshots -> the
// Report's inputs, nodes and cluster. Observers (the rule engine) see every event as it passes.
import type { ClusterSnapshot } from '../model/cluster.js';
import { emptySnapshot } from '../model/cluster.js';
import type { ContainerInfo } from '../model/container.js';
import type { LogEvent } from '../model/event.js';
import type { InputSummary, NodeSummary } from '../model/report.js';
import { createEtcdctlReader, mergeSnapshots } from '../parsers/etcdctl/index.js';
import { LineParser, WRAPPER_REASON } from '../parsers/line-parser.js';
import type { TimeZoneSpec } from '../parsers/time.js';
import { SourceError } from '../sources/errors.js';
import type { LineSource } from '../sources/source.js';
import { NodeStats } from './node-stats.js';
import { resolveNodeNames } from './node-names.js';

export interface EventObserver {
  observe(event: LogEvent): void;
}

export interface AnalyzeOptions {
  /** Containers inspected through the Docker Engine API, for the cluster snapshot. */
  containers?: ContainerInfo[];
  tz?: TimeZoneSpec;
  yearHint?: number;
  observers?: EventObserver[];
  /** Called after each source, for progress. */
  onSourceDone?: (source: LineSource) => void;
}

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

  for (const source of sources) {
    const parser = new LineParser({ tz: options.tz, yearHint: options.yearHint });
    const etcdctl = createEtcdctlReader(source.name);
    let events = 0;
    let etcdctlLines = 0;
    let unparsed = 0;
    const errors: string[] = [];
    try {
      for await (const raw of source.lines()) {
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
