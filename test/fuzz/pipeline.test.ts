// Property tests past the parsers: the engine over random events and the real catalog, the
// correlation, judge and planner over random findings, models and snapshots, and every renderer
// over the Reports that come out. None may throw; the outputs stay what each format promises.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { JSDOM } from 'jsdom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterModelBuilder, correlate, judge, type RuleInfo } from '../../src/correlate/index.js';
import { createEngine } from '../../src/engine/index.js';
import type { ClusterSnapshot } from '../../src/model/cluster.js';
import type { LogEvent } from '../../src/model/event.js';
import { FindingSchema, ReportSchema, type Finding, type NodeSummary, type Report } from '../../src/model/report.js';
import { parseLogLine } from '../../src/parsers/line-parser.js';
import { buildReport } from '../../src/pipeline/build-report.js';
import { diagnoseSources } from '../../src/pipeline/diagnose.js';
import { planRemediation } from '../../src/remedy/index.js';
import { buildExplanation, renderExplanation } from '../../src/report/explain.js';
import { renderJson } from '../../src/report/json-schema.js';
import { renderJunit } from '../../src/report/junit.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { renderScript } from '../../src/report/script.js';
import { renderText } from '../../src/report/text.js';
import { matchEvent } from '../../src/engine/index.js';
import type { CompiledRule } from '../../src/rules/compile.js';
import { newReaderStats, readLines } from '../../src/sources/line-reader.js';
import type { LineSource } from '../../src/sources/source.js';
import { catalog } from '../helpers/run-pipeline.js';
import { markdownProblems } from './checks.js';
import { anyLine, mutatedLine, NASTY, realLines, runs } from './arbitraries.js';

let rules: CompiledRule[];
let ruleInfo: Map<string, RuleInfo>;
const TMP = mkdtempSync(path.join(os.tmpdir(), 'etcddoctor-fuzz-'));
beforeAll(async () => {
  rules = await catalog();
  ruleInfo = new Map(rules.map((r) => [r.id, { id: r.id, diagnosis: r.diagnosis, severity: r.severity }]));
});
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

/** An in-memory source read through the real line reader, so stats fill in as for a file. */
function memorySource(name: string, text: string | Buffer, node?: string): LineSource {
  const stats = newReaderStats();
  return {
    name,
    kind: 'file',
    node,
    nodeOrigin: node !== undefined ? 'filename' : undefined,
    stats,
    warnings: [],
    async *lines() {
      for await (const l of readLines(Readable.from([Buffer.from(text)]), stats)) {
        yield { source: name, lineNo: l.lineNo, text: l.text, ...(node !== undefined ? { node, nodeOrigin: 'filename' as const } : {}) };
      }
    },
  };
}

const hostileText = fc.oneof(fc.constantFrom(...NASTY), fc.string({ maxLength: 12 }), fc.string({ unit: 'binary', maxLength: 8 }));
const nodeName = fc.oneof({ weight: 4, arbitrary: fc.constantFrom('etcd1', 'etcd2', 'etcd3') }, { weight: 1, arbitrary: hostileText });
const hexId = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }).map((b) => b.toString(16));
const url = fc.oneof(
  fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: 65535 })).map(([h, p]) => `http://10.0.0.${h}:${p}`),
  hostileText,
);
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: null });

const snapshotArb: fc.Arbitrary<ClusterSnapshot> = fc.record({
  clusterId: maybe(hexId),
  members: fc.array(
    fc.record({ id: hexId, name: fc.oneof(nodeName, fc.constant('')), peerURLs: fc.array(url, { maxLength: 2 }), clientURLs: fc.array(url, { maxLength: 2 }), started: fc.boolean(), isLearner: fc.boolean(), source: fc.constant('m') }),
    { maxLength: 5 },
  ),
  endpoints: fc.array(
    fc.record({
      endpoint: url,
      health: maybe(fc.boolean()),
      took: maybe(fc.string({ maxLength: 8 })),
      error: maybe(hostileText),
      memberId: maybe(hexId),
      leaderId: maybe(hexId),
      isLeader: maybe(fc.boolean()),
      isLearner: maybe(fc.boolean()),
      version: maybe(fc.constantFrom('3.4.23', '3.5.9', 'x')),
      dbSize: maybe(fc.nat()),
      dbSizeInUse: maybe(fc.nat()),
      raftTerm: maybe(fc.nat()),
      raftIndex: maybe(fc.nat()),
      raftAppliedIndex: maybe(fc.nat()),
      errors: fc.array(hostileText, { maxLength: 2 }),
      source: fc.constant('e'),
    }),
    { maxLength: 4 },
  ),
  alarms: fc.array(fc.record({ memberId: hexId, alarm: fc.constantFrom('NOSPACE', 'CORRUPT', 'x'), source: fc.constant('a') }), { maxLength: 2 }),
  outputs: fc.subarray(['member-list', 'endpoint-health', 'endpoint-status', 'alarm-list']),
  containers: fc.constant([]),
});

