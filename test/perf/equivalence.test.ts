// The quiet path (routine lines taken on raw bytes, analyze.ts) against parsing every line: on
// every fixture folder, on generated bench-like logs and on lines built to sit at the edge of
// what is quiet, the Analysis, the findings and the cluster model must be the same.
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ClusterModelBuilder } from '../../src/correlate/index.js';
import { createEngine } from '../../src/engine/index.js';
import { INPUT_NAMES } from '../../src/rules/schema.js';
import { analyzeSources } from '../../src/pipeline/analyze.js';
import { parseTimeZone, type TimeZoneSpec } from '../../src/parsers/time.js';
import { expandInputs } from '../../src/sources/file-source.js';
import { catalog, FIXTURES } from '../helpers/run-pipeline.js';

async function run(inputs: string[], quietPath: boolean, tz?: TimeZoneSpec, stdin?: string, planWorkers: 'never' | 'always' = 'never'): Promise<string> {
  const rules = await catalog();
  const expanded = await expandInputs(inputs.map((input) => ({ input })), () => Readable.from(stdin === undefined ? [] : [Buffer.from(stdin)]));
  const engine = createEngine(rules);
  const model = new ClusterModelBuilder();
  const analysis = await analyzeSources(expanded.sources, expanded.errors, { observers: [engine, model], quietPath, tz, planWorkers });
  const given = new Set(INPUT_NAMES.filter((n) => analysis.inputsGiven.has(n)));
  const result = engine.finish({ snapshot: analysis.cluster, inputsGiven: given, nodeAliases: analysis.nodeAliases });
  return JSON.stringify({ analysis: { ...analysis, nodeAliases: [...analysis.nodeAliases], inputsGiven: [...analysis.inputsGiven] }, result, model: model.build(analysis.nodeAliases) }, null, 1);
}

async function expectSame(inputs: string[], tz?: TimeZoneSpec, stdin?: string): Promise<void> {
  const plain = await run(inputs, false, tz, stdin);
  const quiet = await run(inputs, true, tz, stdin);
  expect(quiet).toBe(plain);
  // planned ahead in a worker thread (plan-workers.ts; the built worker in dist/)
  const planned = await run(inputs, true, tz, stdin, 'always');
  expect(planned).toBe(plain);
}

const folders: string[] = [];
for (const base of ['real', 'docker']) {
  for (const fmt of readdirSync(path.join(FIXTURES, base), { withFileTypes: true })) {
    if (!fmt.isDirectory()) continue;
    for (const sc of readdirSync(path.join(FIXTURES, base, fmt.name), { withFileTypes: true })) {
      if (sc.isDirectory()) folders.push(path.join(FIXTURES, base, fmt.name, sc.name));
    }
  }
}

