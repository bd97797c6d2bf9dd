// The renderers on real captures and on hostile text: JSON valid against the zod schema, Mermaid
// accepted by mermaid's parser, JUnit well-formed XML, no escape sequences leaking into terminals.
import fc from 'fast-check';
import { JSDOM } from 'jsdom';
import { describe, expect, it } from 'vitest';
import { ReportSchema, type Plan, type PlanStep, type Report } from '../../src/model/report.js';
import { diagnosesAtOrAbove, nodeRoles, orderReport } from '../../src/report/common.js';
import { markdownInline, mermaidAlias, mermaidText, terminalSafe, xmlEscape } from '../../src/report/escape.js';
import { renderReport } from '../../src/report/index.js';
import { renderJson } from '../../src/report/json-schema.js';
import { renderJunit } from '../../src/report/junit.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { MERMAID_MAX_ENTRIES, renderTimelineMermaid } from '../../src/report/mermaid.js';
import { renderText } from '../../src/report/text.js';
import { reportFor } from '../helpers/run-pipeline.js';
import { mermaidBlocks, parseMermaid } from './mermaid-parser.js';

const CAPTURES = [
  'real/capnslog/healthy',
  'real/capnslog/cluster-id-mismatch',
  'real/zap/cluster-id-mismatch',
  'real/capnslog/quorum-lost',
  'real/zap/quorum-lost',
  'real/zap/peer-stopped',
  'real/capnslog/removed-member-restarted',
  'real/zap/election-storm',
  'docker/zap/cluster-id-mismatch',
  'real/etcdctl/no-quorum',
];

const ordered = async (fixture: string) => orderReport(await reportFor(fixture));

function parseXml(xml: string): Document {
  const doc = new new JSDOM('').window.DOMParser().parseFromString(xml, 'application/xml');
  const error = doc.getElementsByTagName('parsererror')[0];
  if (error) throw new Error(`not well-formed XML: ${error.textContent}`);
  return doc;
}

/** A report whose every log-derived string is hostile. */
function hostile(base: Report, evil: string): Report {
  const r = structuredClone(base);
  r.verdict.summary = `BROKEN: ${evil}`;
  for (const n of r.nodes) n.memberName = evil;
  for (const f of r.findings) {
    f.title = evil;
    for (const e of f.evidence) e.text = evil;
  }
  for (const d of r.diagnoses) {
    d.title = evil;
    d.explanation = evil;
  }
  for (const t of r.timeline) t.text = evil;
  r.inputs[0]!.warnings.push(evil);
  return r;
}

const EVIL = 'x\x1b[31mred\x1b]0;title\x07 ; # %% <script>alert(1)</script> ]]> & "q" \'a\' `code` | *b* [l](u) \u202eevil\u0000\u0007\n- item\r\n```\n:::';

describe('JSON', () => {
  it.each(CAPTURES)('%s: the output parses with ReportSchema and is stable', async (fixture) => {
    const report = await ordered(fixture);
    const json = renderJson(report);
    expect(ReportSchema.parse(JSON.parse(json))).toEqual(report);
    expect(json.endsWith('}\n')).toBe(true);
    // Ordering is canonical: ordering again changes nothing, shuffled input orders the same.
    const shuffled = { ...report, findings: [...report.findings].reverse(), rules: [...report.rules].reverse(), nodes: [...report.nodes].reverse(), timeline: [...report.timeline].reverse() };
    expect(renderJson(orderReport(shuffled))).toBe(json);
  });
});

