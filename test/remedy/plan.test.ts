// The planner on real captures: the right steps in the right order, and the safety rules
// (backup first, no wipe of a healthy member, no member remove that breaks quorum, blocked
// plans when inputs are missing) on dangerous cases built from those captures.
import { describe, expect, it } from 'vitest';
import { EMPTY_ETCD_CONFIG } from '../../src/sources/docker/etcd-config.js';
import type { ContainerInfo } from '../../src/model/container.js';
import type { Diagnosis, Plan, Report } from '../../src/model/report.js';
import { enforceSafety, planRemediation, type PlanInput } from '../../src/remedy/plan.js';
import { detectDeployment } from '../../src/remedy/detect-deployment.js';
import { reportFor } from '../helpers/run-pipeline.js';

function inputOf(r: Report): PlanInput {
  return { diagnoses: r.diagnoses, nodes: r.nodes, cluster: r.cluster };
}

function actions(p: Plan): string[] {
  return p.steps.map((s) => `${s.action}${s.node ? ` ${s.node}` : ''}`);
}

function clone<T>(x: T): T {
  return structuredClone(x);
}

/** A container like cluster.sh's: bitnami-style ETCD_* variables and a named volume. */
function container(name: string, state: ContainerInfo['state'], port: number): ContainerInfo {
  return {
    name,
    id: '0123456789ab',
    image: 'etcddoctor/etcd:3.4.23',
    state,
    exitCode: state === 'running' ? null : 0,
    error: null,
    restartCount: 0,
    oomKilled: false,
    startedAt: null,
    finishedAt: null,
    health: null,
    restartPolicy: { name: 'no', maximumRetryCount: 0 },
    networkMode: 'host',
    tty: false,
    logDriver: 'json-file',
    compose: { project: 't', service: name, containerNumber: '1', workingDir: null, configFiles: null },
    mounts: [{ type: 'volume', name: `${name}_data`, source: `/var/lib/docker/volumes/${name}_data/_data`, destination: '/var/lib/etcd', rw: true }],
    command: { path: 'etcd', args: [] },
    env: {},
    etcd: {
      ...EMPTY_ETCD_CONFIG,
      name,
      dataDir: '/var/lib/etcd/data',
      initialClusterState: 'new',
      initialClusterToken: 't-cluster',
      initialAdvertisePeerUrls: `http://127.0.0.1:${port + 10}`,
      advertiseClientUrls: `http://127.0.0.1:${port}`,
    },
    etcdFrom: { name: 'env', dataDir: 'env', initialClusterState: 'env', initialCluster: 'env' },
    effectiveDataDir: '/var/lib/etcd/data',
    dataDirMount: { type: 'volume', name: `${name}_data`, source: null, destination: '/var/lib/etcd', rw: true },
    deployment: 'compose',
    bitnami: false,
    configStyle: 'env',
    etcdctl: 'captured',
    etcdctlNote: null,
  };
}

