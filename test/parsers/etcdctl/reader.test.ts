// Tests for the line-driven reader: mixed inputs, JSON edge cases (truncated, malformed, pretty, wrapped, huge), merging.
import { readdirSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ClusterSnapshotSchema } from '../../../src/model/index.js';
import { createEtcdctlReader, MAX_JSON_BYTES, mergeSnapshots } from '../../../src/parsers/etcdctl/index.js';
import { isClientLogLine, readFixture, readFixtureLines, readLines } from './helpers.js';

describe('mixed input', () => {
  it('reads a script that ran member list then endpoint health, with log lines and prompts between', () => {
    const lines = [
      '2026-11-22 03:59:20.645312 W | rafthttp: health check for peer 21fd25a94792ce81 could not connect: dial tcp 127.0.0.1:40123: connect: connection refused',
      '$ etcdctl member list -w table',
      ...readFixtureLines('member-down/member-list.table.txt'),
      '2026-11-22 03:59:21.000000 I | etcdserver: start to snapshot',
      '$ etcdctl endpoint health',
      ...readFixtureLines('member-down/endpoint-health.txt'),
      '$ etcdctl endpoint status -w json',
      ...readFixtureLines('member-down/endpoint-status.json'),
      'done',
    ];
    const { result, rejected } = readLines('session.log', lines);
    expect(rejected.filter((l) => !isClientLogLine(l))).toEqual([
      lines[0],
      '$ etcdctl member list -w table',
      '2026-11-22 03:59:21.000000 I | etcdserver: start to snapshot',
      '$ etcdctl endpoint health',
      '$ etcdctl endpoint status -w json',
      'done',
    ]);
    expect(result.warnings).toEqual([]);
    expect(result.kinds).toEqual(['member-list', 'endpoint-health', 'endpoint-status']);
    expect(result.snapshot.outputs).toEqual(result.kinds);
    expect(result.snapshot.clusterId).toBe('c47e648fa74171db');
    // health and status rows of one endpoint are one row
    expect(result.snapshot.endpoints.map((e) => [e.endpoint, e.health, e.memberId, e.isLeader])).toEqual([
      ['http://127.0.0.1:40112', true, 'a44fc5e30e9dfcba', false],
      ['http://127.0.0.1:40111', true, '1770ca12c87a5cc2', true],
      ['http://127.0.0.1:40113', false, null, null],
    ]);
    expect(ClusterSnapshotSchema.parse(result.snapshot)).toEqual(result.snapshot);
  });

  it('ends a table at the first line that is not a row, and reads that line', () => {
    const table = readFixtureLines('healthy/member-list.table.txt').slice(0, -1); // no bottom border
    const { result, rejected } = readLines('t.txt', [...table, 'http://127.0.0.1:40111 is healthy: successfully committed proposal: took = 1.3ms']);
    expect(rejected).toEqual([]);
    expect(result.snapshot.members).toHaveLength(3);
    expect(result.kinds).toEqual(['member-list', 'endpoint-health']);
  });

  it('leaves tables of other commands alone (endpoint hashkv -w table)', () => {
    const { result, rejected } = readLines('h.txt', [
      '+------------------------+------------+',
      '|        ENDPOINT        |    HASH    |',
      '+------------------------+------------+',
    ]);
    expect(rejected).toEqual(['|        ENDPOINT        |    HASH    |']);
    expect(result.kinds).toEqual([]);
  });

  it('leaves etcd and etcdctl zap log lines to the log parsers', () => {
    const { rejected, result } = readFixture('learner-unstarted/endpoint-health.txt');
    expect(rejected.length).toBeGreaterThan(40);
    expect(rejected.every(isClientLogLine)).toBe(true);
    expect(result.warnings).toEqual([]);
  });

  it('warns when two outputs disagree on the cluster ID', () => {
    const { result } = readLines('two.txt', [
      ...readFixtureLines('healthy/member-list.json'),
      ...readFixtureLines('nospace/member-list.json'),
    ]);
    expect(result.warnings).toEqual(['two.txt line 2: cluster ID b3b92a64a105aa2b differs from c47e648fa74171db read earlier']);
  });
});

