// The Markdown post-mortem (a file, a PR comment, the GitHub step summary): verdict, diagnoses
// with their evidence folded in <details>, the remediation as shell blocks, the nodes, a Mermaid
// timeline, the findings and what was read. Pure; every string from logs is escaped.
import type { Finding, Plan, Report, Severity } from '../model/report.js';
import { findingFor, findingsPerNode, nodeRoles, percent, plural } from './common.js';
import { clip, codeFence, htmlEscape, markdownInline as md, terminalSafe } from './escape.js';
import { renderTimelineMermaid } from './mermaid.js';

export interface MarkdownOptions {
  /** Evidence lines shown per finding. */
  maxEvidence?: number;
  /** Heading level of the title (2 when appended under other content). */
  titleLevel?: number;
}

const STATUS_WORD: Record<Report['verdict']['status'], string> = { healthy: 'Healthy', degraded: 'Degraded', broken: 'Broken', unknown: 'Unknown' };
const SEVERITY_WORD: Record<Severity, string> = { critical: 'CRITICAL', error: 'ERROR', warning: 'WARNING', info: 'INFO' };

function code(s: string): string {
  // An inline code span of text we produce (IDs, rule names): plain characters only.
  return `\`${s.replace(/[^A-Za-z0-9._:/@=-]/g, '')}\``;
}

function block(lang: string, lines: string[]): string[] {
  const body = lines.join('\n');
  const fence = codeFence(body);
  return [`${fence}${lang}`, body, fence];
}

function evidenceBlock(f: Finding, max: number): string[] {
  const lines = f.evidence.slice(0, max).map((e) => `${terminalSafe(e.source)}:${e.line}  ${clip(terminalSafe(e.text), 300)}`);
  if (f.count > lines.length) lines.push(`(${f.count - lines.length} more)`);
  return block('text', lines);
}

function findingHeading(f: Finding): string {
  const when = f.firstSeen ? `, ${md(f.firstSeen)}${f.lastSeen && f.lastSeen !== f.firstSeen ? ` to ${md(f.lastSeen)}` : ''}` : '';
  return `**${code(f.rule)}** on ${md(f.node)}: ${md(f.title)} (${f.severity}, ${plural(f.count, 'line')}${when})`;
}

function renderPlan(plan: Plan): string[] {
  const out = ['## Remediation', '', `Deployment: ${md(plan.deployment)}`, ''];
  for (const b of plan.blocked) out.push(`> **Blocked:** ${md(b)}`, '');
  plan.steps.forEach((s, i) => {
    const target = [s.node ? md(s.node) : null, s.memberId ? `member ${code(s.memberId)}` : null].filter(Boolean).join(', ');
    out.push(`${i + 1}. **${s.action}**${target ? ` (${target})` : ''}, ${s.risk}: ${md(s.why)}`);
    if (s.precondition) out.push(`   Only if: ${md(s.precondition)}`);
    // Every line indented, or the second command would end the list item and its code block,
    // leaving the rest to be read as Markdown and HTML (a `<cert-file>` placeholder vanished).
    if (s.commands.length > 0) out.push('', ...block('sh', s.commands.map(terminalSafe)).flatMap((l) => l.split('\n')).map((l) => `   ${l}`.trimEnd()));
    out.push('');
  });
  if (plan.steps.length === 0 && plan.blocked.length === 0) out.push('No steps.', '');
  return out;
}

