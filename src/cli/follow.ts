// `etcddoctor logs --docker ... --follow`: keeps the containers' log streams open, feeds each line
// through the same parser, rule engine and cluster model as a one-shot run, and every few seconds
// re-runs the pure correlation over their running state, printing only the diagnoses that appeared
// or cleared. Container state and etcdctl output are refreshed now and then; a container that
// stopped and came back is read again from where it stopped. Ends on the abort signal (Ctrl-C)
// with a one-line summary. Memory stays bounded: the engine, model and stats are.
import type { ClusterSnapshot } from '../model/cluster.js';
import { emptySnapshot } from '../model/cluster-values.js';
import type { ContainerInfo } from '../model/container.js';
import type { LogEvent, RawLine } from '../model/event.js';
import type { Diagnosis, Verdict } from '../model/report.js';
import { ClusterModelBuilder, correlate, judge, type RuleInfo } from '../correlate/index.js';
import { createEngine, type Engine } from '../engine/index.js';
import { createEtcdctlReader, mergeSnapshots } from '../parsers/etcdctl/index.js';
import { LineParser } from '../parsers/line-parser.js';
import type { TimeZoneSpec } from '../parsers/time.js';
import { resolveNodeNames } from '../pipeline/node-names.js';
import { NodeStats } from '../pipeline/node-stats.js';
import type { CompiledRule } from '../rules/compile.js';
import type { InputName } from '../rules/schema.js';
import { INPUT_NAMES } from '../rules/schema-values.js';
import { DockerLogSource, openDockerSources, type DockerSourceOptions, type DockerSources } from '../sources/docker/index.js';
import { UsageError } from '../sources/errors.js';
import type { LineSource } from '../sources/source.js';
import { EXIT_ERROR, EXIT_OK } from './exit-codes.js';
import type { CliIO } from './io.js';
import { writeOut } from './io.js';

export interface FollowOptions {
  /** Which containers, the engine, the log window and etcdctl capture; follow is implied. */
  docker: DockerSourceOptions;
  rules: readonly CompiledRule[];
  format: 'text' | 'json';
  tz?: TimeZoneSpec;
  yearHint?: number;
  /** Aborting it stops following (the CLI aborts on SIGINT and SIGTERM). */
  signal: AbortSignal;
  /** Milliseconds between correlations (default 2000). */
  intervalMs?: number;
  /** Milliseconds between re-inspecting the containers and re-running etcdctl (default 15000). */
  refreshMs?: number;
  /** A refresh (inspect + etcdctl) that takes longer than this is given up (default 30 s). */
  refreshTimeoutMs?: number;
  now?: () => Date;
  /** The Docker source opener (tests may wrap it). */
  open?: typeof openDockerSources;
}

/** What a change line says about a diagnosis. */
export interface FollowChange {
  /** changed: the same diagnosis (id and nodes) with another severity or title. */
  event: 'appeared' | 'changed' | 'cleared';
  at: string;
  diagnosis: Diagnosis;
}

/** A diagnosis is the same one while its id and affected nodes are. */
export function diagnosisKey(d: Diagnosis): string {
  return `${d.id}\u0000${[...d.affectedNodes].sort().join(',')}`;
}

/** Diagnoses in `next` and not in `prev` appeared, those only in `prev` cleared, those in both with another severity or title changed. Pure. */
export function diffDiagnoses(
  prev: readonly Diagnosis[],
  next: readonly Diagnosis[],
): { appeared: Diagnosis[]; changed: Diagnosis[]; cleared: Diagnosis[] } {
  const before = new Map(prev.map((d) => [diagnosisKey(d), d]));
  const after = new Set(next.map(diagnosisKey));
  const appeared: Diagnosis[] = [];
  const changed: Diagnosis[] = [];
  for (const d of next) {
    const old = before.get(diagnosisKey(d));
    if (!old) appeared.push(d);
    else if (old.severity !== d.severity || old.title !== d.title) changed.push(d);
  }
  return { appeared, changed, cleared: prev.filter((d) => !after.has(diagnosisKey(d))) };
}

/** Control characters from logs never reach the terminal. */
function safe(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '?');
}