describe('quiet path equals parsing every line', () => {
  it.each(folders.map((f) => [path.relative(FIXTURES, f), f]))('%s', async (_name, folder) => {
    await expectSame([folder]);
  });

  it('with a zone, an offset zone and stdin', async () => {
    await expectSame([path.join(FIXTURES, 'real/capnslog/election-storm')], parseTimeZone('+08:00')!);
    await expectSame([path.join(FIXTURES, 'docker/capnslog/healthy')], parseTimeZone('Asia/Shanghai')!);
    await expectSame([path.join(FIXTURES, 'docker/capnslog/compose-healthy')], parseTimeZone('UTC')!);
    await expectSame(['-'], undefined, 'etcd1_1  | ' + 'x'.repeat(10) + '\n');
  });

  it('on generated bench logs (every template, compose prefixes, both formats)', async () => {
    const root = path.resolve(FIXTURES, '..');
    // @ts-expect-error plain JS helper of the benchmark
    const { generateLog } = (await import('../../scripts/bench/generate.mjs')) as { generateLog: (...a: unknown[]) => unknown };
    const { ruleLiterals } = await import('../../src/rules/compile.js');
    const literals = ruleLiterals(await catalog());
    const dir = mkdtempSync(path.join(os.tmpdir(), 'etcddoctor-quiet-'));
    for (const [i, opts] of [
      { failureShare: 0.05, lifecycleShare: 0.05 },
      { failureShare: 0.01, lifecycleShare: 0.02, prefix: false },
    ].entries()) {
      const file = path.join(dir, `bench${i}.log`);
      generateLog(root, file, { bytes: 3e6, seed: 7 + i, literals, ...opts });
      await expectSame([file]);
    }
  });

  it('on lines at the edge of quiet', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'etcddoctor-quiet-'));
    const z = (level: string, ts: string, rest: string): string => `{"level":"${level}","ts":"${ts}","caller":"etcdserver/server.go:1","msg":"routine thing"${rest}}`;
    const lines = [
      'etcd1_1  | 2026-11-22 03:59:42.989189 I | etcdmain: etcd Version: 3.4.23',
      'etcd1_1  | 2026-11-22 03:59:43.000001 I | etcdserver: starting member 8e9e05c52164694d in cluster cdf818194e3a8c32',
      'etcd1_1  | 2026-11-22 03:59:44.000001 I | rafthttp: started streaming with peer 91bc3c398fb3c146 (writer)',
      'etcd1_1  | 2026-11-22 03:59:41.000001 I | rafthttp: an earlier stamp than the first',
      'etcd1_1  | 2026-02-30 03:59:41.000001 I | rafthttp: no such day',
      'etcd1_1  | 2026-11-22 03:59:60.000001 I | rafthttp: a leap second',
      'etcd1_1  | 2026-11-22 03:59:45.000001 W | rafthttp: a warning',
      'etcd1_1  | 2026-11-22 03:59:46.000001 N | rafthttp: a notice',
      'etcd1_1  | 2026-11-22 03:59:47.000001 I | rafthttp: a "quoted \\"thing\\""',
      'etcd1_1  | 2026-11-22 03:59:48.000001 I | rafthttp: ends with CR\r',
      'etcd1_1  | 2026-11-22 03:59:48.000002 I | rafthttp: replaced bytes \ufffd\ufffd here (counted as not valid UTF-8)',
      'etcd2_1  | 2026-11-22 03:59:48.000001 I | rafthttp: first line of a new node',
      'etcd2_1  | 2026-11-22 03:59:49.000001 I | rafthttp: second line of it',
      // one name under other paddings, and names that start another's prefix (the planner caches whole prefixes)
      'etcd2_1 | 2026-11-22 03:59:49.000002 I | rafthttp: less padding',
      'etcd2_1  |  2026-11-22 03:59:49.000003 I | rafthttp: two spaces after the bar',
      'etcd2_10 | 2026-11-22 03:59:49.000004 I | rafthttp: a longer name',
      'etcd2 | 2026-11-22 03:59:49.000005 I | rafthttp: a shorter name',
      'etcd2_1  |2026-11-22 03:59:49.000006 I | rafthttp: no space after the bar',
      'panic_1  | 2026-11-22 03:59:49.000001 I | rafthttp: not a service name',
      'etcd1_1  | ' + z('info', '2026-11-22T04:06:51.476Z', ',"local-member-id":"8e9e05c52164694d"'),
      'etcd1_1  | ' + z('info', '2026-11-22T04:06:52.476Z', ',"local-member-id":"8e9e05c52164694d","x":1'),
      'etcd1_1  | ' + z('info', '2026-11-22T04:06:53.476Z', ',"local-member-id":"aaaaaaaaaaaaaaaa"'),
      'etcd1_1  | ' + z('info', '2026-11-22T04:06:53.476Z', ',"local-member-id":"8e9e05c52164694d"'),
      'etcd1_1  | ' + z('info', '2026-11-22T04:06:54.476Z', ',"level":"error"'),
      'etcd1_1  | ' + z('debug', '2026-11-22T04:06:55.476Z', ''),
      'etcd1_1  | ' + z('warn', '2026-11-22T04:06:56.476Z', ''),
      'etcd1_1  | ' + z('info', '2026-11-22T04:06:57.47Z', ''),
      'etcd1_1  | ' + z('info', '2026-11-22T04:06:58.476Z', ',"error":"x509: certificate signed by unknown authority"'),
      'etcd1_1  | ' + z('info', '2026-11-22T04:06:59.476Z', ',"caller2":"clientv3/retry_interceptor.go:1"'),
      'etcd1_1  | ' + z('info', '2026-11-22T04:07:00.476Z', ',"msg":"second msg"'),
      'etcd1_1  | ' + z('info', '2026-11-22T04:07:00.500Z', ',"detail":"an \\"escaped\\" quote"'),
      'etcd1_1  | ' + z('info', '2026-11-22T04:07:00.600Z', ',"detail":"hides \\",\\"msg\\":\\"a second msg"'),
      'etcd1_1  | ' + z('info', '2026-11-22T04:07:00.700Z', ',"path":"C:\\\\data"'),
      // an escape hides a trigger literal from the raw bytes: only parsing finds "lost leader"
      'etcd1_1  | {"level":"info","ts":"2026-11-22T04:07:00.800Z","caller":"raft/raft.go:1","msg":"raft.node: 8e9e05c52164694d lost \\u006ceader 91bc3c398fb3c146 at term 3"}',
      'etcd1_1  | ' + z('info', '2026-11-22T04:07:01.476Z', ''),
      'etcd1_1  | panic: boom',
      'etcd1_1  | goroutine 1 [running]:',
      'etcd1_1  | ' + z('info', '2026-11-22T04:07:02.476Z', ''),
      'etcd1_1  | goroutine 2 [running]:',
      'etcd1_1  | 2026-11-22 04:07:03.000001 C | etcdmain: critical',
      'etcd1_1  | 2026-11-22 04:07:04.000001 I | etcdmain: routine after critical',
      'etcd1_1  | \tgoroutine dump line',
      '2026-11-22 04:07:05.000001 I | etcdmain: no prefix, node from the file',
      '2026-11-22 04:07:06.000001 I | etcdmain: no prefix again',
      'etcd3_1  | {"level":"info","ts":"2026-11-22T04:06:51.476Z","caller":"x/y.go:1","msg":"not json',
    ];
    const file = path.join(dir, 'edge.log');
    // many copies, so lines fall on every chunk boundary and the quiet path really runs
    const block = lines.join('\n') + '\n';
    writeFileSync(file, block.repeat(3000));
    await expectSame([file]);
    await expectSame([file], parseTimeZone('+02:00')!);
    const named = path.join(dir, 'etcd9.log');
    writeFileSync(named, block.replace(/^etcd\d_1 {2}\| /gm, '').repeat(2000));
    await expectSame([named]);
  });

  it('on a log of more prefix names than the planner keeps (ids stay distinct in a batch)', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'etcddoctor-quiet-'));
    const start = (n: string): string => `${n}  | 2026-11-22 03:59:43.000001 I | etcdserver: starting member 8e9e05c52164694d in cluster cdf818194e3a8c32`;
    const routine = (n: string, s: number): string => `${n}  | 2026-11-22 04:00:${String(s).padStart(2, '0')}.000001 I | rafthttp: routine thing`;
    // 64 names fill the planner's table; then a known name and a new one share a batch
    const lines = Array.from({ length: 64 }, (_, i) => start(`svc${i}`));
    lines.push(routine('svc0', 1), routine('svc64', 2), routine('svc0', 3), routine('svc64', 4));
    const file = path.join(dir, 'many.log');
    writeFileSync(file, lines.join('\n') + '\n');
    await expectSame([file]);
  });

  it('on docker --timestamps lines (the transport stamp is the time of a capnslog line)', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'etcddoctor-quiet-'));
    const zap = '{"level":"info","ts":"2026-11-22T04:06:51.476Z","caller":"etcdserver/server.go:1","msg":"routine thing"}';
    const capn = '2026-11-22 03:59:44.000001 I | rafthttp: routine thing';
    const start = '2026-11-22T04:06:50.123456789Z 2026-11-22 03:59:43.000001 I | etcdserver: starting member 8e9e05c52164694d in cluster cdf818194e3a8c32';
    // the quiet lines hold the earliest and the latest stamps
    const ordering = [
      start,
      // all nine digits, the instant keeps six
      `2026-11-22T04:06:49.987654321Z ${capn}`,
      // fractions with trailing zeros dropped, out of order: .5 > .49 > .4899999
      `2026-11-22T04:06:51.5Z ${capn}`,
      `2026-11-22T04:06:51.49Z ${capn}`,
      `2026-11-22T04:06:51.4899999Z ${capn}`,
      `2026-11-22T04:06:52.000000001Z ${capn}`,
      `2026-11-22T04:06:56.7Z ${zap}`,
      `2026-11-22T04:06:57.7Z etcd2_1  | ${capn}`,
      // the latest: .500001 after .5, which a byte-wise comparison would put first ('Z' > '0')
      `2026-11-22T04:07:09.500001Z ${capn}`,
      `2026-11-22T04:07:09.5Z ${capn}`,
    ];
    // stamps the quiet path must leave to the parser
    const edges = [
      start,
      `2026-11-22T04:06:50Z ${capn}`,
      `2026-11-22T04:06:53.1+02:00 ${capn}`,
      `2026-11-22T04:06:54.12345678901Z ${capn}`,
      `2026-11-22T04:06:55.1Z${capn}`,
      `2026-11-22T04:06:58.7Z etcd2_1  | 2026-11-22T04:06:58.8Z ${capn}`,
      `2026-11-31T04:06:59.7Z ${capn}`,
      `2026-11-22T04:07:00.7Z stdout F ${capn}`,
      `2026-11-22T04:07:01.25Z ${capn}`,
    ];
    for (const [name, lines] of [['etcd1.ts.log', ordering], ['etcd3.ts.log', edges]] as const) {
      const file = path.join(dir, name);
      writeFileSync(file, (lines.join('\n') + '\n').repeat(4000));
      await expectSame([file]);
      await expectSame([file], parseTimeZone('UTC')!);
      await expectSame([file], parseTimeZone('+08:00')!);
    }
  });
});
