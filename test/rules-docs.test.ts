// rules/README.md and schema/rule.schema.json are generated from the catalog; they must be current.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { generatedRuleFiles } from '../src/rules/docs.js';
import { loadRules } from '../src/rules/load.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const files = generatedRuleFiles(await loadRules());

describe('generated rule docs', () => {
  it.each(files.map((f) => [f.path, f] as const))('%s is up to date', async (rel, { content }) => {
    const onDisk = await readFile(root + rel, 'utf8').catch(() => '(missing)');
    expect(onDisk === content, `${rel} is stale: run \`npm run gen\` and commit the result`).toBe(true);
  });

  it('the rule index lists every rule', () => {
    const index = files.find((f) => f.path === 'rules/README.md')!.content;
    expect(index).toContain('[election-storm](raft/election-storm.yaml) | error | election-storm | logs (8 in 60s per node)');
    expect(index).toContain('[member-unstarted](etcdctl/member-unstarted.yaml) | error | member-unstarted | member-list');
  });
});