/** One line per change, for a person watching. */
export function renderChange(c: FollowChange): string {
  const time = c.at.slice(11, 19);
  const d = c.diagnosis;
  if (c.event === 'cleared') return `${time}  - cleared   ${d.id}: ${safe(d.title)}\n`;
  const affected = d.affectedNodes.length > 0 ? ` [${d.affectedNodes.join(', ')}]` : '';
  return `${time}  ${c.event === 'changed' ? '~' : '+'} ${d.severity.padEnd(8)}  ${d.id}: ${safe(d.title)}${safe(affected)}\n`;
}

export function renderVerdictChange(at: string, v: Verdict): string {
  return `${at.slice(11, 19)}  = verdict   ${safe(v.summary)}\n`;
}

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${String(s % 60).padStart(2, '0')}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** etcdctl's own client log lines saved beside its output are not a member's (as in the one-shot pipeline). */
function isClientLine(e: LogEvent): boolean {
  const caller = e.fields.caller;
  return typeof caller === 'string' && (caller.startsWith('clientv3/') || caller.includes('retry_interceptor.go'));
}

/** The running state of the one-shot pipeline, kept open: lines go in, diagnoses come out on demand. */
class LiveCluster {
  private readonly engine: Engine;
  private readonly model = new ClusterModelBuilder();
  private readonly stats = new NodeStats();
  private readonly ruleInfo: Map<string, RuleInfo>;
  snapshot: ClusterSnapshot = emptySnapshot();
  etcdctlKinds = new Set<string>();
  lines = 0;
  events = 0;

  constructor(rules: readonly CompiledRule[]) {
    this.engine = createEngine(rules);
    this.ruleInfo = new Map(rules.map((r) => [r.id, { id: r.id, diagnosis: r.diagnosis, severity: r.severity }]));
  }

  feed(parser: LineParser, raw: RawLine): void {
    this.lines++;
    const p = parser.parse(raw);
    if (p.kind === 'continuation') return this.stats.observeContinuation(p.node, p.nodeOrigin);
    if (p.kind === 'event') {
      if (isClientLine(p)) return;
      this.events++;
      this.stats.observe(p);
      this.engine.observe(p);
      this.model.observe(p);
      return;
    }
    this.stats.observe(p, raw.nodeOrigin ?? 'unknown');
  }

  /** The etcdctl outputs and inspected containers of the latest refresh replace the previous ones. */
  async setSnapshot(sources: readonly LineSource[], containers: ContainerInfo[]): Promise<void> {
    let snapshot: ClusterSnapshot = { ...emptySnapshot(), containers };
    const kinds = new Set<string>();
    for (const s of sources) {
      const reader = createEtcdctlReader(s.name);
      try {
        for await (const raw of s.lines()) reader.accept(raw.text, raw.lineNo);
      } catch {
        // a capture that broke off says what it could
      }
      const r = reader.finish();
      snapshot = mergeSnapshots(snapshot, r.snapshot);
      for (const k of r.kinds) kinds.add(k);
    }
    this.snapshot = snapshot;
    this.etcdctlKinds = kinds;
  }

  evaluate(): { diagnoses: Diagnosis[]; verdict: Verdict } {
    const keys = this.stats.nodeKeys();
    const memberNames = this.stats.memberNames();
    const naming = resolveNodeNames(keys.map((key) => ({ key, origin: this.stats.originOf(key), memberName: memberNames.get(key) ?? null })));
    const nodes = this.stats.summaries(naming.aliases, naming.nameFrom);
    const aliases = new Map(naming.aliases);
    for (const n of nodes) for (const id of n.memberIds) if (!aliases.has(id)) aliases.set(id, n.name);
    const given = new Set<InputName>();
    const have = new Set<string>([...this.etcdctlKinds, ...(this.events > 0 ? ['logs'] : []), ...(this.snapshot.containers.length > 0 ? ['docker'] : [])]);
    for (const name of INPUT_NAMES) if (have.has(name)) given.add(name);
    const result = this.engine.finish({ snapshot: this.snapshot, inputsGiven: given, nodeAliases: aliases });
    const ctx = { nodes, model: this.model.build(naming.aliases), findings: result.findings, rules: this.ruleInfo, cluster: this.snapshot };
    const diagnoses = correlate(ctx);
    return { diagnoses, verdict: judge(ctx, diagnoses, this.lines > 0 || this.snapshot.containers.length > 0) };
  }
}

