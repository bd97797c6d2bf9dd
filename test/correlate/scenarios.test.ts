// Every real capture of a broken cluster gives the diagnosis it was broken into, first, with
// the affected and healthy nodes its scenario.json names; healthy captures give no diagnosis at
// warning or above.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, reportFor } from '../helpers/run-pipeline.js';

interface Scenario {
  scenario: string;
  expect: { diagnosis: string | null; affected: string[]; healthy: string[] };
  nodes?: Record<string, { memberId?: string }>;
}

const scenarios: { dir: string; s: Scenario }[] = [];
for (const format of ['capnslog', 'zap']) {
  const base = path.join(FIXTURES, 'real', format);
  if (!existsSync(base)) continue;
  for (const name of readdirSync(base).sort()) {
    const file = path.join(base, name, 'scenario.json');
    if (existsSync(file)) scenarios.push({ dir: `real/${format}/${name}`, s: JSON.parse(readFileSync(file, 'utf8')) as Scenario });
  }
}

/** A node the logs cannot name (a member added but never started) shows as `member <id>`. */
function nodeLabels(s: Scenario, node: string): string[] {
  const id = s.nodes?.[node]?.memberId;
  return id ? [node, `member ${id}`] : [node];
}

describe('diagnoses of real captures', () => {
  it('has captures of every kind', () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(20);
  });
  for (const { dir, s } of scenarios) {
    const e = s.expect;
    if (e.diagnosis === null) {
      it(`${dir}: no problem found`, async () => {
        const report = await reportFor(dir);
        expect(report.diagnoses.filter((d) => d.severity !== 'info')).toEqual([]);
        expect(report.verdict.status).toBe('healthy');
        expect(report.findings.filter((f) => f.severity !== 'info').map((f) => `${f.rule}@${f.node}`)).toEqual([]);
      });
      continue;
    }
    it(`${dir}: ${e.diagnosis} on ${e.affected.join(', ')}`, async () => {
      const report = await reportFor(dir);
      const top = report.diagnoses[0];
      expect(top?.id, JSON.stringify(report.diagnoses.map((d) => [d.id, d.affectedNodes]))).toBe(e.diagnosis);
      expect(top!.affectedNodes.length).toBe(e.affected.length);
      for (const node of e.affected) expect(nodeLabels(s, node)).toContain(top!.affectedNodes.find((a) => nodeLabels(s, node).includes(a)));
      // The healthy nodes are never blamed.
      for (const node of e.healthy) expect(top!.affectedNodes).not.toContain(node);
      if (e.healthy.length > 0 && e.diagnosis !== 'quorum-lost') expect(top!.healthyNodes).toEqual(expect.arrayContaining(e.healthy));
      expect(top!.explanation.length).toBeGreaterThan(40);
      expect(top!.confidence).toBeGreaterThan(0.5);
      expect(report.verdict.status).not.toBe('healthy');
    });
  }
});
