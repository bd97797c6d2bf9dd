// runRuleExamples: a rule's examples must behave as declared; failures say which and why.
import { describe, expect, it } from 'vitest';
import { formatExampleFailure, runRuleExamples, type ExampleParsers } from '../../src/engine/examples.js';
import { emptySnapshot } from '../../src/model/cluster.js';
import type { ParsedLine } from '../../src/model/event.js';
import { compileRule } from '../../src/rules/compile.js';
import { parseRuleText } from '../../src/rules/load.js';

const parsers: ExampleParsers = {
  // a stand-in parser: "!" lines do not parse, the rest are events whose msg is the text
  parseLine: (text): ParsedLine =>
    text.startsWith('!')
      ? { kind: 'unparsed', node: 'n', ref: { source: 's', line: 1 }, reason: 'no format', text }
      : { kind: 'event', node: 'n', nodeOrigin: 'flag', ts: null, level: 'warn', component: 'rafthttp', msg: text, fields: {}, format: 'capnslog', ref: { source: 's', line: 1 }, text },
  // a stand-in reader: one member per "id started|unstarted" line
  readSnapshot: (block) => {
    const s = emptySnapshot();
    for (const line of block.split('\n').filter(Boolean)) {
      const [id, state] = line.split(' ');
      s.members.push({ id: id!, name: '', peerURLs: [], clientURLs: [], started: state === 'started', isLearner: false, source: 'x' });
      s.outputs = ['member-list'];
    }
    return s;
  },
};

const head = (id: string) => `id: ${id}\ntitle: t\nseverity: error\ndescription: d\nreferences: [https://etcd.io/docs/]\nversions: ["3.4"]\n`;

describe('runRuleExamples', () => {
  it('passes a rule whose examples behave', () => {
    const r = compileRule(parseRuleText(head('ok') + 'match:\n  - contains: lost leader\nexamples: {match: [a lost leader b], nomatch: [elected leader]}\n', 'ok.yaml'));
    expect(runRuleExamples(r, parsers)).toEqual([]);
  });

  it('reports examples that misbehave or do not parse', () => {
    const r = compileRule(parseRuleText(head('bad') + 'match:\n  - contains: lost leader\nexamples: {match: [elected leader, "!junk"], nomatch: [lost leader]}\n', 'bad.yaml'));
    expect(runRuleExamples(r, parsers).map((f) => formatExampleFailure('rules/x/bad.yaml', f))).toEqual([
      'rules/x/bad.yaml: examples.match[0]: no matcher matched (msg "elected leader", level warn, component rafthttp): elected leader',
      'rules/x/bad.yaml: examples.match[1]: the line does not parse (no format): !junk',
      'rules/x/bad.yaml: examples.nomatch[0]: match[0] matched: lost leader',
    ]);
  });

  it('runs snapshot rules through the check', () => {
    const r = compileRule(
      parseRuleText(head('unstarted') + 'requires: member-list\ncheck: member-unstarted\nexamples:\n  match: ["a started\\nb unstarted"]\n  nomatch: ["a started", "a unstarted"]\n', 'unstarted.yaml'),
    );
    expect(runRuleExamples(r, parsers).map((f) => [f.kind, f.index, f.reason])).toEqual([['nomatch', 1, 'check member-unstarted fired 1 time(s)']]);
  });
});
