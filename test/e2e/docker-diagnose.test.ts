// End to end against a real Docker engine: real etcd 3.4 clusters broken by scripts/docker/cluster.sh,
// read by the built CLI (`node bin/etcddoctor.js logs --docker p1 p2 p3 --format json`), in both log
// formats. Each case asserts the top diagnosis and the node(s) it names. Skipped, saying why, when no
// engine answers, unless ETCDDOCTOR_REQUIRE_DOCKER=1 (CI), which makes that a failure. Last, --follow
// watches a live cluster lose a member and get it back, and stops cleanly on SIGINT.
//
// Clusters run one at a time (the machines have 2 cores), on our own prefixes (e2e*) and client ports
// 22700..22949 (22600..22699 belong to test/sources/docker.test.ts), and are always torn down.
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/model/report.js';
import { breakCluster, dockerUnavailableReason, removeCluster, startCluster } from '../helpers/docker-cluster.js';

const run = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(ROOT, 'bin/etcddoctor.js');
const BUILT = path.join(ROOT, 'dist/cli/main.js');

const unavailable = await dockerUnavailableReason();
const required = process.env.ETCDDOCTOR_REQUIRE_DOCKER === '1';
if (unavailable !== null && !required) console.warn(`test/e2e/docker-diagnose.test.ts skipped: ${unavailable}`);

interface Expected {
  scenario: string;
  /** Short, for the prefix. */
  tag: string;
  diagnosis: string;
  /** Node numbers, or a function of the report for members with no container. */
  affected: number[] | ((report: Report, prefix: string) => string[]);
  /** A container check that must have fired, on these node numbers. */
  container?: { rule: string; nodes: number[] };
}

/** The member added by member-unstarted never ran: only the member list names it, by ID. */
function unstartedMember(report: Report): string[] {
  return report.cluster.members.filter((m) => !m.started).map((m) => `member ${m.id}`);
}

const CASES: Expected[] = [
  { scenario: 'cluster-id-mismatch', tag: 'cid', diagnosis: 'cluster-id-mismatch', affected: [3] },
  { scenario: 'removed-member-restarted', tag: 'rmr', diagnosis: 'member-removed', affected: [3], container: { rule: 'container-not-running', nodes: [3] } },
  { scenario: 'peer-stopped', tag: 'pst', diagnosis: 'peer-unreachable', affected: [3], container: { rule: 'container-not-running', nodes: [3] } },
  { scenario: 'quorum-lost', tag: 'qlo', diagnosis: 'quorum-lost', affected: [2, 3], container: { rule: 'container-not-running', nodes: [2, 3] } },
  { scenario: 'member-wiped', tag: 'mwp', diagnosis: 'already-bootstrapped', affected: [3], container: { rule: 'container-exited-error', nodes: [3] } },
  { scenario: 'member-unstarted', tag: 'mun', diagnosis: 'member-unstarted', affected: unstartedMember },
];

const FORMATS = ['capnslog', 'zap'] as const;
const SEVERE = new Set(['warning', 'error', 'critical']);
const made = new Set<string>();

async function diagnose(prefix: string): Promise<{ report: Report; code: number; stderr: string }> {
  const args = [BIN, 'logs', '--docker', `${prefix}1`, `${prefix}2`, `${prefix}3`, '--format', 'json'];
  try {
    const { stdout, stderr } = await run(process.execPath, args, { cwd: ROOT, timeout: 60_000, maxBuffer: 64 * 1024 * 1024 });
    return { report: JSON.parse(stdout) as Report, code: 0, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string; message: string };
    if (typeof e.code !== 'number' || !e.stdout) throw new Error(`etcddoctor failed: ${e.message}\n${e.stderr ?? ''}`);
    return { report: JSON.parse(e.stdout) as Report, code: e.code, stderr: e.stderr ?? '' };
  }
}

/** One line per diagnosis and input problem, for failure messages. */
function describeReport(report: Report): string {
  return [
    `verdict ${report.verdict.status}: ${report.verdict.summary}`,
    ...report.diagnoses.map((d) => `${d.severity} ${d.id} affected=[${d.affectedNodes.join(',')}] confidence ${d.confidence}`),
    ...report.findings.filter((f) => f.severity !== 'info').map((f) => `  finding ${f.severity} ${f.rule} on ${f.node}`),
    ...report.inputs.flatMap((i) => i.errors.map((e) => `  input error ${i.input}: ${e}`)),
  ].join('\n');
}

/** Every container was read, and no input is an error: etcdctl failing in a broken member is a warning. */
function expectInputsRead(report: Report, prefix: string, stderr: string): void {
  expect(report.cluster.containers.map((c) => c.name).sort()).toEqual([1, 2, 3].map((n) => `${prefix}${n}`));
  expect(report.inputs.filter((i) => i.errors.length > 0).map((i) => `${i.input}: ${i.errors.join('; ')}`)).toEqual([]);
  expect(report.inputs.flatMap((i) => i.warnings.filter((w) => /not used|nothing to read/.test(w)).map((w) => `${i.input}: ${w}`))).toEqual([]);
  expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
}

afterAll(async () => {
  // A case that failed before its own finally still leaves nothing behind.
  for (const prefix of made) await removeCluster(prefix).catch(() => undefined);
});

it.runIf(unavailable !== null && required)('has a Docker engine (ETCDDOCTOR_REQUIRE_DOCKER=1)', () => {
  throw new Error(`ETCDDOCTOR_REQUIRE_DOCKER=1 but ${unavailable}`);
});

