// The whole pipeline over already-opened sources: read and parse, match the rules, and build
// the Report. Loading rules and opening inputs (I/O) happen before, in the CLI.
import type { ContainerInfo } from '../model/container.js';
import type { Report } from '../model/report.js';
import { ClusterModelBuilder, correlate, judge, type RuleInfo } from '../correlate/index.js';
import { createEngine } from '../engine/index.js';
import type { CompiledRule } from '../rules/compile.js';
import type { InputName } from '../rules/schema.js';
import { INPUT_NAMES } from '../rules/schema-values.js';
import type { TimeZoneSpec } from '../parsers/time.js';
import type { LineSource } from '../sources/source.js';
import { analyzeSources, type Analysis } from './analyze.js';
import { buildReport } from './build-report.js';
import { planRemediation, type DeploymentChoice } from '../remedy/index.js';

export interface DiagnoseOptions {
  containers?: ContainerInfo[];
  rules: readonly CompiledRule[];
  tz?: TimeZoneSpec;
  yearHint?: number;
  maxEvidence?: number;
  /** Overrides the deployment the remediation plan is rendered for (else detected). */
  deployment?: DeploymentChoice;
}

export interface Diagnosed {
  report: Report;
  analysis: Analysis;
}

function givenInputs(analysis: Analysis): Set<InputName> {
  const given = new Set<InputName>();
  for (const name of INPUT_NAMES) if (analysis.inputsGiven.has(name)) given.add(name);
  return given;
}

/** Every member ID a node used is another name of that node, for findings about member IDs. */
function aliasesOf(analysis: Analysis): Map<string, string> {
  const aliases = new Map(analysis.nodeAliases);
  for (const n of analysis.nodes) for (const id of n.memberIds) if (!aliases.has(id)) aliases.set(id, n.name);
  return aliases;
}

export async function diagnoseSources(
  sources: LineSource[],
  inputErrors: { input: string; message: string }[],
  options: DiagnoseOptions,
): Promise<Diagnosed> {
  const engine = createEngine(options.rules, { maxEvidence: options.maxEvidence });
  const model = new ClusterModelBuilder();
  const analysis = await analyzeSources(sources, inputErrors, {
    tz: options.tz,
    yearHint: options.yearHint,
    containers: options.containers,
    observers: [engine, model],
  });
  const result = engine.finish({
    snapshot: analysis.cluster,
    inputsGiven: givenInputs(analysis),
    nodeAliases: aliasesOf(analysis),
  });
  const clusterModel = model.build(analysis.nodeAliases);
  const rules = new Map<string, RuleInfo>(options.rules.map((r) => [r.id, { id: r.id, diagnosis: r.diagnosis, severity: r.severity }]));
  const ctx = { nodes: analysis.nodes, model: clusterModel, findings: result.findings, rules, cluster: analysis.cluster };
  const diagnoses = correlate(ctx);
  const verdict = judge(ctx, diagnoses, analysis.anythingRead);
  const plan = planRemediation({ diagnoses, nodes: analysis.nodes, cluster: analysis.cluster, facts: clusterModel.nodes }, { deployment: options.deployment });
  const report = buildReport(analysis, {
    findings: result.findings,
    rules: result.outcomes,
    diagnoses,
    verdict,
    plan,
    timeline: clusterModel.timeline,
    timelineDropped: clusterModel.timelineDropped,
  });
  return { report, analysis };
}