describe('replace a member', () => {
  it('cluster ID mismatch: backup, stop, remove the old member, wipe, add, start existing, verify', async () => {
    const r = await reportFor('real/capnslog/cluster-id-mismatch');
    const p = planRemediation(inputOf(r));
    expect(p.blocked).toEqual([]);
    expect(actions(p)).toEqual([
      'backup-snapshot etcd1',
      'stop-member etcd3',
      'remove-member etcd3',
      'wipe-data-dir etcd3',
      'add-member etcd3',
      'start-member etcd3',
      'verify-health etcd1',
    ]);
    const remove = p.steps[2]!;
    // The ID the real cluster lists for etcd3, not the ID of the cluster etcd3 made of its own.
    expect(remove.memberId).toBe('6a6e359dd1b9bc2a');
    expect(remove.run?.[0]?.argv).toEqual(['env', 'ETCDCTL_API=3', 'ETCDCTL_ENDPOINTS=http://127.0.0.1:30401', 'etcdctl', 'member', 'remove', '6a6e359dd1b9bc2a']);
    expect(remove.checks?.map((c) => c.kind)).toEqual(['endpoint-healthy', 'member-listed', 'quorum-after-removal']);
    expect(p.steps[4]!.run?.[0]?.argv).toEqual(['env', 'ETCDCTL_API=3', 'ETCDCTL_ENDPOINTS=http://127.0.0.1:30401', 'etcdctl', 'member', 'add', 'etcd3', '--peer-urls=http://127.0.0.1:30413']);
    expect(p.steps[5]!.commands[0]).toContain('--initial-cluster-state=existing --initial-cluster=etcd1=http://127.0.0.1:30411,etcd2=http://127.0.0.1:30412,etcd3=http://127.0.0.1:30413');
    // A bare binary: what happens on etcd3's host is done by hand, and the wipe only moves aside.
    expect(p.steps[3]!.mode).toBe('manual');
    // The pipeline's own plan knows etcd3's data dir from its start-up lines.
    expect(r.plan?.steps[3]?.commands[0]).toMatch(/^mv \S+\/cluster-id-mismatch\/etcd3\.data \S+\/etcd3\.data\.bak-/);
  });

  it('zap cluster ID mismatch plans the same', async () => {
    const p = planRemediation(inputOf(await reportFor('real/zap/cluster-id-mismatch')));
    expect(p.blocked).toEqual([]);
    expect(actions(p)).toEqual(['backup-snapshot etcd1', 'stop-member etcd3', 'remove-member etcd3', 'wipe-data-dir etcd3', 'add-member etcd3', 'start-member etcd3', 'verify-health etcd1']);
    expect(p.steps[2]!.memberId).toBe('ae30e81259436ea8');
  });

  it('a removed member is not removed again, only checked', async () => {
    const p = planRemediation(inputOf(await reportFor('real/capnslog/removed-member-restarted')));
    expect(p.blocked).toEqual([]);
    expect(actions(p)).toEqual(['backup-snapshot etcd1', 'stop-member etcd3', 'remove-member etcd3', 'wipe-data-dir etcd3', 'add-member etcd3', 'start-member etcd3', 'verify-health etcd1']);
    expect(p.steps[2]!.risk).toBe('read-only');
    expect(p.steps[2]!.checks?.map((c) => c.kind)).toEqual(['member-not-listed']);
  });

  it.each(['already-bootstrapped', 'tocommit-out-of-range', 'wal-corrupt'])('%s: etcd3 is replaced', async (scenario) => {
    const p = planRemediation(inputOf(await reportFor(`real/capnslog/${scenario}`)));
    expect(p.blocked).toEqual([]);
    expect(p.steps.filter((s) => s.action === 'wipe-data-dir').map((s) => s.node)).toEqual(['etcd3']);
    expect(p.steps[0]!.action).toBe('backup-snapshot');
  });

  it('containers: docker exec on a healthy member, the volume wiped and the container recreated with state existing', async () => {
    const r = clone(await reportFor('real/capnslog/cluster-id-mismatch'));
    r.cluster.containers = [container('etcd1', 'running', 30401), container('etcd2', 'running', 30402), container('etcd3', 'running', 30403)];
    const p = planRemediation(inputOf(r));
    expect(p.deployment).toBe('compose');
    expect(p.steps.every((s) => s.mode !== 'manual')).toBe(true);
    // The endpoint goes in as ETCDCTL_ENDPOINTS: etcdctl refuses --endpoints when the container sets that variable.
    expect(p.steps[0]!.run?.[0]?.argv.slice(0, 8)).toEqual(['docker', 'exec', '-e', 'ETCDCTL_API=3', '-e', 'ETCDCTL_ENDPOINTS=http://127.0.0.1:30401', 'etcd1', 'etcdctl']);
    const wipe = p.steps.find((s) => s.action === 'wipe-data-dir')!;
    expect(wipe.run?.map((x) => x.argv)).toEqual([['etcddoctor_save_container', 'etcd3'], ['docker', 'rm', 'etcd3'], ['etcddoctor_wipe_volume', 'etcd3_data']]);
    const start = p.steps.find((s) => s.action === 'start-member')!;
    expect(start.run?.[0]?.argv).toEqual([
      'etcddoctor_recreate_container',
      'etcd3',
      'env',
      'ETCD_INITIAL_CLUSTER_STATE=existing',
      'env',
      'ETCD_INITIAL_CLUSTER=etcd1=http://127.0.0.1:30411,etcd2=http://127.0.0.1:30412,etcd3=http://127.0.0.1:30413',
    ]);
  });

  it('a flag-configured container gets flags, not variables', async () => {
    const r = clone(await reportFor('real/capnslog/already-bootstrapped'));
    const c3 = container('etcd3', 'exited', 30403);
    c3.etcdFrom = { initialClusterState: 'flag', initialCluster: 'flag' };
    r.cluster.containers = [container('etcd1', 'running', 30401), container('etcd2', 'running', 30402), c3];
    const start = planRemediation(inputOf(r)).steps.find((s) => s.action === 'start-member')!;
    expect(start.run?.[0]?.argv.slice(2, 4)).toEqual(['flag', '--initial-cluster-state=existing']);
  });
});

