// `etcddoctor logs [inputs...]`: read logs and etcdctl outputs, then report.
import { appendFile, chmod, writeFile } from 'node:fs/promises';
import type { DeploymentChoice } from '../remedy/detect-deployment.js';
import type { ContainerInfo } from '../model/container.js';
import type { Report } from '../model/report.js';
import { diagnoseSources } from '../pipeline/diagnose.js';
import { parseTimeZone } from '../parsers/time.js';
import { UsageError } from '../sources/errors.js';
import { expandInputs, parseNodeFlags, type InputSpec } from '../sources/file-source.js';
import { diagnosesAtOrAbove, orderReport, type FailOn } from '../report/common.js';
import type { ReportFormat } from '../report/index.js';
import { FAIL_ON_CHOICES, REPORT_FORMAT_CHOICES } from './choices.js';
import { EXIT_ERROR, EXIT_OK, EXIT_PROBLEMS } from './exit-codes.js';
import { startProgress } from './progress.js';
import { renderReportLazily } from './render.js';
import { loadCompiledRules } from './rule-catalog.js';
import type { CliIO } from './io.js';
import { writeOut } from './io.js';

// Docker (dockerode and its ssh2 tree), --follow, --script and every renderer but the one of
// --format are imported only when the run asks for them: most runs read files into one format.

/** The exit code of a finished run: 1 when a diagnosis reaches --fail-on, else 0. */
export function exitCodeFor(report: Report, failOn: FailOn): number {
  return diagnosesAtOrAbove(report, failOn).length > 0 ? EXIT_PROBLEMS : EXIT_OK;
}

export interface LogsOptions {
  node: string[];
  tz?: string;
  year?: string;
  format: string;
  output?: string;
  rules: string[];
  verbose?: boolean;
  docker?: string[];
  dockerHost?: string;
  compose?: string;
  since?: string;
  until?: string;
  tail?: string;
  follow?: boolean;
  exec?: boolean;
  script?: string;
  deployment?: DeploymentChoice;
  failOn?: string;
  github?: boolean;
}

export async function runLogs(inputs: string[], opts: LogsOptions, io: CliIO): Promise<number> {
  if (!(REPORT_FORMAT_CHOICES as readonly string[]).includes(opts.format)) {
    throw new UsageError(`--format must be one of ${REPORT_FORMAT_CHOICES.join(', ')} (got "${opts.format}")`);
  }
  const format = opts.format as ReportFormat;
  const failOn = (opts.failOn ?? 'error') as FailOn;
  if (!(FAIL_ON_CHOICES as readonly string[]).includes(failOn)) throw new UsageError(`--fail-on must be one of ${FAIL_ON_CHOICES.join(', ')} (got "${opts.failOn}")`);
  const tz = opts.tz === undefined ? undefined : parseTimeZone(opts.tz);
  if (tz === null) throw new UsageError(`--tz "${opts.tz}": expected UTC, an offset like +08:00, or a zone like Asia/Shanghai`);
  let yearHint: number | undefined;
  if (opts.year !== undefined) {
    yearHint = Number(opts.year);
    if (!Number.isInteger(yearHint) || yearHint < 1970 || yearHint > 9999) throw new UsageError(`--year "${opts.year}": expected a year such as 2026`);
  }
  const nodeFlags = parseNodeFlags(opts.node);
  if (nodeFlags.errors.length > 0) throw new UsageError(nodeFlags.errors.join('; '));

  const useDocker = (opts.docker?.length ?? 0) > 0 || opts.compose !== undefined;
  let specs: InputSpec[] = inputs.map((input) => ({ input }));
  if (specs.length === 0 && !useDocker) {
    if (io.stdinIsTTY) {
      throw new UsageError('no input: name log files or folders, or pipe logs in (docker logs etcd1 2>&1 | etcddoctor logs -)');
    }
    specs = [{ input: '-' }];
  }
  if (specs.filter((s) => s.input === '-').length > 1) throw new UsageError('stdin (-) can be named only once');

  const rules = await loadCompiledRules(opts.rules, io.env);
  if (opts.follow) {
    const { runFollow } = await import('./follow.js');
    const docker = { host: opts.dockerHost, containers: opts.docker ?? [], compose: opts.compose, since: opts.since, until: opts.until, tail: opts.tail, execEtcdctl: opts.exec !== false };
    return runFollow(inputs, { docker, rules, format: opts.format === 'json' ? 'json' : 'text', tz, yearHint, output: opts.output }, io);
  }
  const expanded = await expandInputs(specs, () => io.stdin, nodeFlags.byPath);
  const containers: ContainerInfo[] = [];
  if (useDocker) {
    const { openDockerSources } = await import('../sources/docker/index.js');
    const docker = await openDockerSources(
      {
        host: opts.dockerHost,
        containers: opts.docker ?? [],
        compose: opts.compose,
        since: opts.since,
        until: opts.until,
        tail: opts.tail,
        execEtcdctl: opts.exec !== false,
      },
      io.env,
    );
    expanded.sources.push(...docker.sources);
    expanded.errors.push(...docker.errors);
    containers.push(...docker.containers);
  }
  // A progress line only for a person watching stderr, and never mixed into JSON on a terminal.
  const progress =
    io.stderrIsTTY && !(format === 'json' && !opts.output) ? startProgress(expanded.sources, io.stderr) : null;
  let diagnosed;
  try {
    diagnosed = await diagnoseSources(expanded.sources, expanded.errors, { rules, tz, yearHint, containers, deployment: opts.deployment });
  } finally {
    progress?.stop();
  }
  const { analysis } = diagnosed;
  const report = orderReport(diagnosed.report);

  // Colour only for a terminal, and never when NO_COLOR is set to anything (no-color.org).
  const color = !opts.output && io.stdoutIsTTY && io.env.NO_COLOR === undefined;
  const text = await renderReportLazily(report, format, { color, verbose: opts.verbose ?? false });
  if (opts.output) await writeFile(opts.output, text);
  else await writeOut(io.stdout, text);
  if (opts.github) {
    const summary = io.env.GITHUB_STEP_SUMMARY;
    if (summary) await appendFile(summary, (await import('../report/markdown.js')).renderMarkdown(report) + '\n');
    else await writeOut(io.stderr, 'etcddoctor: --github: GITHUB_STEP_SUMMARY is not set; no step summary written\n');
  }

  if (opts.script) {
    const [{ renderScript }, { renderPlanSummary }] = await Promise.all([import('../report/script.js'), import('../report/plan-text.js')]);
    await writeFile(opts.script, renderScript(report), { mode: 0o755 });
    await chmod(opts.script, 0o755);
    await writeOut(io.stderr, renderPlanSummary(report, opts.script));
  }
  for (const i of report.inputs) for (const e of i.errors) await writeOut(io.stderr, `etcddoctor: ${i.input}: ${e}\n`);
  if (!analysis.anythingRead) {
    await writeOut(io.stderr, 'etcddoctor: nothing could be read from the inputs given\n');
    return EXIT_ERROR;
  }
  return exitCodeFor(report, failOn);
}
