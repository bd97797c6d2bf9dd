// The timeline as a Mermaid sequence diagram (GitHub draws it): one lifeline per node, a note
// per event, an arrow from a follower to the leader it recognised, errors and membership
// changes on coloured bands. Every label from logs goes through mermaidText.
import type { Report, TimelineEntry } from '../model/report.js';
import { mermaidAlias, mermaidText } from './escape.js';

/** Most entries drawn; beyond that the middle is left out (a diagram of 400 notes helps nobody). */
export const MERMAID_MAX_ENTRIES = 60;

const ERROR_KINDS = new Set(['fatal', 'first-error', 'quorum', 'leader-lost']);
const BANDS: Record<string, string> = { error: 'rgb(255, 228, 225)', membership: 'rgb(225, 236, 255)' };

function band(kind: string): string | null {
  if (ERROR_KINDS.has(kind)) return 'error';
  if (kind === 'membership') return 'membership';
  return null;
}

/** HH:MM:SS.mmm of an ISO stamp (the date goes in the heading). */
function clock(ts: string | null): string {
  if (ts === null) return '--:--:--';
  const m = /T(\d\d:\d\d:\d\d(?:\.\d{1,3})?)/.exec(ts);
  return m ? m[1]! : ts;
}

interface Row {
  entry: TimelineEntry;
  /** Same node, kind and second, merged into one note ("members a, b, c added"). */
  texts: string[];
}

/** Consecutive entries of one node and kind within one second read better as one note. */
function merge(entries: TimelineEntry[]): Row[] {
  const rows: Row[] = [];
  for (const e of entries) {
    const last = rows[rows.length - 1];
    if (last && last.entry.node === e.node && last.entry.kind === e.kind && (last.entry.ts ?? '').slice(0, 19) === (e.ts ?? '').slice(0, 19)) {
      last.texts.push(e.text);
    } else {
      rows.push({ entry: e, texts: [e.text] });
    }
  }
  return rows;
}

function joinTexts(texts: string[]): string {
  if (texts.length === 1) return texts[0]!;
  // "member a added", "member b added" -> "member a added, member b added", bounded.
  const shown = texts.slice(0, 4).join(', ');
  return texts.length > 4 ? `${shown}, and ${texts.length - 4} more` : shown;
}

/** The Mermaid source (without the fence). Expects the timeline in order (orderReport). */
export function renderTimelineMermaid(report: Report): string {
  const names = [...new Set([...report.nodes.map((n) => n.name), ...report.timeline.map((t) => t.node)])];
  const ids = new Map(names.map((n, i) => [n, `n${i + 1}`]));
  const leaderOf = new Map<string, string>();
  for (const n of report.nodes) for (const id of n.memberIds) leaderOf.set(id, n.name);

  const out = ['sequenceDiagram'];
  for (const n of names) out.push(`  participant ${ids.get(n)} as ${mermaidAlias(n)}`);
  let rows = merge(report.timeline);
  let leftOut = 0;
  if (rows.length > MERMAID_MAX_ENTRIES) {
    const head = Math.floor(MERMAID_MAX_ENTRIES / 2);
    leftOut = rows.length - MERMAID_MAX_ENTRIES;
    rows = [...rows.slice(0, head), ...rows.slice(rows.length - (MERMAID_MAX_ENTRIES - head))];
  }
  const all = names.length > 1 ? `${ids.get(names[0]!)},${ids.get(names[names.length - 1]!)}` : ids.get(names[0]!);
  let openBand: string | null = null;
  rows.forEach((row, i) => {
    if (leftOut > 0 && i === Math.floor(MERMAID_MAX_ENTRIES / 2) && all) {
      if (openBand) out.push('  end');
      openBand = null;
      out.push(`  Note over ${all}: ${mermaidText(`${leftOut} more events left out`)}`);
    }
    const e = row.entry;
    const b = band(e.kind);
    if (b !== openBand) {
      if (openBand) out.push('  end');
      if (b) out.push(`  rect ${BANDS[b]}`);
      openBand = b;
    }
    const indent = openBand ? '    ' : '  ';
    const label = mermaidText(`${clock(e.ts)} ${joinTexts(row.texts)}`);
    const self = ids.get(e.node)!;
    const leaderId = e.kind === 'leader' ? /^leader ([0-9a-f]+) at term/.exec(e.text)?.[1] : undefined;
    const leaderNode = leaderId ? leaderOf.get(leaderId) : undefined;
    if (row.texts.length === 1 && leaderNode && leaderNode !== e.node && ids.has(leaderNode)) {
      out.push(`${indent}${self}->>${ids.get(leaderNode)}: ${label}`);
    } else {
      out.push(`${indent}Note over ${self}: ${label}`);
    }
  });
  if (openBand) out.push('  end');
  if (report.timelineDropped > 0 && all) {
    out.push(`  Note over ${all}: ${mermaidText(`${report.timelineDropped} events from the middle of the logs were not kept`)}`);
  }
  return out.join('\n') + '\n';
}
