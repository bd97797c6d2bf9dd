// `etcddoctor rules list|show|check` on the real catalog and on a folder of custom rules.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runInMemory } from '../helpers/cli.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

describe('etcddoctor rules', () => {
  it('lists the catalog, at least 25 rules, as a table and as JSON', async () => {
    const json = await runInMemory(['rules', 'list', '--format', 'json']);
    const rows = JSON.parse(json.stdout) as { id: string; severity: string }[];
    expect(rows.length).toBeGreaterThanOrEqual(25);
    expect(rows.map((r) => r.id)).toContain('request-cluster-id-mismatch');
    const text = await runInMemory(['rules', 'list']);
    expect(text.stdout).toContain('request-cluster-id-mismatch');
    expect(text.stdout).toMatch(new RegExp(`${rows.length} rules\\.`));
  });
  it('shows one rule with its references and examples, and suggests ids for a typo', async () => {
    const run = await runInMemory(['rules', 'show', 'election-storm']);
    expect(run.stdout).toContain('Fires at 8 matches within 60s per node.');
    expect(run.stdout).toContain('Matches, for example:');
    const typo = await runInMemory(['rules', 'show', 'election']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('did you mean');
  });
  it('checks a folder of custom rules: 0 when good, 1 when an example fails, 2 when a file is invalid', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'etcddoctor-rules-'));
    const src = readFileSync(path.join(ROOT, 'rules/raft/election-storm.yaml'), 'utf8').replace(/^id: election-storm$/m, 'id: my-storm');
    writeFileSync(path.join(dir, 'my-storm.yaml'), src);
    expect((await runInMemory(['rules', 'check', dir])).code).toBe(0);

    const wrongExample = src.replace('id: my-storm', 'id: my-storm-2').replace(/nomatch:\n/, "nomatch:\n    - 'raft2026/11/22 03:59:53 INFO: 7c11174e88d98042 is starting a new election at term 1'\n");
    writeFileSync(path.join(dir, 'my-storm-2.yaml'), wrongExample);
    const failing = await runInMemory(['rules', 'check', dir]);
    expect(failing.code).toBe(1);
    expect(failing.stderr).toMatch(/my-storm-2\.yaml: examples\.nomatch\[0\]: match\[0\] matched/);

    writeFileSync(path.join(dir, 'broken.yaml'), 'id: broken\ntitle: 3\n');
    const invalid = await runInMemory(['rules', 'check', dir]);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain('broken.yaml: title: expected string, got number');
  });
  it('adds a user rule folder to logs with --rules', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'etcddoctor-userrules-'));
    cpSync(path.join(ROOT, 'rules/raft/election-started.yaml'), path.join(dir, 'my-election.yaml'));
    const file = path.join(dir, 'my-election.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/^id: election-started$/m, 'id: my-election'));
    const run = await runInMemory(['logs', path.join(ROOT, 'fixtures/real/capnslog/quorum-lost'), '--rules', dir, '--format', 'json', '--fail-on', 'none']);
    const report = JSON.parse(run.stdout) as { findings: { rule: string }[] };
    expect(report.findings.map((f) => f.rule)).toContain('my-election');
  });
});
