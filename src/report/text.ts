// The terminal report: verdict, diagnoses, remediation, then the findings table and what was read.
// Pure: colour is decided by the caller (TTY and NO_COLOR live in cli/).
import Table from 'cli-table3';
import type { Diagnosis, Finding, Report, Severity } from '../model/report.js';
import { percent, plural } from './common.js';
import { clip, terminalSafe as safe } from './escape.js';
import { renderPlanText } from './plan-text.js';

export interface TextOptions {
  color: boolean;
  /** Every evidence line kept, instead of the first few per finding. */
  verbose: boolean;
}

const EVIDENCE_SHOWN = 2;
const EVIDENCE_WIDTH = 240;

type Paint = (s: string) => string;
interface Palette {
  bold: Paint;
  dim: Paint;
  severity: (s: Severity, text: string) => string;
  status: (status: Report['verdict']['status'], text: string) => string;
}

const sgr = (open: number, close: number): Paint => (s) => `\x1b[${open}m${s}\x1b[${close}m`;
const SEVERITY_SGR: Record<Severity, Paint> = { critical: (s) => sgr(1, 22)(sgr(31, 39)(s)), error: sgr(31, 39), warning: sgr(33, 39), info: sgr(36, 39) };
const STATUS_SGR: Record<Report['verdict']['status'], Paint> = { healthy: sgr(32, 39), degraded: sgr(33, 39), broken: (s) => sgr(1, 22)(sgr(31, 39)(s)), unknown: sgr(2, 22) };

function palette(color: boolean): Palette {
  if (!color) return { bold: (s) => s, dim: (s) => s, severity: (_v, s) => s, status: (_v, s) => s };
  return { bold: sgr(1, 22), dim: sgr(2, 22), severity: (v, s) => SEVERITY_SGR[v](s), status: (v, s) => STATUS_SGR[v](s) };
}

/** A borderless cli-table3 table, columns two spaces apart, indented by two. */
function table(head: string[], rows: string[][], p: Palette): string[] {
  const t = new Table({
    head: head.map((h) => p.bold(h)),
    chars: {
      top: '', 'top-mid': '', 'top-left': '', 'top-right': '',
      bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
      left: '  ', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: '  ',
    },
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0 },
  });
  for (const r of rows) t.push(r);
  return t.toString().split('\n').map((l) => l.trimEnd());
}

function renderDiagnosis(d: Diagnosis, p: Palette): string[] {
  const out = [`${p.severity(d.severity, d.severity.toUpperCase())} ${p.bold(safe(d.title))}  [${d.id}]`];
  if (d.affectedNodes.length > 0) out.push(`  affected:   ${d.affectedNodes.map(safe).join(', ')}`);
  if (d.healthyNodes.length > 0) out.push(`  healthy:    ${d.healthyNodes.map(safe).join(', ')}`);
  out.push(`  confidence: ${percent(d.confidence)}`);
  out.push(`  ${safe(d.explanation)}`);
  const refs = [...d.findings, ...d.symptoms];
  if (refs.length > 0) out.push(p.dim(`  evidence:   ${refs.map((r) => `${r.rule}@${safe(r.node)}`).join(', ')}`));
  return out;
}