describe('text', () => {
  it('cluster-id-mismatch: verdict first, diagnosis, findings table, evidence, what was read', async () => {
    const text = renderText(await ordered('real/capnslog/cluster-id-mismatch'), { color: false, verbose: false });
    const lines = text.split('\n');
    expect(lines[0]).toBe('BROKEN: etcd3 belongs to another cluster.');
    expect(text).toContain('CRITICAL etcd3 belongs to another cluster  [cluster-id-mismatch]\n  affected:   etcd3\n  healthy:    etcd1, etcd2\n  confidence: 90%');
    expect(text).toMatch(/^ {2}RULE +SEVERITY +NODE +COUNT +FIRST SEEN +LAST SEEN$/m);
    expect(text).toMatch(/^ {2}request-cluster-id-mismatch +critical +etcd1 +460 +2026-11-22T04:13:39.168606Z +2026-11-22T04:14:01.273112Z$/m);
    expect(text).toContain('(458 more; -v shows all kept)');
    expect(text).toMatch(/^Nodes \(3\):$/m);
    expect(text).toMatch(/^Members \(3, from endpoint-health, endpoint-status, member-list\):$/m);
    expect(text).toMatch(/^Endpoints \(3\):$/m);
    expect(text.indexOf('Diagnoses (1):')).toBeLessThan(text.indexOf('Findings ('));
    expect(text).not.toContain('\x1b');
  });

  it('-v shows every evidence line kept', async () => {
    const report = await ordered('real/capnslog/cluster-id-mismatch');
    const short = renderText(report, { color: false, verbose: false });
    const long = renderText(report, { color: false, verbose: true });
    const kept = report.findings[0]!.evidence.length;
    expect(kept).toBeGreaterThan(2);
    expect(long.split('\n').length - short.split('\n').length).toBeGreaterThanOrEqual(kept - 2);
    expect(long).toContain('more not kept)');
  });

  it('colour only when asked, and log text never carries its own escapes', async () => {
    const report = hostile(await ordered('real/capnslog/cluster-id-mismatch'), EVIL);
    const plain = renderText(report, { color: false, verbose: true });
    expect(plain).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f\u202e]/);
    const colored = renderText(report, { color: true, verbose: true });
    expect(colored).toContain('\x1b[31m');
    // Every escape in coloured output is one of ours (SGR), none from the log (OSC title, ...).
    expect(colored.replace(/\x1b\[[0-9;]*m/g, '')).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/);
    expect(colored.replace(/\x1b\[[0-9;]*m/g, '')).toBe(plain);
  });

  it('healthy: the verdict evidence instead of diagnoses', async () => {
    const text = renderText(await ordered('real/capnslog/healthy'), { color: false, verbose: false });
    expect(text.split('\n')[0]).toBe('HEALTHY: No problems found.');
    expect(text).not.toContain('Diagnoses (');
  });

  it('renders a plan when there is one', async () => {
    const report = structuredClone(await ordered('real/capnslog/cluster-id-mismatch'));
    report.plan = {
      deployment: 'docker-compose',
      blocked: [],
      steps: [
        { action: 'backup-snapshot', node: 'etcd1', memberId: '1afd70a8c0f9c371', risk: 'read-only', precondition: 'etcd1 is healthy', why: 'keep a copy before changing anything', commands: ["docker exec etcd1 etcdctl snapshot save '/backup/etcd.db'"], diagnosis: 'cluster-id-mismatch' } as PlanStep,
        { action: 'stop-member', node: 'etcd3', memberId: null, risk: 'reversible', precondition: '', why: 'etcd3 talks to the wrong cluster', commands: ['docker compose stop etcd3'], diagnosis: 'cluster-id-mismatch' } as PlanStep,
      ],
    } as Plan;
    const text = renderText(report, { color: false, verbose: false });
    expect(text).toContain('Remediation plan (docker-compose');
    expect(text).toContain("     $ docker exec etcd1 etcdctl snapshot save '/backup/etcd.db'");
    expect(text.indexOf('Remediation plan')).toBeLessThan(text.indexOf('Findings ('));
    const md = renderMarkdown(report);
    expect(md).toContain("## Remediation\n\nDeployment: docker-compose\n\n1. **backup-snapshot** (etcd1, member `1afd70a8c0f9c371`), read-only: keep a copy before changing anything\n   Only if: etcd1 is healthy\n\n   ```sh\n   docker exec etcd1 etcdctl snapshot save '/backup/etcd.db'\n   ```");
  });
});

