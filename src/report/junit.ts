// JUnit XML for CI systems that show test results: a suite per node, a test case per rule on that
// node (failed where the rule fired at warning or above, skipped where its input was missing), and
// a suite of the diagnoses. Pure; deterministic (no times, no host names).
import type { Finding, Report } from '../model/report.js';
import { severityRank } from './common.js';
import { clip, xmlEscape as x } from './escape.js';

export interface JunitOptions {
  /** Evidence lines in each failure body. */
  maxEvidence?: number;
}

interface Case {
  name: string;
  classname: string;
  /** failure: message, type, body; skipped: message; info: system-out. */
  failure?: { message: string; type: string; body: string };
  skipped?: string;
  out?: string;
}

function evidenceBody(f: Finding, max: number): string {
  const lines = [`${f.title}`, `${f.count} matching line(s) on ${f.node}, ${f.firstSeen ?? '?'} to ${f.lastSeen ?? '?'}`, ''];
  for (const e of f.evidence.slice(0, max)) lines.push(`${e.source}:${e.line}  ${clip(e.text, 500)}`);
  if (f.count > Math.min(max, f.evidence.length)) lines.push(`(${f.count - Math.min(max, f.evidence.length)} more)`);
  return lines.join('\n');
}

function renderCase(c: Case): string[] {
  const open = `    <testcase name="${x(c.name)}" classname="${x(c.classname)}" time="0"`;
  if (c.failure) {
    return [`${open}>`, `      <failure message="${x(c.failure.message)}" type="${x(c.failure.type)}">${x(c.failure.body)}</failure>`, '    </testcase>'];
  }
  if (c.skipped !== undefined) return [`${open}>`, `      <skipped message="${x(c.skipped)}"/>`, '    </testcase>'];
  if (c.out !== undefined) return [`${open}>`, `      <system-out>${x(c.out)}</system-out>`, '    </testcase>'];
  return [`${open}/>`];
}

function renderSuite(name: string, cases: Case[]): string[] {
  const failures = cases.filter((c) => c.failure).length;
  const skipped = cases.filter((c) => c.skipped !== undefined).length;
  return [
    `  <testsuite name="${x(name)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="${skipped}" time="0">`,
    ...cases.flatMap(renderCase),
    '  </testsuite>',
  ];
}

/** The whole JUnit document. Expects an ordered Report (orderReport). */
export function renderJunit(report: Report, options: JunitOptions = {}): string {
  const max = options.maxEvidence ?? 10;
  const findings = new Map(report.findings.map((f) => [`${f.rule}\u0000${f.node}`, f]));
  // Nodes the logs named, plus any a finding names (etcdctl-only rules may name a member).
  const nodes = [...new Set([...report.nodes.map((n) => n.name), ...report.findings.map((f) => f.node)])];
  if (nodes.length === 0) nodes.push('cluster');

  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  let skips = 0;
  const add = (name: string, cases: Case[]) => {
    suites.push(...renderSuite(name, cases));
    tests += cases.length;
    failures += cases.filter((c) => c.failure).length;
    skips += cases.filter((c) => c.skipped !== undefined).length;
  };

  const diagnosisCases: Case[] = report.diagnoses.map((d) => ({
    name: d.id,
    classname: 'etcddoctor.diagnoses',
    failure: {
      message: `${d.severity}: ${d.title}`,
      type: d.severity,
      body: [d.explanation, '', `affected: ${d.affectedNodes.join(', ') || '-'}`, `healthy: ${d.healthyNodes.join(', ') || '-'}`, `confidence: ${Math.round(d.confidence * 100)}%`].join('\n'),
    },
  }));
  if (diagnosisCases.length === 0) diagnosisCases.push({ name: 'verdict', classname: 'etcddoctor.diagnoses', out: report.verdict.summary });
  add('diagnoses', diagnosisCases);

  for (const node of nodes) {
    const cases: Case[] = report.rules.map((r) => {
      const c: Case = { name: r.rule, classname: `etcddoctor.${node}` };
      const f = findings.get(`${r.rule}\u0000${node}`);
      if (f && severityRank(f.severity) >= severityRank('warning')) {
        c.failure = { message: `${f.severity}: ${f.title} (${f.count}x)`, type: f.severity, body: evidenceBody(f, max) };
      } else if (f) {
        c.out = evidenceBody(f, max);
      } else if (r.outcome === 'skipped') {
        c.skipped = `missing input: ${r.missing ?? 'unknown'}`;
      }
      return c;
    });
    add(node, cases);
  }

  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="etcddoctor" tests="${tests}" failures="${failures}" errors="0" skipped="${skips}" time="0">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}