function renderInputs(report: Report, p: Palette): string[] {
  const out: string[] = [];
  const t = report.totals;
  out.push(p.bold(`Read ${plural(t.inputs, 'input')}: ${plural(t.lines, 'line')}, ${plural(t.events, 'event')}, ${plural(t.unparsed, 'unparsed line')}.`));
  for (const i of report.inputs) {
    for (const e of i.errors) out.push(`  ! ${safe(i.input)}: ${safe(e)}`);
    for (const w of i.warnings) out.push(`  ~ ${safe(i.input)}: ${safe(w)}`);
  }
  if (report.nodes.length > 0) {
    out.push('', p.bold(`Nodes (${report.nodes.length}):`));
    out.push(
      ...table(
        ['NODE', 'MEMBER ID', 'FORMATS', 'LINES', 'UNPARSED', 'FIRST SEEN', 'LAST SEEN'],
        report.nodes.map((n) => [safe(n.name), n.memberId ?? '-', n.formats.join(',') || '-', String(n.lines), String(n.unparsed), n.firstSeen ?? '-', n.lastSeen ?? '-']),
        p,
      ),
    );
  }
  const c = report.cluster;
  if (c.members.length > 0) {
    out.push('', p.bold(`Members (${c.members.length}, from ${c.outputs.join(', ') || 'etcdctl output'}):`));
    out.push(
      ...table(
        ['ID', 'NAME', 'STATUS', 'PEER URLS', 'CLIENT URLS', 'LEARNER'],
        c.members.map((m) => [m.id, safe(m.name) || '-', m.started ? 'started' : 'unstarted', safe(m.peerURLs.join(',')) || '-', safe(m.clientURLs.join(',')) || '-', m.isLearner ? 'yes' : 'no']),
        p,
      ),
    );
  }
  if (c.endpoints.length > 0) {
    out.push('', p.bold(`Endpoints (${c.endpoints.length}):`));
    out.push(
      ...table(
        ['ENDPOINT', 'HEALTH', 'MEMBER ID', 'LEADER', 'TERM', 'INDEX', 'DB SIZE', 'VERSION', 'ERROR'],
        c.endpoints.map((e) => [
          safe(e.endpoint),
          e.health === null ? '-' : e.health ? 'healthy' : 'UNHEALTHY',
          e.memberId ?? '-',
          e.leaderId ?? '-',
          e.raftTerm === null ? '-' : String(e.raftTerm),
          e.raftIndex === null ? '-' : String(e.raftIndex),
          e.dbSize === null ? '-' : String(e.dbSize),
          e.version ?? '-',
          clip(safe(e.error ?? e.errors.join('; ')), 80) || '-',
        ]),
        p,
      ),
    );
  }
  if (c.alarms.length > 0) {
    out.push('', p.bold('Alarms:'));
    for (const a of c.alarms) out.push(`  ${safe(a.alarm)} on member ${safe(a.memberId)}`);
  }
  return out;
}

function renderFindings(report: Report, options: TextOptions, p: Palette): string[] {
  if (report.findings.length === 0) return ['Findings: none.'];
  const out = [p.bold(`Findings (${report.findings.length}):`)];
  out.push(
    ...table(
      ['RULE', 'SEVERITY', 'NODE', 'COUNT', 'FIRST SEEN', 'LAST SEEN'],
      report.findings.map((f) => [f.rule, p.severity(f.severity, f.severity), safe(f.node), String(f.count), f.firstSeen ?? '-', f.lastSeen ?? '-']),
      p,
    ),
  );
  for (const f of report.findings) out.push('', ...renderEvidence(f, options, p));
  return out;
}

function renderEvidence(f: Finding, options: TextOptions, p: Palette): string[] {
  const out = [`  ${p.severity(f.severity, f.severity.toUpperCase())} ${f.rule} on ${safe(f.node)}: ${safe(f.title)}`];
  const shown = options.verbose ? f.evidence : f.evidence.slice(0, EVIDENCE_SHOWN);
  for (const e of shown) out.push(`    ${p.dim(`${safe(e.source)}:${e.line}`)}  ${clip(safe(e.text), EVIDENCE_WIDTH)}`);
  if (shown.length < f.count) out.push(p.dim(`    (${f.count - shown.length} more${options.verbose ? ' not kept' : '; -v shows all kept'})`));
  return out;
}

/** The whole terminal report. Expects an ordered Report (orderReport). */
export function renderText(report: Report, options: TextOptions): string {
  const p = palette(options.color);
  // The verdict line always starts with the status word, whatever the summary's own wording.
  const status = report.verdict.status.toUpperCase();
  const summary = safe(report.verdict.summary);
  const verdict = summary.toUpperCase().startsWith(status) ? summary : `${status}: ${summary}`;
  const out: string[] = [p.status(report.verdict.status, verdict)];
  if (report.diagnoses.length === 0) {
    for (const e of report.verdict.evidence) out.push(`  - ${safe(e)}`);
  } else {
    out.push('', p.bold(`Diagnoses (${report.diagnoses.length}):`));
    for (const d of report.diagnoses) out.push('', ...renderDiagnosis(d, p));
  }
  // The plan renderer is shared with `--script`; its lines pass through terminalSafe once more.
  if (report.plan) out.push('', ...renderPlanText(report.plan).trimEnd().split('\n').map(safe));
  out.push('', ...renderFindings(report, options, p));
  const skipped = report.rules.filter((r) => r.outcome === 'skipped');
  if (skipped.length > 0) {
    const missing = [...new Set(skipped.map((s) => s.missing ?? '?'))].sort();
    out.push('', `Skipped ${plural(skipped.length, 'rule')} for want of input: ${missing.map(safe).join('; ')}.`);
  }
  out.push('', ...renderInputs(report, p));
  return out.join('\n') + '\n';
}