describe('Markdown', () => {
  it.each(CAPTURES)('%s: the Mermaid timeline parses with mermaid', async (fixture) => {
    const md = renderMarkdown(await ordered(fixture));
    const blocks = mermaidBlocks(md);
    // etcdctl outputs alone give no timeline, and then no chart.
    expect(blocks).toHaveLength(fixture.includes('etcdctl') ? 0 : 1);
    for (const b of blocks) expect(await parseMermaid(b)).toBe('sequence');
  });

  it('cluster-id-mismatch: title, verdict, diagnosis with evidence folded, nodes with roles', async () => {
    const report = await ordered('real/capnslog/cluster-id-mismatch');
    const md = renderMarkdown(report);
    expect(md.startsWith('# etcd post-mortem: Broken\n\n**BROKEN: etcd3 belongs to another cluster.**\n')).toBe(true);
    expect(md).toContain('### CRITICAL: etcd3 belongs to another cluster (`cluster-id-mismatch`)\n\n- **Affected:** etcd3\n- **Healthy:** etcd1, etcd2\n- **Confidence:** 90%');
    expect(md).toContain('<details>\n<summary>Evidence: 6 findings,');
    expect(md).toContain('| Node | Member ID | Role | First line | Last line | Findings |');
    expect(md).toContain('| etcd1 | `1afd70a8c0f9c371` | leader | 2026-11-22T04:13:36.489017Z | 2026-11-22T04:14:01.289956Z |');
    expect(md).toContain('| etcd2 | `355da854f7714692` | follower |');
    // etcd3 restarted into another cluster after following etcd1: its role is no longer known.
    expect(md).toContain('| etcd3 | `9143d686cbb4429f` | unknown |');
    expect(md).toContain('  n2->>n1: 04:13:38.000 leader 1afd70a8c0f9c371 at term 2');
  });

  it('roles come from endpoint status when it covers a node', async () => {
    const roles = nodeRoles(await ordered('real/zap/peer-stopped'));
    expect([...roles.values()]).toContain('leader');
  });

  it('hostile log text cannot break the document, the HTML or the Mermaid chart', async () => {
    const report = hostile(await ordered('real/capnslog/cluster-id-mismatch'), EVIL);
    report.nodes[0]!.name = EVIL;
    for (const t of report.timeline) if (t.node === 'etcd1') t.node = EVIL;
    const md = renderMarkdown(report);
    expect(md).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f\u202e]/);
    // Outside code blocks (whose fences are longer than any backtick run inside) no HTML and no
    // line that starts a list, heading or fence the log wrote.
    const outside = md.replace(/^(`{3,})[a-z]*\n[\s\S]*?^\1$/gm, '');
    expect(outside).not.toContain('<script>');
    expect(outside).not.toMatch(/^(- item|:::|```)/m);
    expect(md).toContain('````text\n');
    expect(await parseMermaid(mermaidBlocks(md)[0]!)).toBe('sequence');
  });

  it('any node name or event text gives a diagram mermaid accepts', async () => {
    const base = await ordered('real/capnslog/peer-stopped');
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 80 }), async (name, text) => {
        const r = structuredClone(base);
        r.nodes[0]!.name = name;
        r.timeline = r.timeline.slice(0, 6).map((t, i) => ({ ...t, node: i % 2 ? name : t.node, text }));
        await parseMermaid(renderTimelineMermaid(r));
      }),
      { numRuns: 150 },
    );
  });

  it('long timelines are cut to the first and last entries with a note between', async () => {
    const r = structuredClone(await ordered('real/capnslog/cluster-id-mismatch'));
    r.timeline = Array.from({ length: 200 }, (_, i) => ({ ts: `2026-11-22T04:${String(10 + Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}.000000Z`, node: `etcd${(i % 3) + 1}`, kind: i % 7 ? 'leader' : 'fatal', text: `event ${i}`, ref: null }));
    const src = renderTimelineMermaid(r);
    expect(src.split('\n').filter((l) => /Note over n[\d,n]+: |->>/.test(l)).length).toBe(MERMAID_MAX_ENTRIES + 1);
    expect(src).toContain('140 more events left out');
    await parseMermaid(src);
  });
});

