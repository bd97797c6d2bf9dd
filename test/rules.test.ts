// The catalog proves itself: every rule's examples.match lines fire it, no examples.nomatch line
// does. Log lines go through the project's log parser, etcdctl outputs through the etcdctl reader.
import { describe, expect, it } from 'vitest';
import { formatExampleFailure, runRuleExamples } from '../src/engine/examples.js';
import { createEtcdctlReader } from '../src/parsers/etcdctl/index.js';
// parseLogLine moves to the parsers' barrel (src/parsers/index.ts) once it exists
import { parseLogLine } from '../src/parsers/line-parser.js';
import { compileRule } from '../src/rules/compile.js';
import { loadRules } from '../src/rules/load.js';
import { containersFromInspectJson } from '../src/sources/docker/inspect.js';

const catalog = await loadRules();

describe('every rule of the catalog', () => {
  it.each(catalog.map((r) => [r.rule.id, r] as const))('%s: its examples behave as declared', (_id, { rule, file }) => {
    const failures = runRuleExamples(compileRule(rule), {
      parseLine: (text) => parseLogLine(text, { source: file, lineNo: 1, node: 'example' }),
      readSnapshot: (block) => {
        const reader = createEtcdctlReader(file);
        block.split('\n').forEach((line, i) => reader.accept(line, i + 1));
        return reader.finish().snapshot;
      },
      readContainers: containersFromInspectJson,
    });
    expect(failures.map((f) => formatExampleFailure(file, f))).toEqual([]);
  });
});