/** Events: real or mutated lines parsed on a random node, some with their fields' types scrambled. */
const eventsArb: fc.Arbitrary<LogEvent[]> = fc
  .array(
    fc.tuple(fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...realLines()) }, { weight: 2, arbitrary: mutatedLine() }, { weight: 1, arbitrary: anyLine() }), nodeName, fc.option(fc.anything(), { nil: undefined })),
    { minLength: 1, maxLength: 60 },
  )
  .map((items) =>
    items.flatMap(([line, node, junk], i) => {
      const e = parseLogLine(line, { node, lineNo: i + 1 });
      if (e.kind !== 'event') return [];
      if (junk !== undefined) {
        // A field of the wrong type where the rules expect a string (zap lets a program log anything).
        const keys = Object.keys(e.fields);
        e.fields = { ...e.fields, [keys[i % Math.max(1, keys.length)] ?? 'error']: junk };
      }
      return [e];
    }),
  );

const DOM = new new JSDOM('').window.DOMParser();

function checkReport(report: Report): void {
  ReportSchema.parse(JSON.parse(renderJson(report)));
  const text = renderText(report, { color: false, verbose: true });
  // No escape sequence or other control character from the logs reaches a terminal.
  expect(text).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/);
  const colour = renderText(report, { color: true, verbose: false });
  // Colour codes are ours (SGR only); nothing else starting with ESC.
  expect(colour.replace(/\x1b\[[0-9;]*m/g, '')).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f]/);
  const md = renderMarkdown(report);
  expect(md).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]/);
  // As a Markdown viewer reads it, log text is text: no raw HTML, image or script link of its own.
  expect(markdownProblems(md)).toEqual([]);
  const xml = renderJunit(report);
  const doc = DOM.parseFromString(xml, 'application/xml');
  const err = doc.getElementsByTagName('parsererror')[0];
  expect(err?.textContent ?? null).toBeNull();
  renderScript(report);
}