describe('safety', () => {
  it('two of three members down and a request to replace one: blocked, nothing destructive', async () => {
    const r = clone(await reportFor('real/capnslog/cluster-id-mismatch'));
    // etcd2 is down too: its endpoint fails and it is affected by another diagnosis.
    for (const e of r.cluster.endpoints) if (e.endpoint.endsWith(':30402')) e.health = false;
    r.diagnoses.push({ ...r.diagnoses[0]!, id: 'peer-unreachable', affectedNodes: ['etcd2'], healthyNodes: ['etcd1'], facts: { stopped: 'true' } });
    const p = planRemediation(inputOf(r));
    expect(p.blocked.join('\n')).toMatch(/cannot replace etcd3: only 1 other member\(s\) are known healthy/);
    expect(p.steps.every((s) => s.risk === 'read-only')).toBe(true);
    expect(p.steps.some((s) => s.action === 'remove-member' || s.action === 'wipe-data-dir')).toBe(false);
  });

  it('never wipes a node the diagnosis calls healthy', async () => {
    const r = clone(await reportFor('real/capnslog/cluster-id-mismatch'));
    r.diagnoses[0]!.affectedNodes = ['etcd1'];
    r.diagnoses[0]!.healthyNodes = ['etcd1', 'etcd2'];
    const p = planRemediation(inputOf(r));
    expect(p.steps.some((s) => s.action === 'wipe-data-dir')).toBe(false);
    expect(p.blocked.join('\n')).toMatch(/etcd1 is not named as the affected member/);
  });

  it('no member list and no member ID: blocked instead of guessing', async () => {
    const r = clone(await reportFor('real/capnslog/cluster-id-mismatch'));
    r.cluster.members = [];
    for (const n of r.nodes) {
      n.memberId = null;
      n.memberIds = [];
    }
    const p = planRemediation(inputOf(r));
    expect(p.blocked.join('\n')).toMatch(/etcd3's member ID in the cluster is not known \(give etcdctl member list output\)/);
    expect(p.steps.every((s) => s.risk === 'read-only')).toBe(true);
  });

  it('no healthy member to run etcdctl against: blocked', async () => {
    const r = clone(await reportFor('real/capnslog/cluster-id-mismatch'));
    for (const e of r.cluster.endpoints) e.health = false;
    const p = planRemediation(inputOf(r));
    expect(p.blocked.join('\n')).toMatch(/no healthy member/);
    expect(p.steps.every((s) => s.risk === 'read-only')).toBe(true);
  });

  it('a hostile member name or URL never reaches a command: the plan is blocked', async () => {
    const r = clone(await reportFor('real/capnslog/cluster-id-mismatch'));
    const m3 = r.cluster.members.find((m) => m.name === 'etcd3')!;
    m3.peerURLs = ['http://127.0.0.1:30413/$(touch /tmp/x)'];
    const p = planRemediation(inputOf(r));
    expect(p.blocked.join('\n')).toContain("etcd3's peer URL \"http://127.0.0.1:30413/$(touch /tmp/x)\" is not a URL");
    expect(JSON.stringify(p.steps.flatMap((s) => [s.run, s.checks, s.waitFor]))).not.toContain('touch');
  });

  it('member-unstarted: remove only when the started members stay a majority', async () => {
    const r = clone(await reportFor('real/capnslog/member-unstarted'));
    expect(actions(planRemediation(inputOf(r)))).toEqual(['backup-snapshot etcd1', 'remove-member', 'verify-health etcd1']);
    // Two of the three started members down: 1 healthy of 3 left is no majority.
    for (const e of r.cluster.endpoints) if (!e.endpoint.endsWith(':30701')) e.health = false;
    const p = planRemediation(inputOf(r));
    expect(p.blocked.join('\n')).toMatch(/removing member b764739ef50ae2e0 would leave 3 voting members with only 1 known healthy/);
    expect(p.steps.some((s) => s.action === 'remove-member')).toBe(false);
  });

  it('enforceSafety strips destructive steps that come before a backup', async () => {
    const p = planRemediation(inputOf(await reportFor('real/capnslog/cluster-id-mismatch')));
    const unsafe: Plan = { ...p, steps: p.steps.filter((s) => s.action !== 'backup-snapshot') };
    const checked = enforceSafety(unsafe, (await reportFor('real/capnslog/cluster-id-mismatch')).diagnoses as Diagnosis[]);
    expect(checked.blocked.join('\n')).toMatch(/safety check failed: remove-member on etcd3 comes before any backup/);
    expect(checked.steps.every((s) => s.risk === 'read-only')).toBe(true);
  });

  it('enforceSafety refuses a wipe of a member no diagnosis names', async () => {
    const r = await reportFor('real/capnslog/cluster-id-mismatch');
    const p = planRemediation(inputOf(r));
    const unsafe: Plan = { ...p, steps: p.steps.map((s) => (s.action === 'wipe-data-dir' ? { ...s, node: 'etcd1' } : s)) };
    expect(enforceSafety(unsafe, r.diagnoses).blocked.join('\n')).toMatch(/wipe-data-dir targets etcd1/);
  });
});

describe('quorum lost', () => {
  it('logs only: the stopped members are started again (by hand), nothing wiped or restored', async () => {
    const p = planRemediation(inputOf(await reportFor('real/capnslog/quorum-lost')));
    expect(p.blocked).toEqual([]);
    expect(actions(p)).toEqual(['start-member etcd2', 'start-member etcd3', 'verify-health etcd1']);
    expect(p.steps.every((s) => s.risk !== 'destructive')).toBe(true);
  });

  it('containers: docker start the exited members', async () => {
    const r = clone(await reportFor('real/zap/quorum-lost'));
    r.cluster.containers = [container('etcd1', 'running', 30301), container('etcd2', 'exited', 30302), container('etcd3', 'exited', 30303)];
    const p = planRemediation(inputOf(r));
    expect(p.steps.filter((s) => s.action === 'start-member').map((s) => s.run?.[0]?.argv)).toEqual([
      ['docker', 'start', 'etcd2'],
      ['docker', 'start', 'etcd3'],
    ]);
  });

  it('a majority cannot come back and the survivors\' raft indexes are unknown: blocked', async () => {
    const r = clone(await reportFor('real/capnslog/quorum-lost'));
    // etcd2 and etcd3 lost their data: they cannot simply be started.
    r.diagnoses.push({ ...r.diagnoses[0]!, id: 'data-corruption', affectedNodes: ['etcd2', 'etcd3'], healthyNodes: ['etcd1'] });
    r.cluster.endpoints = [];
    const p = planRemediation(inputOf(r));
    expect(p.blocked.join('\n')).toMatch(/survivors' raft indexes are unknown/);
    expect(p.steps.every((s) => s.risk === 'read-only')).toBe(true);
  });
});

describe('other diagnoses', () => {
  it('nospace: backup, compact, defrag each member, disarm, raise the quota', async () => {
    const p = planRemediation(inputOf(await reportFor('real/capnslog/nospace')));
    expect(actions(p)).toEqual([
      'backup-snapshot etcd1',
      'compact etcd1',
      'defrag etcd1',
      'defrag etcd2',
      'defrag etcd3',
      'disarm-alarm',
      'raise-quota',
      'verify-health etcd1',
    ]);
    expect(p.steps[1]!.run?.[0]?.captureAs).toBe('REVISION');
  });

  it('a stopped peer is started, never wiped', async () => {
    const p = planRemediation(inputOf(await reportFor('real/capnslog/peer-stopped')));
    expect(actions(p)).toEqual(['start-member etcd3', 'verify-health etcd1']);
  });

  it.each([
    ['bad-initial-cluster', 'fix-config'],
    ['advertise-mismatch', 'fix-config'],
    ['port-in-use', 'fix-config'],
    ['election-storm', 'check-disk'],
    ['tls-bad-cert', 'renew-certificates'],
  ])('%s: read-only %s advice', async (scenario, action) => {
    const p = planRemediation(inputOf(await reportFor(`real/capnslog/${scenario}`)));
    expect(p.steps.map((s) => s.action)).toContain(action);
    expect(p.steps.filter((s) => s.action === action).every((s) => s.risk === 'read-only')).toBe(true);
  });

  it('healthy cluster: no steps', async () => {
    const p = planRemediation(inputOf(await reportFor('real/capnslog/healthy')));
    expect(p.steps).toEqual([]);
    expect(p.blocked).toEqual([]);
  });
});

describe('deployment detection', () => {
  it('containers with compose labels, bitnami, plain; journald; kubectl; default; override', async () => {
    const r = await reportFor('real/capnslog/healthy');
    const c = container('etcd1', 'running', 1);
    expect(detectDeployment(r.nodes, [c]).deployment).toBe('compose');
    expect(detectDeployment(r.nodes, [{ ...c, bitnami: true }]).deployment).toBe('compose-bitnami');
    expect(detectDeployment(r.nodes, [{ ...c, compose: null }]).deployment).toBe('docker-run');
    expect(detectDeployment(r.nodes.map((n) => ({ ...n, nameFrom: 'journald' })), []).deployment).toBe('systemd');
    expect(detectDeployment(r.nodes.map((n) => ({ ...n, nameFrom: 'kubectl' })), []).deployment).toBe('kubernetes-static-pod');
    expect(detectDeployment(r.nodes, []).deployment).toBe('binary');
    expect(detectDeployment(r.nodes, [c], 'kubernetes')).toEqual({ deployment: 'kubernetes-static-pod', from: '--deployment' });
  });
});
