// Container checks on whole `docker inspect` captures of real containers: which fires on which
// container, with what facts (the rule files' examples hold trimmed copies of the same captures).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { emptySnapshot } from '../../src/model/cluster.js';
import { CHECKS } from '../../src/rules/checks.js';
import { CONTAINER_CHECKS } from '../../src/rules/container-checks.js';
import { containersFromInspectJson } from '../../src/sources/docker/inspect.js';

const read = (...files: string[]) =>
  files.flatMap((f) => containersFromInspectJson(readFileSync(new URL(`../../fixtures/docker/${f}`, import.meta.url), 'utf8')));
const trio = (scenario: string) => read(...[1, 2, 3].map((n) => `capnslog/${scenario}/etcd${n}.inspect.json`));

/** For each container check, the containers it fires on. */
function fired(files: ReturnType<typeof read>): Record<string, string[]> {
  const snapshot = { ...emptySnapshot(), containers: files };
  return Object.fromEntries(
    Object.entries(CONTAINER_CHECKS).map(([name, check]) => [name, check(snapshot).map((h) => h.subject.name ?? '?')]),
  );
}

const none = { 'container-crash-loop': [], 'container-oom-killed': [], 'container-exited-error': [], 'container-not-running': [] };

describe('container checks on real docker inspect captures', () => {
  it('are registered by name', () => {
    for (const name of Object.keys(CONTAINER_CHECKS)) expect(CHECKS[name as keyof typeof CHECKS]).toBe(CONTAINER_CHECKS[name as keyof typeof CONTAINER_CHECKS]);
  });

  it('say nothing of a healthy cluster', () => {
    expect(fired(trio('healthy'))).toEqual(none);
  });

  it('name a member stopped by docker stop (exit 0) while its peers run', () => {
    expect(fired(trio('peer-stopped'))).toEqual({ ...none, 'container-not-running': ['etcd3'] });
    const [hit] = CONTAINER_CHECKS['container-not-running']({ ...emptySnapshot(), containers: trio('peer-stopped') });
    expect(hit).toEqual({
      subject: { name: 'etcd3' },
      facts: { container: ['etcd3'], state: ['exited'], 'exit-code': ['0'] },
      evidence: [{ source: 'docker:etcd3', text: 'docker inspect etcd3: exited with exit code 0 at 2026-11-22T04:07:20.509912145Z' }],
    });
  });

  it('name a member that exited 1 while its peers run', () => {
    const containers = read('container-state/member-wiped.inspect.json');
    expect(fired(containers)).toEqual({ ...none, 'container-exited-error': ['ddstate3'] });
    expect(CONTAINER_CHECKS['container-exited-error']({ ...emptySnapshot(), containers })[0]!.facts['exit-code']).toEqual(['1']);
  });

  it('stay quiet when every container is down (the cluster was stopped, not a member lost)', () => {
    const down = trio('peer-stopped').map((c) => ({ ...c, state: 'exited' as const, exitCode: 0 }));
    expect(fired(down)).toEqual(none);
    const failed = read('container-state/member-wiped.inspect.json').map((c) => ({ ...c, state: 'exited' as const, exitCode: 1 }));
    expect(fired(failed)).toEqual(none);
  });

  it('name a crash loop, and not also as an exit', () => {
    const containers = read('container-state/crash-loop.inspect.json', 'container-state/member-wiped.inspect.json');
    expect(fired(containers)).toEqual({ ...none, 'container-crash-loop': ['ddstate-crashloop'], 'container-exited-error': ['ddstate3'] });
    expect(CONTAINER_CHECKS['container-crash-loop']({ ...emptySnapshot(), containers })[0]!.evidence[0]!.text).toBe(
      'docker inspect ddstate-crashloop: restarting, restarted 7 time(s) by restart policy always, last exit code 2',
    );
  });

  it('name an OOM kill, and not also as an exit', () => {
    const containers = read('container-state/oom-killed.inspect.json', 'capnslog/healthy/etcd1.inspect.json');
    expect(fired(containers)).toEqual({ ...none, 'container-oom-killed': ['ddstate-oom'] });
    expect(CONTAINER_CHECKS['container-oom-killed']({ ...emptySnapshot(), containers })[0]!.facts).toEqual({
      container: ['ddstate-oom'],
      state: ['exited'],
      'exit-code': ['137'],
    });
  });

  it('name a container created and never started', () => {
    const containers = read('container-state/created.inspect.json', 'capnslog/healthy/etcd1.inspect.json');
    expect(fired(containers)).toEqual({ ...none, 'container-not-running': ['ddstate-created'] });
    expect(CONTAINER_CHECKS['container-not-running']({ ...emptySnapshot(), containers })[0]!.evidence[0]!.text).toBe(
      'docker inspect ddstate-created: created, never started',
    );
  });
});