describe('JSON edge cases', () => {
  const status = readFixtureLines('healthy/endpoint-status.json')[0] ?? '';

  it('warns on a truncated document at the end of the input', () => {
    const { result, rejected } = readLines('status.json', [status.slice(0, 200)]);
    expect(rejected).toEqual([]);
    expect(result.warnings).toEqual(['status.json line 1: truncated JSON (line 1 never close the document)']);
    expect(result.snapshot.endpoints).toEqual([]);
  });

  it('warns on a truncated document followed by other lines, and reads those lines', () => {
    const next = '2026-11-22 03:59:21.000000 I | etcdserver: start to snapshot';
    const health = 'http://127.0.0.1:40111 is healthy: successfully committed proposal: took = 1.3ms';
    const { result, rejected } = readLines('mixed.log', [status.slice(0, 200), next, health]);
    expect(result.warnings).toEqual(['mixed.log line 1: truncated JSON (line 1 never close the document)']);
    expect(rejected).toEqual([next]);
    expect(result.snapshot.endpoints.map((e) => e.endpoint)).toEqual(['http://127.0.0.1:40111']);
  });

  it('warns on malformed etcdctl JSON and does not throw', () => {
    const { result, rejected } = readLines('bad.json', ['[{"endpoint":"http://127.0.0.1:40111","health":tru}]']);
    expect(rejected).toEqual([]);
    expect(result.warnings).toEqual(['bad.json line 1: malformed JSON']);
  });

  it('reads a pretty-printed document (etcdctl -w json | jq)', () => {
    const doc = JSON.stringify(JSON.parse('{"alarms":[{"memberID":1,"alarm":1}]}'), null, 2).split('\n');
    const { result, rejected } = readLines('jq.txt', ['$ etcdctl alarm list -w json | jq', ...doc]);
    expect(rejected).toEqual(['$ etcdctl alarm list -w json | jq']);
    expect(result.snapshot.alarms).toEqual([{ memberId: '1', alarm: 'NOSPACE', source: 'jq.txt' }]);
  });

  it('reads a one-line document a terminal hard-wrapped at 80 columns, even inside a number', () => {
    const chunks = status.match(/.{1,80}/g) ?? [];
    expect(chunks.length).toBeGreaterThan(5);
    const { result, rejected } = readLines('wrapped.txt', chunks);
    expect(rejected).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.snapshot.endpoints.map((e) => e.memberId)).toEqual(['1770ca12c87a5cc2', 'a44fc5e30e9dfcba', '21fd25a94792ce81']);
  });

  it(`drops a document over ${MAX_JSON_BYTES / 1024 / 1024} MB with a warning, consuming its lines`, () => {
    const reader = createEtcdctlReader('huge.json');
    expect(reader.accept('[', 1)).toBe(true);
    const entry = '  {"endpoint":"http://127.0.0.1:40111","health":true,"took":"1ms","error":"' + 'x'.repeat(1024 * 1024) + '"},';
    let lineNo = 2;
    for (let i = 0; i < 17; i++) expect(reader.accept(entry, lineNo++)).toBe(true);
    expect(reader.accept('  {"endpoint":"http://127.0.0.1:40112","health":true,"took":"1ms"}', lineNo++)).toBe(true);
    expect(reader.accept(']', lineNo++)).toBe(true);
    expect(reader.accept('next line', lineNo)).toBe(false);
    const result = reader.finish();
    expect(result.warnings).toEqual(['huge.json line 1: JSON document exceeds 16 MB; dropped']);
    expect(result.snapshot.endpoints).toEqual([]);
  });

  it('never throws and always returns a valid snapshot, whatever the lines', () => {
    const pieces = [
      ...readFixtureLines('learner-unstarted/member-list.table.txt'),
      ...readFixtureLines('nospace/endpoint-status.json'),
      '{',
      '[',
      '|',
      '| ID | STATUS |',
      '+--+',
      'memberID:99999999999999999999999 alarm:NOSPACE ',
      'ffffffffffffffffff, started, x, , , false',
    ];
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constantFrom(...pieces), fc.string()), { maxLength: 40 }), (lines) => {
        const reader = createEtcdctlReader('fuzz');
        lines.forEach((l, i) => reader.accept(l, i + 1));
        const result = reader.finish();
        ClusterSnapshotSchema.parse(result.snapshot);
      }),
      { numRuns: 300 },
    );
  });
});

