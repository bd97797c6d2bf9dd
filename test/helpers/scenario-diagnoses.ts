// Reading fixture scenarios (scenario.json beside the logs) and asserting that the pipeline's
// report leads with the diagnosis, affected and healthy nodes each one names. Shared by the
// tests of real captures and of the logs derived from etcd's source.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { FIXTURES, reportFor } from './run-pipeline.js';

export interface ScenarioFile {
  scenario: string;
  etcdVersion?: string;
  derivedFrom?: string;
  expect: { diagnosis: string | null; affected: string[]; healthy: string[] };
  nodes?: Record<string, { memberId?: string }>;
}

/** Every scenario in fixtures/<base>/<group>/<name>/scenario.json, by folder under fixtures/. */
export function readScenarios(base: string, groups: string[]): { dir: string; s: ScenarioFile }[] {
  const out: { dir: string; s: ScenarioFile }[] = [];
  for (const group of groups) {
    const root = path.join(FIXTURES, base, group);
    if (!existsSync(root)) continue;
    for (const name of readdirSync(root).sort()) {
      const file = path.join(root, name, 'scenario.json');
      if (existsSync(file)) out.push({ dir: `${base}/${group}/${name}`, s: JSON.parse(readFileSync(file, 'utf8')) as ScenarioFile });
    }
  }
  return out;
}

/** A node the logs cannot name (a member added but never started) shows as `member <id>`. */
function nodeLabels(s: ScenarioFile, node: string): string[] {
  const id = s.nodes?.[node]?.memberId;
  return id ? [node, `member ${id}`] : [node];
}

/** Registers the test of one scenario: healthy ones find nothing, broken ones lead with their cause. */
export function itDiagnoses(dir: string, s: ScenarioFile): void {
  const e = s.expect;
  if (e.diagnosis === null) {
    it(`${dir}: no problem found`, async () => {
      const report = await reportFor(dir);
      expect(report.diagnoses.filter((d) => d.severity !== 'info')).toEqual([]);
      expect(report.verdict.status).toBe('healthy');
      expect(report.findings.filter((f) => f.severity !== 'info').map((f) => `${f.rule}@${f.node}`)).toEqual([]);
    });
    return;
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
