// Rule file errors: each names the file and the field (or the line, for YAML syntax).
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRegexSafety } from '../../src/rules/regex-safety.js';
import { loadRules, parseRuleText, readRules, ruleSources, RuleFileError } from '../../src/rules/load.js';
import { compileRules } from '../../src/rules/compile.js';
import { matchEvent } from '../../src/engine/index.js';
import type { LogEvent } from '../../src/model/event.js';
import { parseLogLine } from '../../src/parsers/line-parser.js';

const FILE = 'rules/peer/cluster-id-mismatch.yaml';

const VALID = `id: cluster-id-mismatch
title: A peer from another cluster
severity: critical
diagnosis: cluster-id-mismatch
description: An operator's words.
references: [https://etcd.io/docs/v3.5/faq/]
versions: ["3.4", "3.5"]
match:
  - msg: request cluster ID mismatch
examples:
  match: [a]
  nomatch: [b]
`;

function errorOf(text: string, file = FILE): RuleFileError {
  try {
    parseRuleText(text, file);
  } catch (err) {
    expect(err).toBeInstanceOf(RuleFileError);
    return err as RuleFileError;
  }
  throw new Error('expected a RuleFileError');
}

describe('rule file errors', () => {
  it('accepts a valid file and fills defaults', () => {
    const rule = parseRuleText(VALID, FILE);
    expect(rule.requires).toBe('logs');
    expect(rule.match).toEqual([{ msg: 'request cluster ID mismatch' }]);
  });

  it('names the field of a wrong type', () => {
    const err = errorOf(VALID.replace('  - msg: request cluster ID mismatch', '  - msg: 42\n    contains: x'));
    expect(err.message).toBe('rules/peer/cluster-id-mismatch.yaml: match[0].msg: expected string, got number');
    expect([err.file, err.field, err.line]).toEqual([FILE, 'match[0].msg', 9]);
  });

  it('names an unknown field', () => {
    expect(errorOf(VALID.replace('severity: critical', 'severity: critical\nseverty: error')).message).toBe(`${FILE}: severty: unknown field`);
    expect(errorOf(VALID.replace('  - msg: request', '  - mgs: x\n    msg: request')).message).toBe(`${FILE}: match[0].mgs: unknown field`);
  });

  it('suggests the field an unknown one was probably meant to be', () => {
    expect(errorOf(VALID.replace('title:', 'titel:')).message).toBe(`${FILE}: titel: unknown field (did you mean "title"?)`);
    expect(errorOf(VALID.replace('versions:', 'requires: {anyof: [member-list]}\nversions:')).message).toBe(`${FILE}: requires.anyof: unknown field (did you mean "anyOf"?)`);
  });

  it('names the item of a list that is wrong', () => {
    expect(errorOf(VALID.replace('  - msg: request cluster ID mismatch', '  - contains: [x, 3]')).message).toBe(`${FILE}: match[0].contains[1]: expected string, got number`);
    expect(errorOf(VALID.replace('references: [https://etcd.io/docs/v3.5/faq/]', 'references: [etcd docs]')).message).toBe(`${FILE}: references[0]: expected a URL, got "etcd docs"`);
  });

  it('names a bad enum value and a missing field', () => {
    expect(errorOf(VALID.replace('severity: critical', 'severity: fatal')).message).toBe(
      `${FILE}: severity: expected one of "info", "warning", "error", "critical", got "fatal"`,
    );
    expect(errorOf(VALID.replace('title: A peer from another cluster\n', '')).message).toBe(`${FILE}: title: required field missing (expected string)`);
  });

  it('rejects an invalid regular expression', () => {
    const err = errorOf(VALID.replace('  - msg: request cluster ID mismatch', "  - contains: x\n    regex: '(?<id>[0-9a-f'"));
    expect(err.field).toBe('match[0].regex');
    expect(err.message).toMatch(/^rules\/peer\/cluster-id-mismatch\.yaml: match\[0\]\.regex: invalid regular expression \/\(\?<id>\[0-9a-f\/: /);
  });

  it('rejects a regular expression that can backtrack catastrophically', () => {
    const err = errorOf(VALID.replace('  - msg: request cluster ID mismatch', () => "  - contains: x\n    fields:\n      error: {regex: '^(a+)+$'}"));
    expect(err.field).toBe('match[0].fields.error.regex');
    expect(err.reason).toMatch(/can backtrack catastrophically: a repeated group holds an unbounded quantifier/);
  });

  it('requires a literal in every matcher', () => {
    expect(errorOf(VALID.replace('  - msg: request cluster ID mismatch', "  - regex: 'x'")).message).toBe(
      `${FILE}: match[0]: a matcher needs a literal to be indexed by: contains (or an exact msg)`,
    );
  });

  it('requires the id to equal the file name, and a check for snapshot rules', () => {
    expect(errorOf(VALID, 'rules/peer/other.yaml').message).toBe('rules/peer/other.yaml: id: "cluster-id-mismatch" must equal the file name "other"');
    expect(errorOf(VALID.replace('versions:', 'requires: member-list\nversions:')).message).toBe(`${FILE}: check: a rule over etcdctl output needs a named check`);
    expect(errorOf(VALID.replace('versions:', 'requires: member-list\ncheck: no-such-check\nversions:')).field).toBe('check');
  });

  it('gives the line of malformed YAML', () => {
    const err = errorOf(VALID.replace('title: A peer from another cluster', 'title: [unclosed'));
    expect([err.file, err.field, err.line]).toEqual([FILE, null, 3]);
    expect(err.message).toMatch(/^rules\/peer\/cluster-id-mismatch\.yaml:3:\d+: malformed YAML: /);
    expect(errorOf(VALID + 'id: again\n').message).toMatch(/^rules\/peer\/cluster-id-mismatch\.yaml:13:1: malformed YAML: Map keys must be unique/);
  });

  it('rejects a file that is not a mapping', () => {
    expect(errorOf('- a\n- b\n').message).toBe(`${FILE}:1: expected a mapping with one rule (id, title, severity, ...)`);
  });
});

describe('loading folders', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'etcddoctor-rules-'));
    await mkdir(path.join(dir, 'a'), { recursive: true });
    await mkdir(path.join(dir, 'b', 'deeper'), { recursive: true });
    await writeFile(path.join(dir, 'a', 'cluster-id-mismatch.yaml'), VALID);
    await writeFile(path.join(dir, 'b', 'deeper', 'cluster-id-mismatch.yaml'), VALID);
    await writeFile(path.join(dir, 'b', 'notes.md'), '# not a rule');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads recursively and reports a duplicate id with both files', async () => {
    const { rules, errors } = await readRules(ruleSources([dir], false));
    expect(rules.map((r) => r.file)).toEqual([`${dir}/a/cluster-id-mismatch.yaml`]);
    expect(errors.map((e) => e.message)).toEqual([
      `${dir}/b/deeper/cluster-id-mismatch.yaml: id: duplicate rule id "cluster-id-mismatch" (also in ${dir}/a/cluster-id-mismatch.yaml)`,
    ]);
    await expect(loadRules([dir], { builtin: false })).rejects.toThrow(/duplicate rule id "cluster-id-mismatch"/);
  });

  it('names a missing folder', async () => {
    await expect(loadRules([path.join(dir, 'nope')], { builtin: false })).rejects.toThrow(`${path.join(dir, 'nope')}: no such folder`);
  });

  it('loads the built-in catalog with no errors, named under rules/', async () => {
    const { rules, errors } = await readRules(ruleSources());
    expect(errors.map((e) => e.message)).toEqual([]);
    expect(rules.length).toBeGreaterThanOrEqual(3);
    for (const r of rules) expect(r.file).toMatch(new RegExp(`^rules/[a-z-]+/${r.rule.id}\\.yaml$`));
  });
});