interface Stream {
  container: string;
  id: string;
  startedAt: string | null;
  /** The docker stamp of the last line read, to read a restarted container from there. */
  lastStamp: string | null;
  done: Promise<void>;
  ended: boolean;
}

/** Docker's `since` as unix seconds just after a stamp, so the last line read is not read again. */
function sinceAfter(stamp: string): string | undefined {
  const m = /\.(\d+)Z$/.exec(stamp);
  const ms = Date.parse(stamp);
  if (Number.isNaN(ms)) return undefined;
  const micros = Math.floor(ms / 1000) * 1_000_000 + Number((m?.[1] ?? '0').padEnd(6, '0').slice(0, 6)) + 1;
  return `${Math.floor(micros / 1_000_000)}.${String(micros % 1_000_000).padStart(6, '0')}`;
}

/** Follow the containers until the signal aborts. Resolves to the exit code. */
/** The promise's value, or null when it takes longer than `ms` (the promise itself goes on). */
function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | null> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), ms);
  });
  return Promise.race([p, expired]).finally(() => clearTimeout(timer));
}

export async function followDocker(opts: FollowOptions, io: CliIO): Promise<number> {
  const open = opts.open ?? openDockerSources;
  const now = opts.now ?? (() => new Date());
  const started = now();
  const { signal } = opts;
  const json = opts.format === 'json';
  const live = new LiveCluster(opts.rules);
  const print = (text: string): Promise<void> => writeOut(io.stdout, text);

  // What the containers logged so far is read to its end first, so that the first diagnoses
  // printed rest on all of it; then each running container is followed from its last line.
  const first = await open({ ...opts.docker, follow: false, abortSignal: signal }, io.env);
  const backlogAt = now();
  for (const e of first.errors) await writeOut(io.stderr, `etcddoctor: ${e.input}: ${e.message}\n`);
  if (first.containers.length === 0) {
    await writeOut(io.stderr, 'etcddoctor: nothing could be read from the inputs given\n');
    return EXIT_ERROR;
  }
  const names = first.containers.map((c) => c.name);
  await writeOut(io.stderr, `etcddoctor: following ${names.join(', ')} (Ctrl-C to stop)\n`);

  const streams = new Map<string, Stream>();
  const pump = (source: LineSource, info: ContainerInfo): Stream => {
    const parser = new LineParser({ tz: opts.tz, yearHint: opts.yearHint });
    const stream: Stream = { container: info.name, id: info.id, startedAt: info.startedAt, lastStamp: streams.get(info.name)?.lastStamp ?? null, done: Promise.resolve(), ended: false };
    stream.done = (async () => {
      try {
        for await (const raw of source.lines()) {
          if (raw.transportTs !== undefined) stream.lastStamp = raw.transportTs;
          live.feed(parser, raw);
        }
      } catch (err) {
        if (!signal.aborted) await writeOut(io.stderr, `etcddoctor: ${source.name}: ${(err as Error).message}\n`);
      } finally {
        stream.ended = true;
      }
    })();
    streams.set(info.name, stream);
    return stream;
  };
  const logsOf = (r: DockerSources) => r.sources.filter((s): s is DockerLogSource => s instanceof DockerLogSource);
  const etcdctlOf = (r: DockerSources) => r.sources.filter((s) => !(s instanceof DockerLogSource));

  /** Follow a container's log from the last line read of it (all of it when it was recreated). */
  const followFrom = async (info: ContainerInfo): Promise<void> => {
    const s = streams.get(info.name);
    const since = s && s.id === info.id ? (s.lastStamp !== null ? sinceAfter(s.lastStamp) : String(Math.floor(backlogAt.getTime() / 1000))) : undefined;
    const again = await open(
      { ...opts.docker, containers: [info.name], compose: undefined, follow: true, since, until: undefined, tail: undefined, execEtcdctl: false, abortSignal: signal },
      io.env,
    );
    for (const log of logsOf(again)) pump(log, log.container);
  };

  await live.setSnapshot(etcdctlOf(first), first.containers);
  await Promise.all(logsOf(first).map((s) => pump(s, s.container).done));
  for (const info of first.containers) if (info.state === 'running' && !signal.aborted) await followFrom(info);

  let current: Diagnosis[] = [];
  let verdict: Verdict | null = null;
  let appeared = 0;
  let cleared = 0;
  let printing: Promise<void> = Promise.resolve();

  const tick = (): void => {
    const at = now().toISOString();
    const next = live.evaluate();
    const diff = diffDiagnoses(current, next.diagnoses);
    current = next.diagnoses;
    appeared += diff.appeared.length;
    cleared += diff.cleared.length;
    const changes: FollowChange[] = [
      ...diff.cleared.map((diagnosis) => ({ event: 'cleared' as const, at, diagnosis })),
      ...diff.changed.map((diagnosis) => ({ event: 'changed' as const, at, diagnosis })),
      ...diff.appeared.map((diagnosis) => ({ event: 'appeared' as const, at, diagnosis })),
    ];
    let out = changes.map((c) => (json ? JSON.stringify(c) + '\n' : renderChange(c))).join('');
    if (verdict === null || verdict.status !== next.verdict.status) {
      out += json ? JSON.stringify({ event: 'verdict', at, verdict: next.verdict }) + '\n' : renderVerdictChange(at, next.verdict);
    }
    verdict = next.verdict;
    printing = printing.then(() => print(out));
  };

  let refreshing = false;
  const refresh = async (): Promise<void> => {
    if (refreshing || signal.aborted) return;
    refreshing = true;
    try {
      // The same names again: a recreated container keeps its name, not its ID.
      // A refresh that hangs (an exec into a container that is restarting) must not stop the
      // ones after it: give up on it after a bound and try again at the next tick.
      const r = await withTimeout(
        open({ ...opts.docker, containers: names, compose: undefined, follow: false, tail: '0' }, io.env),
        opts.refreshTimeoutMs ?? 30_000,
      );
      if (r === null || signal.aborted) return;
      if (r.containers.length > 0) await live.setSnapshot(etcdctlOf(r), r.containers);
      for (const info of r.containers) {
        const s = streams.get(info.name);
        const restarted = s !== undefined && (s.id !== info.id || s.startedAt !== info.startedAt);
        // It stopped and runs again (or was recreated): read it on from the last line read.
        if (s && s.ended && restarted && info.state === 'running') await followFrom(info);
      }
    } catch {
      // a refresh that failed is tried again at the next one
    } finally {
      refreshing = false;
    }
  };

  tick();
  const interval = setInterval(tick, opts.intervalMs ?? 2000);
  const refresher = setInterval(() => void refresh().catch(() => undefined), opts.refreshMs ?? 15_000);
  await new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
  clearInterval(interval);
  clearInterval(refresher);
  await Promise.all([...streams.values()].map((s) => s.done));
  tick();
  await printing;

  const active = current.map((d) => d.id);
  const summary = {
    event: 'stopped',
    at: now().toISOString(),
    followedMs: now().getTime() - started.getTime(),
    active,
    appeared,
    cleared,
    lines: live.lines,
    containers: names,
  };
  await print(
    json
      ? JSON.stringify(summary) + '\n'
      : `etcddoctor: stopped after ${duration(summary.followedMs)}: ${active.length === 0 ? 'no diagnosis active' : `${active.length} diagnos${active.length === 1 ? 'is' : 'es'} active (${active.join(', ')})`}; ` +
          `${appeared} appeared, ${cleared} cleared; ${live.lines} lines read from ${names.length} container${names.length === 1 ? '' : 's'}\n`,
  );
  return EXIT_OK;
}

/**
 * The CLI's entry: checks the options, turns SIGINT/SIGTERM into the abort signal, and follows.
 * Only containers can be followed: files and stdin have an end.
 */
export async function runFollow(
  inputs: readonly string[],
  opts: Omit<FollowOptions, 'signal'> & { output?: string },
  io: CliIO,
): Promise<number> {
  if (opts.docker.containers.length === 0 && opts.docker.compose === undefined) throw new UsageError('--follow reads containers: give --docker NAME... or --compose PROJECT');
  if (inputs.length > 0) throw new UsageError('--follow reads containers only: leave out the file inputs, or drop --follow');
  if (opts.output !== undefined) throw new UsageError('--follow prints changes as they happen: it cannot write to --output');
  if (opts.docker.until !== undefined) throw new UsageError('--follow reads on from now: --until does not apply');
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    return await followDocker({ ...opts, signal: controller.signal }, io);
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}