describe('JUnit', () => {
  it.each(CAPTURES)('%s: well-formed, a case per rule and node plus the diagnoses', async (fixture) => {
    const report = await ordered(fixture);
    const xml = renderJunit(report);
    const doc = parseXml(xml);
    const nodes = new Set([...report.nodes.map((n) => n.name), ...report.findings.map((f) => f.node)]);
    const perNode = report.rules.length * Math.max(1, nodes.size);
    const suites = [...doc.getElementsByTagName('testsuite')];
    expect(suites.map((s) => s.getAttribute('name'))).toEqual(['diagnoses', ...(nodes.size ? [...nodes] : ['cluster'])]);
    expect(doc.getElementsByTagName('testcase').length).toBe(perNode + Math.max(1, report.diagnoses.length));
    const failures = [...doc.getElementsByTagName('failure')];
    const expected = report.diagnoses.length + report.findings.filter((f) => f.severity !== 'info').length;
    expect(failures.length).toBe(expected);
    expect(doc.documentElement.getAttribute('failures')).toBe(String(expected));
  });

  it('a fired rule fails with its evidence; a rule skipped for missing input is skipped', async () => {
    const report = await ordered('real/capnslog/cluster-id-mismatch');
    const doc = parseXml(renderJunit(report));
    const etcd1 = [...doc.getElementsByTagName('testsuite')].find((s) => s.getAttribute('name') === 'etcd1')!;
    const c = [...etcd1.getElementsByTagName('testcase')].find((t) => t.getAttribute('name') === 'request-cluster-id-mismatch')!;
    const failure = c.getElementsByTagName('failure')[0]!;
    expect(failure.getAttribute('type')).toBe('critical');
    expect(failure.textContent).toContain('etcd1.log:81  2026-11-22 04:13:39.168606 E | rafthttp: request cluster ID mismatch');
    const skippedRules = report.rules.filter((r) => r.outcome === 'skipped');
    expect(skippedRules.length).toBeGreaterThan(0);
    const s = [...etcd1.getElementsByTagName('testcase')].find((t) => t.getAttribute('name') === skippedRules[0]!.rule)!;
    expect(s.getElementsByTagName('skipped')[0]!.getAttribute('message')).toBe(`missing input: ${skippedRules[0]!.missing}`);
  });

  it('hostile text stays well-formed XML, forbidden characters dropped', async () => {
    const report = hostile(await ordered('real/capnslog/cluster-id-mismatch'), `${EVIL}\ud800\uffff`);
    report.nodes[0]!.name = EVIL;
    const xml = renderJunit(report);
    parseXml(xml);
    expect(xml).not.toMatch(/[\x00-\x08\x0b\x0c\x0e-\x1f\ud800\uffff]/);
  });
});

describe('escaping helpers', () => {
  it('terminalSafe drops escape sequences and shows controls as ?', () => {
    expect(terminalSafe('a\x1b[31mb\x1b]0;t\x07c\u202ed\x00')).toBe('abc?d?');
  });
  it('markdownInline neutralises structure', () => {
    expect(markdownInline('# h [a](b) <i> | x_y')).toBe('\\# h \\[a\\](b) &lt;i&gt; \\| x\\_y');
    expect(markdownInline('- item')).toBe('\\- item');
    expect(markdownInline('1. item')).toBe('1\\. item');
  });
  it('mermaid labels hold no statement, comment or entity syntax of their own', () => {
    expect(mermaidText('a;b#c%%d<e>')).toBe('a#59;b#35;c#37;#37;d#60;e#62;');
    expect(mermaidAlias('etcd-1:x')).toBe('etcd#45;1#58;x');
  });
  it('xmlEscape', () => {
    expect(xmlEscape('<a b="c">&\'\x01\ud800')).toBe('&lt;a b=&quot;c&quot;&gt;&amp;&apos;');
  });
});

describe('--fail-on threshold', () => {
  it('counts diagnoses at or above the level', async () => {
    const report = await ordered('real/capnslog/peer-stopped'); // peer-unreachable: error
    expect(diagnosesAtOrAbove(report, 'critical')).toHaveLength(0);
    expect(diagnosesAtOrAbove(report, 'error')).toHaveLength(1);
    expect(diagnosesAtOrAbove(report, 'info')).toHaveLength(1);
    expect(diagnosesAtOrAbove(report, 'none')).toHaveLength(0);
  });
});

it('renderReport dispatches every format', async () => {
  const report = await ordered('real/capnslog/healthy');
  for (const f of ['text', 'json', 'markdown', 'junit'] as const) expect(renderReport(report, f, { color: false, verbose: false }).length).toBeGreaterThan(100);
});
