// Every rule's scenarios on real captures: the rule fires in the captures listed under `fires`
// (on the nodes given, when given) and stays quiet in those under `quiet`. The expectations
// live in test/rule-scenarios/*.ts, one file per rule area.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RuleScenario } from './helpers/rule-scenario.js';
import { FIXTURES, reportFor } from './helpers/run-pipeline.js';


const dir = path.join(import.meta.dirname, 'rule-scenarios');
const files = readdirSync(dir).filter((f) => f.endsWith('.ts')).sort();
const all: RuleScenario[] = [];
for (const f of files) {
  const mod = (await import(path.join(dir, f))) as { scenarios: RuleScenario[] };
  all.push(...mod.scenarios);
}

describe('rule scenarios on real captures', () => {
  it('has scenarios', () => {
    expect(all.length).toBeGreaterThan(0);
  });
  for (const s of all) {
    for (const spec of s.fires) {
      const [fixture, nodes] = spec.split(':') as [string, string | undefined];
      it(`${s.rule} fires in ${spec}`, async () => {
        expect(existsSync(path.join(FIXTURES, fixture)), `fixture ${fixture} exists`).toBe(true);
        const report = await reportFor(fixture);
        const fired = report.findings.filter((f) => f.rule === s.rule);
        expect(fired.length, `${s.rule} should fire in ${fixture}`).toBeGreaterThan(0);
        if (nodes) expect(new Set(fired.map((f) => f.node))).toEqual(new Set(nodes.split(',')));
      });
    }
    for (const fixture of s.quiet) {
      it(`${s.rule} stays quiet in ${fixture}`, async () => {
        expect(existsSync(path.join(FIXTURES, fixture)), `fixture ${fixture} exists`).toBe(true);
        const report = await reportFor(fixture);
        expect(report.findings.filter((f) => f.rule === s.rule)).toEqual([]);
      });
    }
  }
});