/** The whole post-mortem. Expects an ordered Report (orderReport). */
export function renderMarkdown(report: Report, options: MarkdownOptions = {}): string {
  const maxEvidence = options.maxEvidence ?? 5;
  const h = '#'.repeat(options.titleLevel ?? 1);
  const out: string[] = [];
  out.push(`${h} etcd post-mortem: ${STATUS_WORD[report.verdict.status]}`, '');
  out.push(`**${md(report.verdict.summary)}**`, '');
  const t = report.totals;
  out.push(
    `Read ${plural(t.inputs, 'input')}: ${plural(t.lines, 'line')}, ${plural(t.events, 'event')}, ${plural(t.unparsed, 'unparsed line')}. ` +
      `${plural(report.diagnoses.length, 'diagnosis', 'diagnoses')}, ${plural(report.findings.length, 'finding')}. ` +
      `Made by ${report.tool.name} ${code(report.tool.version)}.`,
    '',
  );

  if (report.diagnoses.length === 0) {
    for (const e of report.verdict.evidence) out.push(`- ${md(e)}`);
    if (report.verdict.evidence.length > 0) out.push('');
  } else {
    out.push('## Diagnoses', '');
    for (const d of report.diagnoses) {
      out.push(`### ${SEVERITY_WORD[d.severity]}: ${md(d.title)} (${code(d.id)})`, '');
      if (d.affectedNodes.length > 0) out.push(`- **Affected:** ${d.affectedNodes.map(md).join(', ')}`);
      if (d.healthyNodes.length > 0) out.push(`- **Healthy:** ${d.healthyNodes.map(md).join(', ')}`);
      out.push(`- **Confidence:** ${percent(d.confidence)}`, '');
      out.push(md(d.explanation), '');
      const refs = [...d.findings.map((r) => ({ r, symptom: false })), ...d.symptoms.map((r) => ({ r, symptom: true }))];
      if (refs.length > 0) {
        out.push('<details>', `<summary>Evidence: ${htmlEscape(plural(d.findings.length, 'finding'))}${d.symptoms.length > 0 ? `, ${htmlEscape(plural(d.symptoms.length, 'symptom'))}` : ''}</summary>`, '');
        for (const { r, symptom } of refs) {
          const f = findingFor(report, r);
          if (!f) {
            out.push(`${code(r.rule)} on ${md(r.node)}${symptom ? ' (symptom)' : ''}`, '');
            continue;
          }
          // Symptoms get fewer lines: the cause's evidence is what the reader needs.
          out.push(`${findingHeading(f)}${symptom ? ' (symptom)' : ''}`, '', ...evidenceBlock(f, symptom ? Math.min(2, maxEvidence) : maxEvidence), '');
        }
        out.push('</details>', '');
      }
    }
  }

  if (report.plan) out.push(...renderPlan(report.plan));

  if (report.nodes.length > 0) {
    const roles = nodeRoles(report);
    const counts = findingsPerNode(report);
    out.push('## Nodes', '', '| Node | Member ID | Role | First line | Last line | Findings |', '| --- | --- | --- | --- | --- | ---: |');
    for (const n of report.nodes) {
      out.push(`| ${md(n.name)} | ${n.memberId ? code(n.memberId) : '-'} | ${roles.get(n.name) ?? 'unknown'} | ${n.firstSeen ? md(n.firstSeen) : '-'} | ${n.lastSeen ? md(n.lastSeen) : '-'} | ${counts.get(n.name) ?? 0} |`);
    }
    out.push('');
  }

  if (report.timeline.length > 0) {
    const first = report.timeline.find((e) => e.ts !== null)?.ts ?? null;
    out.push('## Timeline', '');
    if (first) out.push(`Times are UTC, from ${md(first.slice(0, 10))}. Red bands are errors, blue bands membership changes.`, '');
    out.push('```mermaid', renderTimelineMermaid(report).trimEnd(), '```', '');
  }

  if (report.findings.length > 0) {
    out.push('## Findings', '', '| Rule | Severity | Node | Count | First seen | Last seen |', '| --- | --- | --- | ---: | --- | --- |');
    for (const f of report.findings) {
      out.push(`| ${code(f.rule)} | ${f.severity} | ${md(f.node)} | ${f.count} | ${f.firstSeen ? md(f.firstSeen) : '-'} | ${f.lastSeen ? md(f.lastSeen) : '-'} |`);
    }
    out.push('');
  }
  const skipped = report.rules.filter((r) => r.outcome === 'skipped');
  if (skipped.length > 0) {
    const missing = [...new Set(skipped.map((s) => s.missing ?? '?'))].sort();
    out.push(`Skipped ${plural(skipped.length, 'rule')} for want of input: ${missing.map(md).join('; ')}.`, '');
  }

  out.push('<details>', `<summary>Inputs: ${htmlEscape(plural(report.inputs.length, 'input'))}</summary>`, '');
  out.push('| Input | Kind | Lines | Unparsed | Notes |', '| --- | --- | ---: | ---: | --- |');
  for (const i of report.inputs) {
    const notes = [...i.errors.map((e) => `error: ${e}`), ...i.warnings].map((n) => md(clip(n, 200))).join('<br>') || '-';
    out.push(`| ${md(i.input)} | ${i.detected ? md(i.detected) : i.kind} | ${i.lines} | ${i.unparsed} | ${notes} |`);
  }
  out.push('', '</details>', '');
  return out.join('\n');
}
