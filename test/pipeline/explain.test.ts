// `etcddoctor explain` on real lines of both formats: how the line reads and which rules fire.
import { describe, expect, it } from 'vitest';
import { runInMemory } from '../helpers/cli.js';

describe('etcddoctor explain', () => {
  it('explains a capnslog cluster ID mismatch with its facts, rule and next step', async () => {
    const run = await runInMemory(['explain', '2026-11-22 04:01:07.715300 E | rafthttp: request cluster ID mismatch (got a7123901d2400d2e want 7674ac02e2676451)']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Format:    capnslog');
    expect(run.stdout).toContain('remote-peer-cluster-id: a7123901d2400d2e');
    expect(run.stdout).toContain('CRITICAL request-cluster-id-mismatch');
    expect(run.stdout).toContain('next: ');
  });
  it('explains a zap line as JSON, and says when a rule needs a threshold', async () => {
    const run = await runInMemory([
      'explain',
      '--format',
      'json',
      '{"level":"info","ts":"2026-11-22T02:41:06.903Z","caller":"raft/raft.go:923","msg":"e3b8ae94f08a5155 is starting a new election at term 2"}',
    ]);
    const x = JSON.parse(run.stdout) as { parsed: { format: string; fields: Record<string, unknown> }; rules: { id: string; threshold: string | null }[] };
    expect(x.parsed.format).toBe('zap-json');
    expect(x.parsed.fields['raft-local-id']).toBe('e3b8ae94f08a5155');
    const storm = x.rules.find((r) => r.id === 'election-storm');
    expect(storm?.threshold).toBe('8 within 60s per node');
  });
  it('says plainly when a line is not etcd\'s', async () => {
    const run = await runInMemory(['explain', '127.0.0.1 - - [22/Nov/2026:02:33:25 +0000] "GET / HTTP/1.1" 200 612']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Not an etcd log line\./);
  });
  it('needs a line', async () => {
    const run = await runInMemory(['explain', ' ']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('explain needs a log line');
  });
});