describe('mergeSnapshots', () => {
  it('merges health from one input and status from another into one row per endpoint', () => {
    const health = readFixture('member-down/endpoint-health.json').result.snapshot;
    const status = readFixture('member-down/endpoint-status.json').result.snapshot;
    const members = readFixture('member-down/member-list.json').result.snapshot;
    const merged = mergeSnapshots(mergeSnapshots(health, status), members);
    expect(merged.outputs).toEqual(['endpoint-health', 'endpoint-status', 'member-list']);
    expect(merged.clusterId).toBe('c47e648fa74171db');
    expect(merged.members).toHaveLength(3);
    expect(merged.endpoints.map((e) => [e.endpoint, e.health, e.memberId, e.source])).toEqual([
      ['http://127.0.0.1:40112', true, 'a44fc5e30e9dfcba', 'member-down/endpoint-health.json'],
      ['http://127.0.0.1:40111', true, '1770ca12c87a5cc2', 'member-down/endpoint-health.json'],
      ['http://127.0.0.1:40113', false, null, 'member-down/endpoint-health.json'],
    ]);
    expect(merged.endpoints[2]?.errors).toEqual(['failed to get status: context deadline exceeded']);
    expect(ClusterSnapshotSchema.parse(merged)).toEqual(merged);
  });

  it('keys members by ID (a member seen unstarted and then started is started) and deduplicates alarms', () => {
    const before = readFixture('learner-unstarted/v2-members.json').result.snapshot;
    const started = { ...before, members: before.members.map((m) => (m.started ? m : { ...m, name: 'etcd4', started: true, clientURLs: ['http://127.0.0.1:40114'] })) };
    const merged = mergeSnapshots(before, started);
    expect(merged.members.find((m) => m.id === 'd7d1d82b038dc094')).toMatchObject({ name: 'etcd4', started: true });
    const alarms = readFixture('nospace/alarm-list.txt').result.snapshot;
    expect(mergeSnapshots(alarms, readFixture('nospace/alarm-list.json').result.snapshot).alarms).toHaveLength(1);
  });
});

// The scenario captures of fixtures/real/<logger>/<scenario>/etcdctl/ (another engineer's): every file reads
// without warnings, as the kind its name says, leaving only etcdctl's client log lines.
const SCENARIOS = fileURLToPath(new URL('../../../fixtures/real/', import.meta.url));
const scenarioFiles = ['capnslog', 'zap']
  .filter((logger) => existsSync(SCENARIOS + logger))
  .flatMap((logger) =>
    readdirSync(SCENARIOS + logger)
      .filter((s) => existsSync(`${SCENARIOS}${logger}/${s}/etcdctl`))
      .flatMap((s) => readdirSync(`${SCENARIOS}${logger}/${s}/etcdctl`).map((f) => `../${logger}/${s}/etcdctl/${f}`)),
  )
  .filter((path) => /\/(member-list|endpoint-health|endpoint-status|alarm-list)[.]/.test(path));

describe.runIf(scenarioFiles.length > 0)('scenario captures', () => {
  it.each(scenarioFiles)('%s', (path) => {
    const { result, rejected } = readFixture(path);
    expect(result.warnings).toEqual([]);
    const leftover = rejected.filter((l) => !isClientLogLine(l) && l.trim() !== '');
    // v3 etcdctl error lines (no quorum, wrong endpoint) are etcdctl's own errors, not outputs.
    expect(leftover.filter((l) => !/^(Error|Failed to get leader|; error #)/.test(l))).toEqual([]);
    const kind = /(member-list|endpoint-health|endpoint-status|alarm-list)/.exec(path)?.[1];
    if (result.kinds.length > 0) expect(result.kinds).toEqual([kind]);
  });
});
