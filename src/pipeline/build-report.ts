// Assembles the Report from the pipeline's stages; later stages fill in their parts.
import type { Diagnosis, Finding, Plan, Report, RuleOutcome, TimelineEntry, Verdict } from '../model/report.js';
import { REPORT_SCHEMA_VERSION } from '../model/report-values.js';
import { toolVersion } from '../version.js';
import type { Analysis } from './analyze.js';

export interface LaterStages {
  findings?: Finding[];
  rules?: RuleOutcome[];
  diagnoses?: Diagnosis[];
  plan?: Plan | null;
  timeline?: TimelineEntry[];
  timelineDropped?: number;
  verdict?: Verdict;
}

export function buildReport(analysis: Analysis, later: LaterStages = {}): Report {
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: 'etcddoctor', version: toolVersion() },
    verdict: later.verdict ?? { status: 'unknown', summary: 'Not diagnosed.', evidence: [] },
    totals: analysis.totals,
    inputs: analysis.inputs,
    nodes: analysis.nodes,
    cluster: analysis.cluster,
    findings: later.findings ?? [],
    rules: later.rules ?? [],
    diagnoses: later.diagnoses ?? [],
    plan: later.plan ?? null,
    timeline: later.timeline ?? [],
    timelineDropped: later.timelineDropped ?? 0,
  };
}
