// etcd 3.3, 3.5 and 3.6 logs derived from etcd's source (fixtures/from-source, built by
// convert.mjs from the real 3.4.23 captures) give the same diagnosis, on the same nodes, as the
// capture they come from; healthy ones give nothing at warning or above; every line parses and
// every node is named with its member ID.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CorrelationContext } from '../../src/correlate/context.js';
import { clusterOf } from '../../src/correlate/node-local.js';
import { FIXTURES, reportFor } from '../helpers/run-pipeline.js';
import { itDiagnoses, readScenarios } from '../helpers/scenario-diagnoses.js';

const VERSIONS = ['3.3', '3.5', '3.6'];
const scenarios = readScenarios('from-source', VERSIONS.map((v) => `etcd-${v}`));

describe('diagnoses of etcd 3.3/3.5/3.6 logs derived from source', () => {
  it('are what convert.mjs makes of the captures today', () => {
    execFileSync(process.execPath, [path.join(FIXTURES, 'from-source', 'convert.mjs'), '--check'], { stdio: 'pipe' });
  });
  it('has every version and scenario', () => {
    for (const v of VERSIONS) expect(scenarios.filter((x) => x.dir.includes(`etcd-${v}/`)).length).toBeGreaterThanOrEqual(10);
  });
  for (const { dir, s } of scenarios) {
    // The member IDs are those the same pipeline reads from the 3.4.23 capture the logs derive
    // from (scenario.json's IDs are the first start's: a wiped member comes back with a new one).
    it(`${dir}: every line parses and nodes carry their member IDs`, async () => {
      const report = await reportFor(dir);
      const capture = await reportFor((s.derivedFrom ?? '').replace(/^fixtures\//, ''));
      const ids = Object.fromEntries(capture.nodes.map((n) => [n.name, n.memberId]));
      expect(report.nodes.map((n) => n.name).sort()).toEqual(Object.keys(s.nodes ?? {}).sort());
      for (const n of report.nodes) {
        expect(n.unparsed, `${n.name} unparsed`).toBe(0);
        expect(n.memberId, `${n.name} member ID`).toBe(ids[n.name]);
        if (ids[n.name] === null) expect(s.scenario).toBe('bad-initial-cluster'); // never started
      }
    });
    itDiagnoses(dir, s);
  }
});

// A NOSPACE alarm is replicated to every member; 3.6 logs no "alarm raised" and alarm list names
// only the member that raised it, so the diagnosis reaches the reporter's whole cluster.
describe('clusterOf (cluster-wide diagnoses)', () => {
  const ctx = (clusters: Record<string, string[]>): CorrelationContext =>
    ({
      nodes: Object.keys(clusters).map((name) => ({ name })),
      model: { nodes: Object.entries(clusters).map(([node, clusterIds]) => ({ node, clusterIds })), members: [] },
    }) as unknown as CorrelationContext;
  it('extends one reporter to the members of its cluster, not to another cluster', () => {
    const c = ctx({ etcd1: ['c1'], etcd2: ['c1'], etcd3: ['c1'], other: ['c2'], silent: [] });
    expect(clusterOf(c, ['etcd2'])).toEqual(['etcd1', 'etcd2', 'etcd3']);
  });
  it('uses the latest cluster ID of a re-bootstrapped node', () => {
    expect(clusterOf(ctx({ a: ['c1'], b: ['c1', 'c2'], c: ['c2'] }), ['c'])).toEqual(['b', 'c']);
  });
  it('takes every node when no reporter named its cluster', () => {
    expect(clusterOf(ctx({ a: [], b: ['c1'] }), ['a'])).toEqual(['a', 'b']);
  });
});