describe.skipIf(unavailable !== null)(`etcddoctor logs --docker on real clusters${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  it('runs the built CLI', () => {
    expect(existsSync(BUILT), 'dist/ is missing: run npm run build first').toBe(true);
  });

  FORMATS.forEach((format, f) => {
    describe(`${format} logs`, () => {
      CASES.forEach((c, i) => {
        // One cluster at a time, so ports may repeat across cases; prefixes never do.
        const basePort = 22700 + 50 * ((i + f * CASES.length) % 5);
        const prefix = `e2e${c.tag}${format === 'zap' ? 'z' : 'c'}`;
        it(`${c.scenario}: ${c.diagnosis} on ${typeof c.affected === 'function' ? 'the member never started' : c.affected.map((n) => `node ${n}`).join(' and ')}${i === 0 ? ' (healthy before it breaks)' : ''}`, async () => {
          made.add(prefix);
          try {
            await startCluster({ prefix, basePort, format });
            if (i === 0) {
              // The healthy cluster, read once per format before the first break.
              const healthy = await diagnose(prefix);
              expect(healthy.report.diagnoses.filter((d) => SEVERE.has(d.severity)), describeReport(healthy.report)).toEqual([]);
              expect(healthy.report.verdict.status, describeReport(healthy.report)).toBe('healthy');
              expect(healthy.report.findings.filter((f) => f.rule.startsWith('container-'))).toEqual([]);
              expectInputsRead(healthy.report, prefix, healthy.stderr);
              expect(healthy.code).toBe(0);
            }
            await breakCluster(prefix, c.scenario);
            const { report, code, stderr } = await diagnose(prefix);
            const summary = describeReport(report);
            const top = report.diagnoses[0];
            expect(top?.id, summary).toBe(c.diagnosis);
            const affected = typeof c.affected === 'function' ? c.affected(report, prefix) : c.affected.map((n) => `${prefix}${n}`);
            expect(affected.length, summary).toBeGreaterThan(0);
            expect(top!.affectedNodes, summary).toEqual(affected);
            expect(top!.healthyNodes.filter((n) => affected.includes(n)), summary).toEqual([]);
            expect(report.verdict.status, summary).not.toBe('healthy');
            if (c.container) {
              const on = report.findings.filter((x) => x.rule === c.container!.rule).map((x) => x.node).sort();
              expect(on, summary).toEqual(c.container.nodes.map((n) => `${prefix}${n}`));
            }
            expectInputsRead(report, prefix, stderr);
            expect(code, stderr).not.toBe(2);
          } finally {
            await removeCluster(prefix);
            made.delete(prefix);
          }
        }, 180_000);
      });
    });
  });
});

interface FollowLine {
  event: string;
  diagnosis?: { id: string; affectedNodes: string[] };
  verdict?: { status: string };
  active?: string[];
}

describe.skipIf(unavailable !== null)('etcddoctor logs --docker --follow on a live cluster', () => {
  it('prints a member as it goes down, clears it when it is back, and stops cleanly on SIGINT', async () => {
    const prefix = 'e2efol';
    made.add(prefix);
    try {
      await startCluster({ prefix, basePort: 22900, format: 'capnslog' });
      const child = spawn(process.execPath, [BIN, 'logs', '--docker', `${prefix}1`, `${prefix}2`, `${prefix}3`, '--follow', '--format', 'json'], { cwd: ROOT });
      const lines: FollowLine[] = [];
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (b: Buffer) => {
        stdout += b.toString();
        const parts = stdout.split('\n');
        stdout = parts.pop()!;
        for (const l of parts) if (l.trim() !== '') lines.push(JSON.parse(l) as FollowLine);
      });
      child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      const waitFor = async (what: string, pred: (l: FollowLine) => boolean, timeoutMs: number): Promise<void> => {
        const deadline = Date.now() + timeoutMs;
        while (!lines.some(pred)) {
          if (Date.now() > deadline || child.exitCode !== null) throw new Error(`no ${what} after ${timeoutMs / 1000}s; got:\n${lines.map((l) => JSON.stringify(l)).join('\n')}\n${stderr}`);
          await new Promise((r) => setTimeout(r, 250));
        }
      };
      const about = (event: string) => (l: FollowLine) =>
        l.event === event && l.diagnosis?.id === 'peer-unreachable' && l.diagnosis.affectedNodes.join() === `${prefix}3`;
      try {
        await waitFor('first verdict', (l) => l.event === 'verdict', 30_000);
        expect(lines.find((l) => l.event === 'verdict')?.verdict?.status, lines.map((l) => JSON.stringify(l)).join('\n')).toBe('healthy');
        await run('docker', ['stop', '-t', '2', `${prefix}3`]);
        await waitFor(`peer-unreachable on ${prefix}3`, about('appeared'), 45_000);
        await run('docker', ['start', `${prefix}3`]);
        await waitFor(`peer-unreachable on ${prefix}3 cleared`, about('cleared'), 60_000);
      } finally {
        child.kill('SIGINT');
      }
      expect(await exited).toBe(0);
      expect(lines.at(-1)).toMatchObject({ event: 'stopped' });
      expect(lines.at(-1)!.active).not.toContain('quorum-lost');
      expect(stderr).toContain(`following ${prefix}1, ${prefix}2, ${prefix}3`);
      expect(stderr).not.toMatch(/\n\s+at /);
    } finally {
      await removeCluster(prefix);
      made.delete(prefix);
    }
  }, 180_000);
});
