// Tests for `etcdctl endpoint health` in every form, on real captures (healthy, member down, no quorum, learner).
import { describe, expect, it } from 'vitest';
import { blankEndpoint } from '../../../src/model/index.js';
import { parseEndpointHealthLine } from '../../../src/parsers/etcdctl/endpoint-health.js';
import { isClientLogLine, readFixture } from './helpers.js';

/** endpoint -> [health, error] */
function summariseHealth(path: string): Record<string, [boolean | null, string | null]> {
  const { result } = readFixture(path);
  return Object.fromEntries(result.snapshot.endpoints.map((e) => [e.endpoint, [e.health, e.error]]));
}

describe('endpoint health', () => {
  it('reads the doc-comment sample lines', () => {
    expect(parseEndpointHealthLine('http://127.0.0.1:40112 is healthy: successfully committed proposal: took = 2.66661ms')?.records).toEqual([
      { type: 'endpoint', endpoint: 'http://127.0.0.1:40112', fields: { health: true, took: '2.66661ms', error: null } },
    ]);
    expect(parseEndpointHealthLine('http://127.0.0.1:40113 is unhealthy: failed to commit proposal: context deadline exceeded')?.records).toEqual([
      { type: 'endpoint', endpoint: 'http://127.0.0.1:40113', fields: { health: false, error: 'context deadline exceeded' } },
    ]);
    expect(parseEndpointHealthLine('Error: unhealthy cluster')).toEqual({ kind: 'endpoint-health', records: [], problems: [] });
  });

  for (const file of ['endpoint-health.txt', 'endpoint-health.table.txt', 'endpoint-health.json']) {
    it(`reads member-down/${file}: two healthy, one timed out; only client log lines left over`, () => {
      const { result, rejected } = readFixture(`member-down/${file}`);
      expect(rejected.filter((l) => !isClientLogLine(l))).toEqual([]);
      expect(result.warnings).toEqual([]);
      expect(result.kinds).toEqual(['endpoint-health']);
      expect(summariseHealth(`member-down/${file}`)).toEqual({
        'http://127.0.0.1:40111': [true, null],
        'http://127.0.0.1:40112': [true, null],
        'http://127.0.0.1:40113': [false, 'context deadline exceeded'],
      });
    });

    it(`reads no-quorum/${file}: every endpoint times out`, () => {
      const { result, rejected } = readFixture(`no-quorum/${file}`);
      expect(rejected.every(isClientLogLine)).toBe(true);
      expect(result.snapshot.endpoints.map((e) => e.health)).toEqual([false, false, false]);
    });

    it(`reads learner-unstarted/${file}, joining the wrapped ERROR cell of the table`, () => {
      const { rejected } = readFixture(`learner-unstarted/${file}`);
      expect(rejected.every(isClientLogLine)).toBe(true);
      expect(summariseHealth(`learner-unstarted/${file}`)['http://127.0.0.1:40115']).toEqual([
        false,
        'etcdserver: rpc not supported for learner',
      ]);
    });
  }

  it('keeps TOOK exactly as printed, into a full endpoint row', () => {
    const { result } = readFixture('healthy/endpoint-health.table.txt');
    expect(result.snapshot.endpoints[0]).toEqual({
      ...blankEndpoint('http://127.0.0.1:40111', 'healthy/endpoint-health.table.txt'),
      health: true,
      took: '1.684659ms',
    });
  });

  it('reads the 3.5+ alarm check ("Active Alarm(s): NOSPACE ") in simple and json', () => {
    for (const file of ['from-source/v3.5-endpoint-health-alarm.txt', 'from-source/v3.5-endpoint-health-alarm.json']) {
      const { result, rejected } = readFixture(file);
      expect(rejected).toEqual([]);
      expect(summariseHealth(file)).toEqual({ 'http://127.0.0.1:40111': [false, 'Active Alarm(s): NOSPACE'] });
      expect(result.warnings).toEqual([]);
    }
  });
});
