// The catalog proves itself: every rule's examples.match lines fire it, no examples.nomatch line
// does. Log lines go through the project's log parser, etcdctl outputs through the etcdctl reader.
import { describe, expect, it } from 'vitest';
import { formatExampleFailure, runRuleExamples } from '../src/engine/examples.js';
import { projectExampleParsers } from '../src/pipeline/example-parsers.js';
import { compileRule } from '../src/rules/compile.js';
import { loadRules } from '../src/rules/load.js';

const catalog = await loadRules();

describe('every rule of the catalog', () => {
  it.each(catalog.map((r) => [r.rule.id, r] as const))('%s: its examples behave as declared', (_id, { rule, file }) => {
    const failures = runRuleExamples(compileRule(rule), projectExampleParsers(file));
    expect(failures.map((f) => formatExampleFailure(file, f))).toEqual([]);
  });
});
