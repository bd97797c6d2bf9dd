// The catalog over real etcd captures (fixtures/real/<format>/<scenario>/etcdN.log): healthy
// clusters raise nothing above info, and the broken ones raise what the scenario broke.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createEngine, type EngineResult } from '../../src/engine/index.js';
import { emptySnapshot } from '../../src/model/cluster.js';
import { LineParser } from '../../src/parsers/line-parser.js';
import { compileRules } from '../../src/rules/compile.js';
import { loadRules } from '../../src/rules/load.js';

const REAL = fileURLToPath(new URL('../../fixtures/real/', import.meta.url));
const rules = compileRules((await loadRules()).map((r) => r.rule));
const FORMATS = ['capnslog', 'zap'];

/** Runs the catalog over one scenario's logs; the node is the file's name (etcd1.log -> etcd1). */
function diagnose(format: string, scenario: string): EngineResult {
  const dir = `${REAL}${format}/${scenario}/`;
  const engine = createEngine(rules);
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.log')).sort()) {
    const parser = new LineParser();
    const node = file.replace(/\.log$/, '');
    readFileSync(dir + file, 'utf8')
      .split('\n')
      .forEach((text, i) => {
        const parsed = parser.parse({ source: file, lineNo: i + 1, text, node, nodeOrigin: 'filename' });
        if (parsed.kind === 'event') engine.observe(parsed);
      });
  }
  return engine.finish({ snapshot: emptySnapshot(), inputsGiven: new Set(['logs']) });
}

const has = (format: string, scenario: string) => existsSync(`${REAL}${format}/${scenario}`);

describe.each(FORMATS)('real %s captures', (format) => {
  it.runIf(has(format, 'healthy'))('a healthy cluster raises nothing above info', () => {
    const { findings } = diagnose(format, 'healthy');
    expect(findings.filter((f) => f.severity !== 'info').map((f) => `${f.rule} on ${f.node}`)).toEqual([]);
  });

  it.runIf(has(format, 'cluster-id-mismatch'))('a cluster ID mismatch is seen by the healthy members, naming the other cluster', () => {
    const scenario = JSON.parse(readFileSync(`${REAL}${format}/cluster-id-mismatch/scenario.json`, 'utf8')) as { clusterId: string; expect: { healthy: string[] } };
    const { findings } = diagnose(format, 'cluster-id-mismatch');
    for (const node of scenario.expect.healthy) {
      const f = findings.find((x) => x.rule === 'request-cluster-id-mismatch' && x.node === node);
      expect(f, `request-cluster-id-mismatch on ${node}`).toBeDefined();
      expect(f!.facts['local-member-cluster-id']).toEqual([scenario.clusterId]);
      expect(f!.facts['remote-peer-cluster-id']).toHaveLength(1);
      expect(f!.facts['remote-peer-cluster-id']).not.toContain(scenario.clusterId);
    }
  });

  it.runIf(has(format, 'quorum-lost'))('a lost quorum makes the survivor start election after election', () => {
    const { findings } = diagnose(format, 'quorum-lost');
    expect(findings.filter((f) => f.rule === 'election-storm').length).toBeGreaterThan(0);
  });
});
