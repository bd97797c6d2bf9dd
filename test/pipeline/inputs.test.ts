// Issue 2's acceptance on real captures: three nodes with their member IDs, formats and line
// counts, and no unparsed line of etcd's own output, whether the logs come as files, a folder,
// interleaved compose-style stdin, or behind kubectl, journald and CRI prefixes.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/model/report.js';
import { runInMemory } from '../helpers/cli.js';
import { FIXTURES } from '../helpers/run-pipeline.js';

interface Scenario {
  nodes: Record<string, { memberId: string }>;
}

const NODES = ['etcd1', 'etcd2', 'etcd3'];

function linesOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

async function jsonReport(argv: string[], stdin: string | null = null): Promise<Report> {
  const run = await runInMemory([...argv, '--format', 'json'], stdin);
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as Report;
}

for (const format of ['capnslog', 'zap'] as const) {
  const dir = path.join(FIXTURES, 'real', format, 'healthy');
  const scenario = JSON.parse(readFileSync(path.join(dir, 'scenario.json'), 'utf8')) as Scenario;
  const files = NODES.map((n) => path.join(dir, `${n}.log`));
  const lineCounts = Object.fromEntries(NODES.map((n, i) => [n, linesOf(files[i]!).length]));

  function expectThreeNodes(report: Report, expectedFormat: string): void {
    const nodes = report.nodes.filter((n) => NODES.includes(n.name));
    expect(nodes.map((n) => n.name)).toEqual(NODES);
    for (const n of nodes) {
      expect(n.memberId, n.name).toBe(scenario.nodes[n.name]!.memberId);
      expect(n.unparsed, `${n.name} unparsed`).toBe(0);
      expect(n.lines, `${n.name} lines`).toBe(lineCounts[n.name]);
      expect(n.formats).toContain(expectedFormat);
      expect(n.firstSeen).toMatch(/^2026-/);
    }
    expect(report.totals.unparsed).toBe(0);
  }

  describe(`real ${format} capture of a healthy 3-node cluster`, () => {
    const main = format === 'capnslog' ? 'capnslog' : 'zap-json';
    it('as three files', async () => {
      expectThreeNodes(await jsonReport(['logs', ...files]), main);
    });
    it('as a folder (with its etcdctl outputs)', async () => {
      const report = await jsonReport(['logs', dir]);
      expectThreeNodes(report, main);
      expect(report.cluster.members.map((m) => m.name).sort()).toEqual(NODES);
    });
    it('as interleaved compose-style stdin', async () => {
      const per = files.map(linesOf);
      const out: string[] = [];
      for (let i = 0; per.some((l) => i < l.length); i++) {
        per.forEach((l, n) => {
          if (i < l.length) out.push(`${NODES[n]}  | ${l[i]}`);
        });
      }
      expectThreeNodes(await jsonReport(['logs', '-'], out.join('\n') + '\n'), main);
    });
    it('behind compose v2 names with -t stamps, kubectl --prefix, journald and CRI prefixes', async () => {
      const wrap: Record<string, (node: string, line: string) => string> = {
        composeV2: (node, line) => `${node}-1  | 2026-11-22T04:00:00.123456789Z ${line}`,
        kubectl: (node, line) => `[pod/${node}/etcd] ${line}`,
        journald: (node, line) => `Nov 22 04:00:00 ${node} etcd[812]: ${line}`,
      };
      for (const [name, fn] of Object.entries(wrap)) {
        const text = NODES.flatMap((n, i) => linesOf(files[i]!).map((l) => fn(n, l))).join('\n') + '\n';
        const report = await jsonReport(['logs', '-'], text);
        expect(report.nodes.map((n) => n.name), name).toEqual(NODES);
        expect(report.totals.unparsed, name).toBe(0);
        for (const n of report.nodes) expect(n.memberId, `${name} ${n.name}`).toBe(scenario.nodes[n.name]!.memberId);
      }
      // CRI pod-log files name no node: the node comes from --node.
      const cri = linesOf(files[0]!).map((l) => `2026-11-22T04:00:00.123456789Z stderr F ${l}`).join('\n') + '\n';
      const report = await jsonReport(['logs', '--node', 'etcd1=-', '-'], cri);
      expect(report.nodes.map((n) => [n.name, n.memberId, n.unparsed])).toEqual([['etcd1', scenario.nodes.etcd1!.memberId, 0]]);
    });
    it('names a node from its startup lines when nothing else does', async () => {
      const report = await jsonReport(['logs', '-'], readFileSync(files[1]!, 'utf8'));
      expect(report.nodes.map((n) => [n.name, n.nameFrom, n.memberId])).toEqual([['etcd2', 'startup', scenario.nodes.etcd2!.memberId]]);
    });
  });
}

describe('real docker captures', () => {
  it('reads docker --timestamps logs and takes the node from the file name', async () => {
    for (const format of ['capnslog', 'zap']) {
      const file = path.join(FIXTURES, 'docker', format, 'healthy', 'etcd1.ts.log');
      const report = await jsonReport(['logs', file]);
      expect(report.nodes.map((n) => [n.name, n.unparsed])).toEqual([['etcd1', 0]]);
      // Docker's nanosecond stamp gives raft's one-second lines a precise time.
      expect(report.nodes[0]!.firstSeen).not.toMatch(/\.000000Z$/);
    }
  });
  it('splits real docker-compose logs by their prefixes, with and without colour and -t', async () => {
    for (const name of ['compose.log', 'compose.no-color.log', 'compose.ts.log']) {
      const file = path.join(FIXTURES, 'docker', 'capnslog', 'compose-healthy', name);
      const report = await jsonReport(['logs', '-'], readFileSync(file, 'utf8'));
      expect(report.nodes.map((n) => n.name), name).toEqual(NODES);
      expect(report.totals.unparsed, name).toBe(0);
      expect(report.nodes.every((n) => n.memberId !== null)).toBe(true);
    }
  });
});