describe('regex safety', () => {
  it.each(['(a+)+', '(.*)*', '(a|aa)+', '(\\w+\\s?)*$', '(?:x*y)+', '((ab)*c)*', '(a+){2,}', '(a*){3,10}', '^(?<id>[0-9a-f]+|x)+'])('rejects %s', (source) => {
    expect(checkRegexSafety(source)).not.toBeNull();
  });
  it.each([
    '^request cluster ID mismatch \\(got (?<a>[0-9a-f]{1,16}) want (?<b>[0-9a-f]+)\\)',
    '(a+)?',
    '(?:ROUND_TRIPPER_RAFT_MESSAGE|ROUND_TRIPPER_SNAPSHOT)?',
    '(ab)+',
    '[(a+)+]',
    '\\(a+\\)+',
    '(?:\\d{1,3}\\.){3}\\d{1,3}',
    'x{2}',
    '(?=a+)+b',
  ])('accepts %s', (source) => {
    expect(checkRegexSafety(source)).toBeNull();
  });
});

describe('matching time is bounded even for what the static check lets through', () => {
  it.each(['.*.*.*=', 'a*a*a*b', '\\s*\\s*\\s*x', 'x\\d*\\d*\\d*y'])('%s on a crafted 8 KiB line', (regex) => {
    const rule = parseRuleText(VALID.replace('  - msg: request cluster ID mismatch', () => `  - contains: a\n    regex: '${regex}'`), FILE);
    const [compiled] = compileRules([rule]);
    const event = { ...parseLogLine('{"level":"warn","ts":"2026-11-22T02:41:05.902Z","msg":"x"}'), msg: 'a'.repeat(8192) } as LogEvent;
    const t0 = performance.now();
    matchEvent(compiled!, event);
    // Backtracking would take minutes (O(n^3) and worse); the linear-time fallback takes milliseconds.
    expect(performance.now() - t0).toBeLessThan(2000);
  });
});

