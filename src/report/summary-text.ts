// A short readable summary of what was read: inputs, nodes, the cluster as etcdctl described it.
import type { Report } from '../model/report.js';

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function pad(s: string, width: number): string {
  return s.length >= width ? s : s + ' '.repeat(width - s.length);
}

function table(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : pad(c, widths[i]!))).join('  ').trimEnd());
}

/** Sanitise text from logs before it reaches a terminal: no escape sequences, no control bytes. */
export function safeText(s: string): string {
  return s.replace(/[\x00-\x08\x0b-\x1f\x7f\u0080-\u009f]/g, '?');
}

export function renderInputsAndNodes(report: Report): string {
  const out: string[] = [];
  const t = report.totals;
  out.push(
    `Read ${plural(t.inputs, 'input')}: ${plural(t.lines, 'line')}, ${plural(t.events, 'event')}, ${plural(t.unparsed, 'unparsed line')}.`,
  );
  for (const i of report.inputs) {
    for (const e of i.errors) out.push(`  ! ${safeText(i.input)}: ${safeText(e)}`);
    for (const w of i.warnings) out.push(`  ~ ${safeText(i.input)}: ${safeText(w)}`);
  }
  if (report.nodes.length > 0) {
    out.push('');
    out.push(`Nodes (${report.nodes.length}):`);
    const rows = [['NODE', 'MEMBER ID', 'FORMATS', 'LINES', 'UNPARSED', 'FIRST SEEN', 'LAST SEEN']];
    for (const n of report.nodes) {
      rows.push([
        safeText(n.name),
        n.memberId ?? '-',
        n.formats.join(',') || '-',
        String(n.lines),
        String(n.unparsed),
        n.firstSeen ?? '-',
        n.lastSeen ?? '-',
      ]);
    }
    out.push(...table(rows).map((l) => `  ${l}`));
  }
  const c = report.cluster;
  if (c.members.length > 0) {
    out.push('');
    out.push(`Members (${c.members.length}, from ${c.outputs.join(', ') || 'etcdctl output'}):`);
    const rows = [['ID', 'NAME', 'STATUS', 'PEER URLS', 'CLIENT URLS', 'LEARNER']];
    for (const m of c.members) {
      rows.push([
        m.id,
        safeText(m.name) || '-',
        m.started ? 'started' : 'unstarted',
        safeText(m.peerURLs.join(',')) || '-',
        safeText(m.clientURLs.join(',')) || '-',
        m.isLearner ? 'yes' : 'no',
      ]);
    }
    out.push(...table(rows).map((l) => `  ${l}`));
  }
  if (c.endpoints.length > 0) {
    out.push('');
    out.push(`Endpoints (${c.endpoints.length}):`);
    const rows = [['ENDPOINT', 'HEALTH', 'MEMBER ID', 'LEADER', 'TERM', 'INDEX', 'DB SIZE', 'VERSION', 'ERROR']];
    for (const e of c.endpoints) {
      rows.push([
        safeText(e.endpoint),
        e.health === null ? '-' : e.health ? 'healthy' : 'UNHEALTHY',
        e.memberId ?? '-',
        e.leaderId ?? '-',
        e.raftTerm === null ? '-' : String(e.raftTerm),
        e.raftIndex === null ? '-' : String(e.raftIndex),
        e.dbSize === null ? '-' : String(e.dbSize),
        e.version ?? '-',
        safeText(e.error ?? e.errors.join('; ')) || '-',
      ]);
    }
    out.push(...table(rows).map((l) => `  ${l}`));
  }
  if (c.alarms.length > 0) {
    out.push('');
    out.push('Alarms:');
    for (const a of c.alarms) out.push(`  ${a.alarm} on member ${a.memberId}`);
  }
  return out.join('\n') + '\n';
}

const SEVERITY_ORDER = ['critical', 'error', 'warning', 'info'];

export function renderFindings(report: Report, options: { verbose: boolean }): string {
  const out: string[] = [''];
  if (report.findings.length === 0) {
    out.push('Findings: none.');
  } else {
    out.push(`Findings (${report.findings.length}):`);
    const sorted = [...report.findings].sort(
      (a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity) || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0),
    );
    const rows = [['SEVERITY', 'RULE', 'NODE', 'COUNT', 'FIRST SEEN', 'LAST SEEN']];
    for (const f of sorted) rows.push([f.severity, f.rule, safeText(f.node), String(f.count), f.firstSeen ?? '-', f.lastSeen ?? '-']);
    out.push(...table(rows).map((l) => `  ${l}`));
    for (const f of sorted) {
      out.push('');
      out.push(`  ${f.severity.toUpperCase()} ${f.rule} on ${safeText(f.node)}: ${safeText(f.title)}`);
      const shown = options.verbose ? f.evidence : f.evidence.slice(0, 2);
      for (const e of shown) out.push(`    ${safeText(e.source)}:${e.line}  ${safeText(e.text.length > 240 ? e.text.slice(0, 240) + '...' : e.text)}`);
      if (shown.length < f.count) out.push(`    (${f.count - shown.length} more)`);
    }
  }
  const skipped = report.rules.filter((r) => r.outcome === 'skipped');
  if (skipped.length > 0) {
    out.push('');
    out.push(`Skipped ${skipped.length} rule(s) for want of input: ${[...new Set(skipped.map((s) => s.missing ?? '?'))].join('; ')}.`);
  }
  return out.join('\n') + '\n';
}

/** The verdict line and the diagnoses, most important first. */
export function renderVerdict(report: Report): string {
  const out: string[] = [safeText(report.verdict.summary)];
  if (report.diagnoses.length === 0) {
    for (const e of report.verdict.evidence) out.push(`  - ${safeText(e)}`);
  }
  for (const d of report.diagnoses) {
    out.push('');
    out.push(`${d.severity.toUpperCase()} [${d.id}] ${safeText(d.title)}  (confidence ${Math.round(d.confidence * 100)}%)`);
    if (d.affectedNodes.length > 0) out.push(`  affected: ${d.affectedNodes.map(safeText).join(', ')}`);
    if (d.healthyNodes.length > 0) out.push(`  healthy:  ${d.healthyNodes.map(safeText).join(', ')}`);
    out.push(`  ${safeText(d.explanation)}`);
    const refs = [...d.findings, ...d.symptoms];
    if (refs.length > 0) out.push(`  evidence: ${refs.map((r) => `${r.rule}@${safeText(r.node)}`).join(', ')}`);
  }
  return out.join('\n') + '\n\n';
}