describe('engine, correlation, planner and renderers on random input', () => {
  it('the engine over random events never throws and keeps its findings well-formed and bounded', () => {
    fc.assert(
      fc.property(eventsArb, snapshotArb, (events, snapshot) => {
        const engine = createEngine(rules, { maxEvidence: 3 });
        for (const e of events) engine.observe(e);
        const result = engine.finish({ snapshot, inputsGiven: new Set(['logs', 'member-list', 'endpoint-health', 'endpoint-status', 'alarm-list']) });
        for (const f of result.findings) {
          FindingSchema.parse(f);
          expect(f.evidence.length).toBeLessThanOrEqual(3);
          for (const vs of Object.values(f.facts)) expect(vs.length).toBeLessThanOrEqual(20);
        }
        expect(result.outcomes.length).toBe(rules.length);
      }),
      { numRuns: runs(150) },
    );
  });

  it('correlate, judge, the planner and every renderer on random findings, models and snapshots', () => {
    const findingArb = (ids: string[]): fc.Arbitrary<Finding> =>
      fc.record({
        rule: fc.constantFrom(...ids),
        title: hostileText,
        severity: fc.constantFrom('info', 'warning', 'error', 'critical'),
        node: nodeName,
        count: fc.nat(1000),
        firstSeen: fc.constant(null),
        lastSeen: fc.constant(null),
        facts: fc.dictionary(
          fc.constantFrom('local-member-id', 'remote-peer-id', 'cluster-id', 'remote-peer-cluster-id', 'local-member-cluster-id', 'peer-url', 'member-name', 'address', 'error', 'data-dir', 'name'),
          fc.array(fc.oneof(hexId, url, hostileText), { minLength: 1, maxLength: 3 }),
          { maxKeys: 4 },
        ),
        evidence: fc.array(fc.record({ source: fc.constant('s'), line: fc.nat(), node: nodeName, ts: fc.constant(null), text: fc.oneof(anyLine(), hostileText) }), { maxLength: 2 }),
      });
    fc.assert(
      fc.property(
        eventsArb,
        snapshotArb,
        fc.constantFrom(0, 1).chain(() => fc.array(findingArb(rules.map((r) => r.id)), { maxLength: 8 })),
        (events, snapshot, extra) => {
          const engine = createEngine(rules);
          const model = new ClusterModelBuilder();
          for (const e of events) {
            engine.observe(e);
            model.observe(e);
          }
          const result = engine.finish({ snapshot, inputsGiven: new Set(['logs', 'member-list']) });
          const findings = [...result.findings, ...extra];
          const nodeNames = [...new Set([...events.map((e) => e.node), ...findings.map((f) => f.node)])];
          const nodes: NodeSummary[] = nodeNames.map((name) => ({
            name,
            nameFrom: 'filename',
            memberName: null,
            memberId: null,
            memberIds: [],
            sources: ['s'],
            lines: 1,
            events: 1,
            unparsed: 0,
            firstSeen: null,
            lastSeen: null,
            formats: [],
            version: null,
            clusterIds: [],
            peerURLs: [],
            clientURLs: [],
          }));
          const clusterModel = model.build(new Map());
          const ctx = { nodes, model: clusterModel, findings, rules: ruleInfo, cluster: snapshot };
          const diagnoses = correlate(ctx);
          const verdict = judge(ctx, diagnoses, true);
          const plan = planRemediation({ diagnoses, nodes: ctx.nodes, cluster: snapshot, facts: clusterModel.nodes });
          const analysis = {
            inputs: [],
            nodes: ctx.nodes,
            cluster: snapshot,
            nodeAliases: new Map(),
            totals: { inputs: 0, lines: 0, events: events.length, unparsed: 0 },
            anythingRead: true,
            inputsGiven: new Set<string>(),
          };
          const report = buildReport(analysis, { findings, rules: result.outcomes, diagnoses, verdict, plan, timeline: clusterModel.timeline, timelineDropped: 0 });
          checkReport(report);
        },
      ),
      { numRuns: runs(60) },
    );
  });

  it('the whole pipeline over random multi-node logs and etcdctl output: a valid Report, every format, a script bash accepts', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom('etcd1', 'etcd2', 'etcd3', 'x y', 'a$(b)'), fc.array(fc.oneof(fc.constantFrom(...realLines()), mutatedLine(), anyLine()), { minLength: 1, maxLength: 40 })), { minLength: 1, maxLength: 4 }),
        async (files) => {
          const sources = files.map(([node, lines], i) => memorySource(`in${i}`, lines.join('\n'), i % 2 === 0 ? node : undefined));
          const { report } = await diagnoseSources(sources, [], { rules });
          checkReport(report);
          const script = renderScript(report);
          if (n++ % 5 === 0) {
            const file = path.join(TMP, 'fix.sh');
            writeFileSync(file, script);
            const r = spawnSync('bash', ['-n', file], { encoding: 'utf8' });
            expect(r.stderr).toBe('');
          }
        },
      ),
      { numRuns: runs(30) },
    );
  });

  it('explain: any line is explained and rendered without raw control characters', () => {
    fc.assert(
      fc.property(anyLine(), (line) => {
        const parsed = parseLogLine(line);
        const matches = parsed.kind === 'event' ? rules.flatMap((r) => {
          const m = matchEvent(r, parsed);
          return m ? [{ rule: r, facts: m.facts }] : [];
        }) : [];
        const out = renderExplanation(buildExplanation(line, parsed, matches as never));
        expect(out).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]/);
      }),
      { numRuns: runs(400) },
    );
  });
});
