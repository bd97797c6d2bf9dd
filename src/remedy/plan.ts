// Diagnoses -> an ordered, quorum-safe remediation plan for the deployment in use. Pure: the
// plan is data (argument vectors and run-time checks) that renderers print or turn into a script.
import type { ClusterSnapshot } from '../model/cluster.js';
import type { Diagnosis, DiagnosisId, NodeSummary, Plan, PlanStep, StepCheck } from '../model/report.js';
import {
  detectDeployment,
  isContainerDeployment,
  nodeTargets,
  type Deployment,
  type DeploymentChoice,
  type NodeLogFacts,
  type NodeTarget,
} from './detect-deployment.js';
import { at, containerName, displayArgv, etcdctlPrefix, recreateArgs, run, v } from './commands.js';
import { invalidReason, isValid, quorumOf } from './validate.js';

export interface PlanInput {
  diagnoses: readonly Diagnosis[];
  nodes: readonly NodeSummary[];
  cluster: ClusterSnapshot;
  /** Per-node facts from the logs (the correlation's cluster model); optional. */
  facts?: readonly NodeLogFacts[];
}

export interface PlanOptions {
  deployment?: DeploymentChoice;
}

/** Diagnoses healed by replacing the member: remove, wipe its data dir, add, start as existing. */
const REPLACE: ReadonlySet<DiagnosisId> = new Set(['cluster-id-mismatch', 'member-removed', 'already-bootstrapped', 'data-corruption', 'member-not-found']);
/** Diagnoses that say a node's data cannot be trusted (it must not be "just started"). */
const DATA_LOST: ReadonlySet<DiagnosisId> = new Set(['cluster-id-mismatch', 'member-removed', 'already-bootstrapped', 'data-corruption']);

/** Diagnoses whose affected members cannot serve (a full database or a slow disk still answers). */
const MEMBER_DOWN: ReadonlySet<DiagnosisId> = new Set([...REPLACE, 'peer-unreachable', 'quorum-lost', 'member-unstarted', 'bad-configuration', 'discovery-failure']);

const BACKUP_FILE = '/tmp/etcddoctor-backup.db';

type StepInit = Omit<PlanStep, 'commands' | 'checks' | 'waitFor' | 'run' | 'host' | 'mode'> &
  Partial<Pick<PlanStep, 'checks' | 'waitFor' | 'run' | 'host' | 'mode' | 'commands'>>;

class Planner {
  readonly steps: PlanStep[] = [];
  readonly blocked: string[] = [];
  readonly notes: string[] = [];
  readonly targets: NodeTarget[];
  readonly deployment: Deployment;
  readonly deploymentFrom: string;
  /** Nodes a diagnosis names as affected, or whose member is down: never "healthy". */
  private readonly affected = new Set<string>();
  private readonly handled = new Set<string>();
  private backedUp = false;
  /** Member IDs of another cluster (the odd side of a cluster ID mismatch). */
  readonly foreign = new Set<string>();

  constructor(private readonly input: PlanInput, options: PlanOptions) {
    const det = detectDeployment(input.nodes, input.cluster.containers, options.deployment);
    this.deployment = det.deployment;
    this.deploymentFrom = det.from;
    // The member IDs a node of another cluster uses now: not the IDs the real cluster lists.
    const foreign = this.foreign;
    for (const d of input.diagnoses) {
      if (d.id !== 'cluster-id-mismatch') continue;
      for (const n of d.affectedNodes) {
        const s = input.nodes.find((x) => x.name === n);
        if (s?.memberId && s.memberIds.length > 1) foreign.add(s.memberId);
      }
    }
    this.targets = nodeTargets(input.nodes, input.cluster, input.facts ?? [], foreign);
    for (const d of input.diagnoses) if (MEMBER_DOWN.has(d.id)) for (const n of d.affectedNodes) this.affected.add(n);
  }

  target(node: string): NodeTarget | undefined {
    return this.targets.find((t) => t.node === node || t.container?.name === node);
  }

  /** A node counts as healthy only when nothing says otherwise and something says so. */
  isHealthy(t: NodeTarget): boolean {
    if (!t.isMember || this.affected.has(t.node)) return false;
    if (t.container && t.container.state !== 'running') return false;
    const ep = this.input.cluster.endpoints.find((e) => (t.memberId !== null && e.memberId === t.memberId) || (t.clientURL !== null && e.endpoint === t.clientURL));
    if (ep && ep.health === false) return false;
    const listed = this.input.cluster.members.find((m) => m.id === t.memberId);
    if (listed && !listed.started) return false;
    if (this.input.cluster.members.length > 0 && !listed) return false;
    const saidHealthy = this.input.diagnoses.some((d) => d.healthyNodes.includes(t.node));
    return saidHealthy || ep?.health === true || this.input.diagnoses.length === 0 || !!t.container;
  }

  healthyMembers(except: string[] = []): NodeTarget[] {
    return this.targets.filter((t) => !except.includes(t.node) && this.isHealthy(t));
  }

  /** The healthy member etcdctl runs against, with everything a command needs validated. */
  executor(except: string[] = [], relaxed = false): { t: NodeTarget; ctl: string[]; url: string } | null {
    const container = isContainerDeployment(this.deployment);
    const pool = relaxed
      ? this.targets.filter((t) => t.isMember && !except.includes(t.node) && !this.affected.has(t.node) && (!t.container || t.container.state === 'running'))
      : this.healthyMembers(except);
    const ranked = pool.sort((a, b) => {
      const ha = this.input.cluster.endpoints.some((e) => e.endpoint === a.clientURL && e.health === true) ? 0 : 1;
      const hb = this.input.cluster.endpoints.some((e) => e.endpoint === b.clientURL && e.health === true) ? 0 : 1;
      return ha - hb || a.node.localeCompare(b.node);
    });
    for (const t of ranked) {
      if (!isValid('url', t.clientURL)) continue;
      if (container && !isValid('container', containerName(t))) continue;
      if (this.deployment === 'kubernetes-static-pod' && !isValid('name', t.node)) continue;
      if (t.container?.tls.some((f) => !isValid('path', f.slice(f.indexOf('=') + 1)))) continue;
      return { t, ctl: etcdctlPrefix(this.deployment, t), url: t.clientURL };
    }
    return null;
  }

  /** Voting members now: the member list when given, else the cluster size the diagnoses state, else the member nodes. */
  voters(): number {
    const listed = this.input.cluster.members.filter((m) => !m.isLearner);
    if (listed.length > 0) return listed.length;
    const size = this.input.diagnoses.map((d) => Number(d.facts['cluster-size'])).find((n) => Number.isInteger(n) && n > 0);
    return size ?? this.targets.filter((t) => t.isMember).length;
  }

  add(s: StepInit): PlanStep {
    const r = s.run ?? [];
    const step: PlanStep = {
      action: s.action,
      node: s.node,
      memberId: s.memberId,
      risk: s.risk,
      precondition: s.precondition,
      why: s.why,
      commands: s.commands ?? r.map((x) => displayArgv(x.argv)),
      diagnosis: s.diagnosis,
      mode: s.mode ?? (r.length > 0 ? 'auto' : 'info'),
      host: s.host ?? null,
      run: r,
      checks: s.checks ?? [],
      waitFor: s.waitFor ?? [],
    };
    this.steps.push(step);
    return step;
  }

  block(d: Diagnosis | null, reason: string): void {
    const text = d ? `${d.id}: ${reason}` : reason;
    if (!this.blocked.includes(text)) this.blocked.push(text);
  }

  check(kind: StepCheck['kind'], ex: { ctl: string[]; url: string } | null, more: Partial<StepCheck> = {}): StepCheck {
    return { kind, etcdctl: ex?.ctl ?? [], endpoint: ex?.url ?? null, memberId: null, name: null, peerURL: null, path: null, container: null, ...more };
  }

  backup(d: Diagnosis, ex: { t: NodeTarget; ctl: string[]; url: string }): void {
    if (this.backedUp) return;
    this.backedUp = true;
    // Inside a container or pod, /tmp is private to it; on a host, a predictable /tmp name could
    // be a planted symlink, so the snapshot goes straight into the script's own state dir.
    const runs = [run(...at(ex.ctl, ex.url), 'snapshot', 'save', BACKUP_FILE)];
    let file: StepCheck['path'] = BACKUP_FILE;
    if (isContainerDeployment(this.deployment)) {
      runs.push(run('docker', 'cp', `${containerName(ex.t)}:${BACKUP_FILE}`, v('STATE_DIR', '', '/backup.db')));
      file = v('STATE_DIR', '', '/backup.db');
    } else if (this.deployment === 'kubernetes-static-pod') {
      runs.push(run('kubectl', '-n', 'kube-system', 'cp', `etcd-${ex.t.node}:${BACKUP_FILE}`, v('STATE_DIR', '', '/backup.db')));
      file = v('STATE_DIR', '', '/backup.db');
    } else {
      runs[0] = run(...at(ex.ctl, ex.url), 'snapshot', 'save', v('STATE_DIR', '', '/backup.db'));
      file = v('STATE_DIR', '', '/backup.db');
    }
    this.add({
      action: 'backup-snapshot',
      node: ex.t.node,
      memberId: ex.t.memberId,
      risk: 'read-only',
      precondition: `${ex.t.node} (${ex.url}) answers endpoint health`,
      why: 'A snapshot of the healthy cluster before anything destructive: the last good copy of the data, restorable with etcdctl snapshot restore.',
      diagnosis: d.id,
      run: runs,
      checks: [this.check('endpoint-healthy', ex)],
      waitFor: [this.check('snapshot-exists', null, { path: file })],
    });
  }

  /** The initial cluster a re-added member starts with: every listed member plus itself. */
  initialClusterFor(t: NodeTarget, name: string, peer: string, d: Diagnosis): string | null {
    const members = this.input.cluster.members.filter(
      (m) => m.id !== t.memberId && m.name !== name && !m.peerURLs.includes(peer) && !this.foreign.has(m.id),
    );
    const entries: string[] = [];
    if (this.input.cluster.members.length > 0) {
      for (const m of members) {
        // An added but unstarted member has no name yet; etcd matches the initial cluster by peer URLs.
        const mName = m.name || `member-${m.id}`;
        const mPeer = m.peerURLs[0];
        if (!isValid('name', mName) || !isValid('url', mPeer)) {
          this.block(d, invalidReason('url', mPeer, `the peer URL of member ${m.id}`) ?? invalidReason('name', mName, `the name of member ${m.id}`) ?? 'a member entry is invalid');
          return null;
        }
        entries.push(`${mName}=${mPeer}`);
      }
    } else {
      // No member list: the healthy members' own configuration, when they agree.
      const seen = new Set(this.healthyMembers([t.node]).map((h) => h.initialCluster).filter((x): x is string => !!x));
      if (seen.size !== 1) return null;
      for (const part of [...seen][0]!.split(',')) {
        const [n, u] = part.split('=');
        if (n === name) continue;
        if (!isValid('name', n) || !isValid('url', u)) return null;
        entries.push(`${n}=${u}`);
      }
      this.notes.push('No etcdctl member list was given: the initial cluster for the re-added member comes from the healthy members\' start-up configuration. The script checks the member list at run time.');
    }
    entries.push(`${name}=${peer}`);
    return entries.join(',');
  }

  // ---- Replacing a member (runtime-configuration.md, "Replace a failed machine") ----

  replace(d: Diagnosis, node: string): void {
    if (this.handled.has(node)) return;
    const t = this.target(node);
    const reasons: string[] = [];
    if (!t) {
      this.block(d, `${node} is not a node etcddoctor has logs, a container or a member-list entry for`);
      return;
    }
    if (!d.affectedNodes.includes(node) || d.healthyNodes.includes(node)) reasons.push(`${node} is not named as the affected member`);
    if (this.isHealthy(t)) reasons.push(`${node} looks healthy; etcddoctor never wipes a healthy member`);
    const name = t.name ?? node;
    const reasonName = invalidReason('name', name, `${node}'s member name`);
    if (reasonName) reasons.push(reasonName);
    const reasonPeer = invalidReason('url', t.peerURL, `${node}'s peer URL`);
    if (reasonPeer) reasons.push(reasonPeer);
    const ex = this.executor([node]);
    if (!ex) reasons.push('no healthy member with a usable client URL to run etcdctl against');
    const listedNow = this.input.cluster.members.length > 0 ? t.memberId !== null : null;
    const alreadyRemoved = d.id === 'member-removed' || listedNow === false;
    if (!alreadyRemoved) {
      const r = invalidReason('member-id', t.memberId, `${node}'s member ID in the cluster`);
      if (r) reasons.push(`${r} (give etcdctl member list output)`);
    }
    const voters = this.voters();
    const healthyOthers = this.healthyMembers([node]).length;
    const afterRemoval = alreadyRemoved ? voters : voters - 1;
    if (healthyOthers < quorumOf(Math.max(afterRemoval, 1))) {
      reasons.push(`only ${healthyOthers} other member(s) are known healthy; removing ${node} from ${voters} voting members needs ${quorumOf(Math.max(afterRemoval, 1))} (a majority of the ${afterRemoval} left)`);
    }
    if (healthyOthers < quorumOf(afterRemoval + 1)) {
      reasons.push(`re-adding ${node} needs ${quorumOf(afterRemoval + 1)} started members, only ${healthyOthers} are known healthy`);
    }
    if (healthyOthers < quorumOf(voters) && !alreadyRemoved) reasons.push(`fewer than a majority of the other members are healthy: ${node}'s data dir is not wiped`);
    const container = isContainerDeployment(this.deployment);
    if (container && !isValid('container', containerName(t))) reasons.push(invalidReason('container', containerName(t), `${node}'s container name`)!);
    if (container && t.container?.volume && !isValid('volume', t.container.volume)) reasons.push(invalidReason('volume', t.container.volume, `${node}'s data volume`)!);
    if (container && t.container?.bindSource && !isValid('path', t.container.bindSource)) reasons.push(invalidReason('path', t.container.bindSource, `${node}'s data dir mount`)!);
    if (container && t.container?.shellCommand && Object.values(t.container.from).includes('flag')) {
      reasons.push(`${node}'s container runs etcd through a shell; its flags cannot be rewritten safely`);
    }
    const dataDir = t.dataDir ?? (this.deployment === 'kubernetes-static-pod' ? '/var/lib/etcd' : null);
    // On a host the wipe is a manual step: an unknown data dir is left for the operator to fill in, a bad one is refused.
    if (!container && dataDir !== null && !isValid('path', dataDir)) reasons.push(invalidReason('path', dataDir, `${node}'s data dir`)!);
    const initial = reasons.length === 0 ? this.initialClusterFor(t, name, t.peerURL!, d) : null;
    if (reasons.length === 0 && initial === null) reasons.push(`the full initial cluster for ${node} is not known (give etcdctl member list output)`);
    if (reasons.length > 0 || !ex || !initial) {
      for (const r of reasons) this.block(d, `cannot replace ${node}: ${r}`);
      this.add({
        action: 'verify-health',
        node,
        memberId: t.memberId,
        risk: 'read-only',
        precondition: 'none',
        why: `${node} needs to be replaced (member remove, wipe its data dir, member add, start with --initial-cluster-state existing), but the inputs do not make that safe: ${reasons.join('; ')}.`,
        diagnosis: d.id,
        commands: ['etcdctl member list -w table', 'etcdctl endpoint health --cluster', 'etcdctl endpoint status --cluster -w table'],
      });
      return;
    }
    this.handled.add(node);
    const peer = t.peerURL!;
    const memberId = t.memberId;
    this.backup(d, ex);
    const host = container ? null : node;
    const manual = !container;

    // Stop the bad member.
    this.add({
      action: 'stop-member',
      node,
      memberId,
      risk: 'reversible',
      precondition: container ? `container ${containerName(t)} exists` : `you are on ${node}`,
      why: `${node} must not run while it is replaced: ${d.id === 'cluster-id-mismatch' ? 'it belongs to another cluster and keeps talking to this one' : 'its data cannot rejoin the cluster'}.`,
      diagnosis: d.id,
      host,
      mode: manual ? 'manual' : 'auto',
      ...this.stopCommands(t),
      checks: container ? [this.check('container-exists', null, { container: containerName(t) })] : [],
    });

    if (alreadyRemoved) {
      this.add({
        action: 'remove-member',
        node,
        memberId: null,
        risk: 'read-only',
        precondition: `${name} (${peer}) is no longer in the member list`,
        why: `${node} was already removed from the cluster${d.facts['removed-member-id'] ? ` (member ${d.facts['removed-member-id']})` : ''}: nothing to remove, only checked.`,
        diagnosis: d.id,
        commands: [displayArgv([...at(ex.ctl, ex.url), 'member', 'list'])],
        mode: 'auto',
        run: [run(...at(ex.ctl, ex.url), 'member', 'list')],
        checks: [this.check('member-not-listed', ex, { peerURL: peer })],
      });
    } else {
      this.add({
        action: 'remove-member',
        node,
        memberId,
        risk: 'destructive',
        precondition: `member ${memberId} (${name}) is listed, ${ex.t.node} is healthy, and the members left still form a majority`,
        why: `The cluster still counts ${node}'s old member ${memberId}; it is removed so that ${node} can join again as a new member. ${voters - 1} voting members remain, of which ${healthyOthers} are healthy (quorum ${quorumOf(voters - 1)}).`,
        diagnosis: d.id,
        run: [run(...at(ex.ctl, ex.url), 'member', 'remove', memberId!)],
        checks: [
          this.check('endpoint-healthy', ex),
          this.check('member-listed', ex, { memberId, name }),
          this.check('quorum-after-removal', ex, { memberId }),
        ],
        waitFor: [this.check('member-not-listed', ex, { memberId }), this.check('endpoint-healthy', ex)],
      });
    }

    this.add({
      action: 'wipe-data-dir',
      node,
      memberId,
      risk: 'destructive',
      precondition: `${node} is stopped and not in the member list; the backup exists; the other members keep quorum`,
      why: `${node}'s data dir holds ${d.id === 'cluster-id-mismatch' ? 'another cluster\'s data' : d.id === 'member-removed' ? 'the data of a removed member' : 'data the cluster cannot use'}; a new member must start empty and receive the data from the leader. Only ${node}'s data dir is touched.`,
      diagnosis: d.id,
      host,
      mode: manual ? 'manual' : t.container || !container ? 'auto' : 'manual',
      ...this.wipeCommands(t, dataDir),
      checks: [this.check('member-not-listed', ex, { peerURL: peer }), this.check('quorum-healthy', ex)],
    });

    this.add({
      action: 'add-member',
      node,
      memberId: null,
      risk: 'reversible',
      precondition: `no member with peer URL ${peer} is listed; ${ex.t.node} is healthy`,
      why: `Adds ${name} back under the same name and peer URL; the cluster gives it a new member ID.`,
      diagnosis: d.id,
      run: [{ ...run(...at(ex.ctl, ex.url), 'member', 'add', name, `--peer-urls=${peer}`), captureAs: 'NEW_MEMBER_ID', capture: 'member-id' }],
      checks: [this.check('endpoint-healthy', ex), this.check('member-not-listed', ex, { peerURL: peer }), this.check('quorum-healthy', ex)],
      waitFor: [this.check('member-listed', ex, { peerURL: peer })],
    });

    const start = this.startCommands(t, { 'initial-cluster-state': 'existing', 'initial-cluster': initial });
    const clientOk = isValid('url', t.clientURL);
    this.add({
      action: 'start-member',
      node,
      memberId: null,
      risk: 'reversible',
      precondition: `${name} is listed (unstarted) with peer URL ${peer}`,
      why: `${node} starts empty with --initial-cluster-state existing and --initial-cluster ${initial}, joins the running cluster and receives its data.`,
      diagnosis: d.id,
      host,
      mode: manual ? 'manual' : 'auto',
      ...start,
      checks: [this.check('member-listed', ex, { peerURL: peer })],
      waitFor: clientOk && container ? [this.check('endpoint-healthy', { ctl: etcdctlPrefix(this.deployment, t), url: t.clientURL! })] : [this.check('all-members-started', ex)],
    });
    if (t.container?.compose) {
      this.notes.push(
        `${node} is a docker compose service: the script recreates its container with docker run, keeping its image, environment, labels, volumes and network. ` +
          `Set ${t.container.from.initialClusterState === 'flag' ? '--initial-cluster-state=existing' : 'ETCD_INITIAL_CLUSTER_STATE=existing'} for it in the compose file too, so a later "docker compose up" that recreates it with an empty volume does not start a new cluster.`,
      );
    }
  }

  stopCommands(t: NodeTarget): Pick<PlanStep, 'run' | 'commands'> {
    switch (this.deployment) {
      case 'compose':
      case 'compose-bitnami':
      case 'docker-run': {
        const r = [run('docker', 'stop', containerName(t))];
        return { run: r, commands: r.map((x) => displayArgv(x.argv)) };
      }
      case 'systemd':
        return { run: [], commands: ['systemctl stop etcd'] };
      case 'kubernetes-static-pod':
        return { run: [], commands: ['mv /etc/kubernetes/manifests/etcd.yaml /etc/kubernetes/etcd.yaml.etcddoctor   # the kubelet stops the static pod'] };
      default:
        return { run: [], commands: ['stop the etcd process on this host (kill -TERM <pid>, or your supervisor)'] };
    }
  }

  wipeCommands(t: NodeTarget, dataDir: string | null): Pick<PlanStep, 'run' | 'commands'> {
    const c = t.container;
    if (isContainerDeployment(this.deployment)) {
      const name = containerName(t);
      if (c?.volume) {
        const r = [run('etcddoctor_save_container', name), run('docker', 'rm', name), run('etcddoctor_wipe_volume', c.volume)];
        return { run: r, commands: [...r.map((x) => displayArgv(x.argv)), `# = docker rm ${name}; docker volume rm ${c.volume}; docker volume create ${c.volume} (same labels)`] };
      }
      if (c?.bindSource) {
        const r = [
          run('etcddoctor_save_container', name),
          run('docker', 'rm', name),
          run('mv', c.bindSource, v('STAMP', `${c.bindSource}.bak-`)),
          run('mkdir', '-p', c.bindSource),
        ];
        return { run: r, commands: r.map((x) => displayArgv(x.argv)) };
      }
      if (c) {
        const r = [run('etcddoctor_save_container', name), run('docker', 'rm', name)];
        return { run: r, commands: [...r.map((x) => displayArgv(x.argv)), '# the data dir lives in the container\'s own layer: removing the container removes it'] };
      }
      return { run: [], commands: [`docker volume ls   # find the volume that holds ${t.node}'s data dir, then: docker rm ${name}; docker volume rm <that volume>`] };
    }
    const dir = dataDir ?? `<${t.node}'s data dir (--data-dir)>`;
    return { run: [], commands: [`mv ${dir} ${dir}.bak-$(date +%Y%m%d%H%M%S)   # moved aside, not deleted`] };
  }

  startCommands(t: NodeTarget, values: Record<string, string>): Pick<PlanStep, 'run' | 'commands'> {
    if (isContainerDeployment(this.deployment)) {
      const r = [run('etcddoctor_recreate_container', containerName(t), ...recreateArgs(t, values))];
      return { run: r, commands: [...r.map((x) => displayArgv(x.argv)), `# = docker run again with ${containerName(t)}'s inspected image, env, labels, mounts, ports and network, with the values above changed`] };
    }
    const flags = Object.entries(values).map(([k, val]) => `--${k}=${val}`);
    const envs = Object.entries(values).map(([k, val]) => `ETCD_${k.toUpperCase().replace(/-/g, '_')}=${val}`);
    switch (this.deployment) {
      case 'systemd':
        return { run: [], commands: [`# in the unit's environment file (e.g. /etc/default/etcd) or its ExecStart flags:`, ...envs.map((e) => `#   ${e}`), 'systemctl daemon-reload', 'systemctl start etcd'] };
      case 'kubernetes-static-pod':
        return { run: [], commands: ['# edit /etc/kubernetes/etcd.yaml: in the etcd command set', ...flags.map((f) => `#   ${f}`), 'mv /etc/kubernetes/etcd.yaml.etcddoctor /etc/kubernetes/manifests/etcd.yaml'] };
      default:
        return { run: [], commands: [`etcd --name ${t.name ?? t.node} --data-dir ${t.dataDir ?? '<data dir>'} ${flags.join(' ')} <the member's other flags>`] };
    }
  }

  // ---- Starting members whose data is intact ----

  startStopped(d: Diagnosis, node: string, ex: { ctl: string[]; url: string } | null): boolean {
    const t = this.target(node);
    if (!t || this.handled.has(node)) return false;
    const dataLost = this.input.diagnoses.some((x) => DATA_LOST.has(x.id) && x.affectedNodes.includes(node));
    if (dataLost) return false;
    this.handled.add(node);
    if (isContainerDeployment(this.deployment)) {
      const name = containerName(t);
      const why = invalidReason('container', name, `${node}'s container name`);
      if (why) {
        this.block(d, why);
        return false;
      }
      if (t.container?.state === 'running') {
        this.checkNetwork(d, t);
        return true;
      }
      const endpointCheck = isValid('url', t.clientURL) ? [this.check('endpoint-healthy', { ctl: etcdctlPrefix(this.deployment, t), url: t.clientURL! })] : [];
      this.add({
        action: 'start-member',
        node,
        memberId: t.memberId,
        risk: 'reversible',
        precondition: `container ${name} exists and is stopped, with its data intact`,
        why: `${node} is stopped${t.container ? ` (container ${t.container.state})` : ''} and nothing says its data is damaged: starting it again brings the member back with its data.`,
        diagnosis: d.id,
        run: [run('docker', 'start', name)],
        checks: [this.check('container-exists', null, { container: name })],
        waitFor: endpointCheck.length > 0 ? endpointCheck : ex ? [this.check('endpoint-healthy', ex)] : [],
      });
      return true;
    }
    this.add({
      action: 'start-member',
      node,
      memberId: t.memberId,
      risk: 'reversible',
      precondition: `you are on ${node}; its data dir is intact`,
      why: `${node} stopped and nothing says its data is damaged: starting it again brings the member back with its data. Do not wipe it.`,
      diagnosis: d.id,
      host: node,
      mode: 'manual',
      commands:
        this.deployment === 'systemd'
          ? ['systemctl start etcd', 'journalctl -u etcd -n 50   # if it does not stay up, the reason is here']
          : this.deployment === 'kubernetes-static-pod'
            ? ['ls /etc/kubernetes/manifests/etcd.yaml   # the kubelet runs the static pod while this file is there', 'crictl ps -a --name etcd']
            : ['start etcd on this host with its usual flags and data dir'],
    });
    return true;
  }

  checkNetwork(d: Diagnosis, t: NodeTarget): void {
    const peer = isValid('url', t.peerURL) ? t.peerURL : null;
    this.add({
      action: 'check-network',
      node: t.node,
      memberId: t.memberId,
      risk: 'read-only',
      precondition: 'none',
      why: `${t.node} runs, but its peers cannot reach it${d.facts.cause ? ` (${d.facts.cause})` : ''}: check that its peer URL resolves and is reachable from every other member, and that no firewall drops the peer port.`,
      diagnosis: d.id,
      commands: peer ? [`curl -sS ${peer}/version   # from every other member's host`, 'ss -ltnp | grep etcd'] : ['ss -ltnp | grep etcd'],
    });
  }

  // ---- Per diagnosis ----

  planQuorumLost(d: Diagnosis): void {
    const voters = this.voters();
    const quorum = quorumOf(voters);
    const survivors = this.healthyMembers();
    const ex = this.executor();
    const back: string[] = [];
    for (const node of d.affectedNodes) {
      const t = this.target(node);
      const dataLost = this.input.diagnoses.some((x) => DATA_LOST.has(x.id) && x.affectedNodes.includes(node));
      if (t && !dataLost && (!t.container || t.container.state !== 'running')) back.push(node);
    }
    const running = this.targets.filter((t) => t.isMember && !d.affectedNodes.includes(t.node) && (!t.container || t.container.state === 'running'));
    const reachable = Math.max(running.length, survivors.length);
    if (reachable + back.length >= quorum) {
      this.notes.push(`Quorum is lost (${voters} voting members, ${quorum} needed). ${back.join(', ')} stopped with ${back.length === 1 ? 'its' : 'their'} data intact: starting ${back.length === 1 ? 'it' : 'them'} again restores the majority. Nothing is wiped, removed or restored.`);
      for (const node of back) this.startStopped(d, node, ex);
      return;
    }
    // The last resort: a majority cannot come back.
    const withIndex = running.map((t) => ({ t, idx: this.input.cluster.endpoints.find((e) => e.memberId === t.memberId || e.endpoint === t.clientURL)?.raftIndex ?? null }));
    if (withIndex.length === 0 || withIndex.some((x) => x.idx === null)) {
      this.block(
        d,
        `a majority cannot come back (${reachable + back.length} of ${voters} members can run, ${quorum} needed) and the survivors' raft indexes are unknown: run "etcdctl endpoint status -w json" against each survivor (${running.map((t) => t.node).join(', ') || 'none known'}) so the most up-to-date one can be chosen; nothing destructive is planned`,
      );
      return;
    }
    const best = withIndex.sort((a, b) => (b.idx ?? 0) - (a.idx ?? 0))[0]!;
    this.block(d, `a majority cannot come back: the last resort (force-new-cluster on ${best.t.node}) loses whatever only the lost members held; it is listed as manual steps and the script does not run it`);
    this.add({
      action: 'force-new-cluster',
      node: best.t.node,
      memberId: best.t.memberId,
      risk: 'destructive',
      precondition: 'the lost members cannot be started again; a snapshot or a copy of the data dir was taken',
      why: `${best.t.node} has the highest raft index among the survivors (${withIndex.map((x) => `${x.t.node} ${x.idx}`).join(', ')}, from etcdctl endpoint status): it holds the most committed entries. Restart it alone with --force-new-cluster, then restart it without the flag, then add every other member back one at a time (member add, empty data dir, --initial-cluster-state existing).`,
      diagnosis: d.id,
      mode: 'manual',
      host: best.t.node,
      commands: [
        `etcdctl --endpoints=${best.t.clientURL ?? '<its client URL>'} snapshot save backup.db`,
        `cp -a ${best.t.dataDir ?? '<data dir>'} ${best.t.dataDir ?? '<data dir>'}.bak   # with etcd stopped`,
        'restart etcd on this member once with --force-new-cluster (ETCD_FORCE_NEW_CLUSTER=true), then again without it',
      ],
    });
  }

  planMemberUnstarted(d: Diagnosis): void {
    const ids = (d.facts['member-id'] ?? '').split(',').filter(Boolean);
    if (ids.length === 0) {
      this.block(d, 'the unstarted member\'s ID is not known (give etcdctl member list output)');
      return;
    }
    const ex = this.executor();
    for (const id of ids) {
      const m = this.input.cluster.members.find((x) => x.id === id);
      const peer = m?.peerURLs[0] ?? null;
      const bad = invalidReason('member-id', id, 'the unstarted member\'s ID') ?? invalidReason('url', peer, `member ${id}'s peer URL`);
      if (bad) {
        this.block(d, bad);
        continue;
      }
      if (!ex) {
        this.block(d, 'no healthy member with a usable client URL to run etcdctl against');
        continue;
      }
      // A node of that name or peer URL among the inputs: start it; else remove the member.
      const node = this.targets.find((t) => t.memberId !== id && t.node !== ex.t.node && (t.peerURL === peer || (m?.name && t.name === m.name)) && !this.isHealthy(t));
      if (node && isValid('name', node.name ?? node.node)) {
        const initial = this.initialClusterFor({ ...node, memberId: id }, node.name ?? node.node, peer!, d);
        if (initial) {
          this.handled.add(node.node);
          this.add({
            action: 'start-member',
            node: node.node,
            memberId: id,
            risk: 'reversible',
            precondition: `member ${id} is listed, unstarted, with peer URL ${peer}`,
            why: `${node.node} was added as member ${id} but never started: it starts with the same name and peer URL, --initial-cluster-state existing and --initial-cluster ${initial}.`,
            diagnosis: d.id,
            mode: isContainerDeployment(this.deployment) ? 'auto' : 'manual',
            host: isContainerDeployment(this.deployment) ? null : node.node,
            ...this.startCommands(node, { 'initial-cluster-state': 'existing', 'initial-cluster': initial }),
            checks: [this.check('member-listed', ex, { memberId: id, peerURL: peer })],
            waitFor: [this.check('all-members-started', ex)],
          });
          continue;
        }
      }
      const voters = this.voters();
      const started = this.healthyMembers().length;
      if (started < quorumOf(voters - 1)) {
        this.block(d, `removing member ${id} would leave ${voters - 1} voting members with only ${started} known healthy (quorum ${quorumOf(voters - 1)})`);
        continue;
      }
      this.backup(d, ex);
      this.add({
        action: 'remove-member',
        node: null,
        memberId: id,
        risk: 'reversible',
        precondition: `member ${id} is listed and unstarted; the started members stay a majority after its removal`,
        why: `Member ${id} (${peer}) was added but no etcd process ever joined with that peer URL, and no node for it is among the inputs. It counts toward the quorum without voting (${voters} voting members, ${started} healthy); removing it makes the cluster whole again. Re-add it with member add when its machine is ready.`,
        diagnosis: d.id,
        run: [run(...at(ex.ctl, ex.url), 'member', 'remove', id)],
        checks: [this.check('endpoint-healthy', ex), this.check('member-listed', ex, { memberId: id, peerURL: peer }), this.check('quorum-after-removal', ex, { memberId: id })],
        waitFor: [this.check('member-not-listed', ex, { memberId: id })],
      });
    }
  }

  planPeerUnreachable(d: Diagnosis): void {
    const ex = this.executor(d.affectedNodes);
    for (const node of d.affectedNodes) {
      if (this.handled.has(node)) continue;
      const t = this.target(node);
      if (!t) {
        this.block(d, `${node} is not among the inputs: check it by hand`);
        continue;
      }
      if (d.facts.stopped === 'true' || (t.container && t.container.state !== 'running')) this.startStopped(d, node, ex);
      else {
        this.handled.add(node);
        this.checkNetwork(d, t);
      }
    }
  }

  planNospace(d: Diagnosis): void {
    const ex = this.executor();
    if (!ex) {
      this.block(d, 'no healthy member with a usable client URL to run etcdctl against');
      return;
    }
    this.backup(d, ex);
    const here = at(ex.ctl, ex.url);
    this.add({
      action: 'compact',
      node: ex.t.node,
      memberId: ex.t.memberId,
      risk: 'destructive',
      precondition: `${ex.t.node} is healthy; the backup exists`,
      why: 'Compacting to the current revision drops the old revisions of every key (the history, not the current values) so that defragmentation can free their space.',
      diagnosis: d.id,
      run: [
        { ...run(...here, 'endpoint', 'status', '-w', 'json'), captureAs: 'REVISION', capture: 'revision' },
        run(...here, 'compact', v('REVISION')),
      ],
      checks: [this.check('endpoint-healthy', ex)],
    });
    const members = this.targets.filter((t) => t.isMember && isValid('url', t.clientURL));
    for (const t of members) {
      this.add({
        action: 'defrag',
        node: t.node,
        memberId: t.memberId,
        risk: 'reversible',
        precondition: `${t.node} answers endpoint health; one member at a time`,
        why: `Defragmenting ${t.node} returns the freed space to the file system; it blocks that member while it runs, so members are done one after the other.`,
        diagnosis: d.id,
        run: [run(...at(ex.ctl, t.clientURL!), 'defrag')],
        checks: [this.check('quorum-healthy', ex)],
        waitFor: [this.check('endpoint-healthy', { ctl: ex.ctl, url: t.clientURL! })],
      });
    }
    this.add({
      action: 'disarm-alarm',
      node: null,
      memberId: null,
      risk: 'reversible',
      precondition: 'every member was defragmented',
      why: 'The NOSPACE alarm stays raised until it is disarmed; writes fail until then.',
      diagnosis: d.id,
      run: [run(...here, 'alarm', 'disarm'), run(...here, 'alarm', 'list')],
      checks: [this.check('endpoint-healthy', ex)],
    });
    this.add({
      action: 'raise-quota',
      node: null,
      memberId: null,
      risk: 'read-only',
      precondition: 'none',
      why: 'So it does not happen again: raise the quota (default 2 GiB, at most 8 GiB) and let etcd compact its history by itself. Both are start-up settings of every member.',
      diagnosis: d.id,
      commands: ['--quota-backend-bytes=8589934592 (ETCD_QUOTA_BACKEND_BYTES)', '--auto-compaction-mode=periodic --auto-compaction-retention=1h (ETCD_AUTO_COMPACTION_MODE, ETCD_AUTO_COMPACTION_RETENTION)'],
    });
  }

  planAdvice(d: Diagnosis): void {
    const nodes = d.affectedNodes.join(', ') || 'every member';
    const t = d.affectedNodes.length === 1 ? this.target(d.affectedNodes[0]!) : undefined;
    const setting = (flag: string, value: string) => {
      const key = flag === 'initial-cluster' ? 'initialCluster' : flag === 'initial-cluster-state' ? 'initialClusterState' : flag === 'initial-advertise-peer-urls' ? 'initialAdvertisePeerUrls' : flag;
      return t?.container?.from[key] === 'flag' || !t?.container ? `--${flag}=${value}` : `ETCD_${flag.toUpperCase().replace(/-/g, '_')}=${value}`;
    };
    switch (d.id) {
      case 'slow-disk':
      case 'overload':
      case 'election-storm':
        this.add({
          action: 'check-disk',
          node: d.affectedNodes[0] ?? null,
          memberId: null,
          risk: 'read-only',
          precondition: 'none',
          why: `${d.title}: measure the disk and the load on ${nodes} before changing anything. etcd needs WAL fsync p99 under 10 ms; heartbeats must arrive well within the election timeout.`,
          diagnosis: d.id,
          commands: [
            'fio --rw=write --ioengine=sync --fdatasync=1 --directory=<data dir> --size=22m --bs=2300 --name=etcd-fsync   # p99 fdatasync should be < 10ms',
            'curl -s <client URL>/metrics | grep -E "wal_fsync_duration_seconds|backend_commit_duration_seconds|leader_changes_seen_total"',
            'etcd flags: --heartbeat-interval (default 100ms) and --election-timeout (default 1000ms, >= 10x heartbeat and above the peers\' round trip)',
          ],
        });
        return;
      case 'clock-drift':
        this.add({
          action: 'sync-clock',
          node: d.affectedNodes[0] ?? null,
          memberId: d.facts['member-id'] ?? null,
          risk: 'read-only',
          precondition: 'none',
          why: `${d.title}: synchronise ${nodes} with NTP; drift breaks lease TTLs.`,
          diagnosis: d.id,
          host: d.affectedNodes[0] ?? null,
          commands: ['timedatectl status', 'chronyc tracking   # or: systemctl enable --now systemd-timesyncd'],
        });
        return;
      case 'tls-failure':
        this.add({
          action: 'renew-certificates',
          node: d.affectedNodes[0] ?? null,
          memberId: null,
          risk: 'read-only',
          precondition: 'none',
          why: `${d.title}: every certificate must be signed by the CA the other side trusts, cover the advertised host names and IPs in its SANs, and be valid now.`,
          diagnosis: d.id,
          commands: ['openssl x509 -in <cert-file> -noout -subject -issuer -dates -ext subjectAltName', 'openssl verify -CAfile <trusted-ca-file> <cert-file>'],
        });
        return;
      case 'bad-configuration':
      case 'discovery-failure': {
        const rules = new Set(d.findings.map((f) => f.rule));
        const fixes: string[] = [];
        const name = t?.name ?? d.affectedNodes[0] ?? '<name>';
        const peer = t?.peerURL ?? null;
        if (rules.has('initial-cluster-missing-local-name') && peer) fixes.push(`add ${name}=${peer} to the initial cluster: ${setting('initial-cluster', `<the others>,${name}=${peer}`)}`);
        if (rules.has('initial-cluster-advertise-mismatch')) fixes.push(`the initial cluster's entry for ${name} must equal its advertised peer URL${peer ? ` (${setting('initial-advertise-peer-urls', peer)})` : ''}`);
        if (rules.has('join-member-count-unequal') || rules.has('join-peer-urls-mismatch') || rules.has('incompatible-with-running-cluster') || rules.has('initial-cluster-invalid')) {
          const listed = this.input.cluster.members.filter((m) => m.name !== '' && m.name !== name && isValid('name', m.name) && isValid('url', m.peerURLs[0]));
          const want = peer && isValid('url', peer) && isValid('name', name) ? [...listed.map((m) => `${m.name}=${m.peerURLs[0]}`), `${name}=${peer}`].join(',') : null;
          fixes.push(`the initial cluster must list exactly the members in etcdctl member list plus ${name}${want ? `: ${setting('initial-cluster', want)}` : ''}, and ${setting('initial-cluster-state', 'existing')}`);
        }
        if (rules.has('listen-address-in-use')) fixes.push('another process holds the port etcd listens on: find it (ss -ltnp) and stop it, or change --listen-peer-urls/--listen-client-urls');
        if (rules.has('data-dir-inaccessible')) fixes.push('the data dir must exist and belong to the user etcd runs as');
        if (rules.has('unrecognized-etcd-environment-variable')) fixes.push('an ETCD_* variable is misspelled: etcd ignores it (see the evidence)');
        if (d.id === 'discovery-failure') fixes.push('a discovery token bootstraps one cluster once: use a fresh token of the right size for a new cluster, or member add and --initial-cluster-state existing to grow a running one');
        if (fixes.length === 0) fixes.push('see the evidence: the error names the flag to change');
        this.add({
          action: 'fix-config',
          node: d.affectedNodes[0] ?? null,
          memberId: null,
          risk: 'read-only',
          precondition: 'none',
          why: `${d.title}. Change ${nodes}'s start-up configuration, then start it again; its data is not touched.`,
          diagnosis: d.id,
          host: d.affectedNodes[0] ?? null,
          commands: fixes,
        });
        return;
      }
      default:
        return;
    }
  }

  verify(): void {
    if (!this.steps.some((s) => s.mode !== 'info' || s.action === 'verify-health')) return;
    // Read-only, after the other steps: a member that was unhealthy when the inputs were taken may answer now.
    const ex = this.executor() ?? this.executor([], true);
    const r = ex ? [run(...at(ex.ctl, ex.url), 'member', 'list', '-w', 'table'), run(...at(ex.ctl, ex.url), 'endpoint', 'health', '--cluster')] : [];
    this.add({
      action: 'verify-health',
      node: ex?.t.node ?? null,
      memberId: null,
      risk: 'read-only',
      precondition: 'none',
      why: 'Every member is started, every endpoint answers health, and the member lists agree.',
      diagnosis: null,
      run: r,
      commands: ex ? undefined : ['etcdctl member list -w table', 'etcdctl endpoint health --cluster'],
      waitFor: ex ? [this.check('all-members-started', ex), this.check('quorum-healthy', ex)] : [],
    });
  }
}

/** Re-checks the finished plan against the safety rules; a violation blocks the plan and strips every step that changes the cluster. */
export function enforceSafety(plan: Plan, diagnoses: readonly Diagnosis[]): Plan {
  const problems: string[] = [];
  let backup = false;
  for (const s of plan.steps) {
    if (s.action === 'backup-snapshot') backup = true;
    if (s.risk === 'destructive' && !backup) problems.push(`${s.action} on ${s.node ?? s.memberId ?? '?'} comes before any backup`);
    if (s.action === 'wipe-data-dir') {
      const affected = diagnoses.some((d) => s.node !== null && d.affectedNodes.includes(s.node));
      const healthy = diagnoses.some((d) => s.node !== null && d.healthyNodes.includes(s.node) && !d.affectedNodes.includes(s.node));
      if (!affected || healthy) problems.push(`wipe-data-dir targets ${s.node ?? '?'}, which no diagnosis names as the broken member`);
    }
    if (s.action === 'remove-member' && s.risk !== 'read-only' && !(s.checks ?? []).some((c) => c.kind === 'quorum-after-removal')) {
      problems.push(`remove-member ${s.memberId ?? '?'} has no quorum check`);
    }
    for (const r of s.run ?? []) if (r.argv.some((a) => typeof a === 'string' && a.includes('\0'))) problems.push('a command holds a NUL byte');
  }
  if (problems.length === 0) return plan;
  return {
    ...plan,
    blocked: [...plan.blocked, ...problems.map((p) => `safety check failed: ${p}`)],
    steps: readOnly(plan.steps),
  };
}

/** What is left of a plan that cannot be followed safely: the steps that change nothing. */
function readOnly(steps: PlanStep[]): PlanStep[] {
  return steps.filter((s) => s.risk === 'read-only' && s.action !== 'remove-member' && s.action !== 'force-new-cluster');
}

export function planRemediation(input: PlanInput, options: PlanOptions = {}): Plan {
  const p = new Planner(input, options);
  for (const d of input.diagnoses) {
    if (REPLACE.has(d.id)) {
      if (d.affectedNodes.length === 0) {
        p.block(d, 'the diagnosis does not say which member is broken; nothing is replaced');
        continue;
      }
      for (const n of d.affectedNodes) p.replace(d, n);
    } else if (d.id === 'quorum-lost') p.planQuorumLost(d);
    else if (d.id === 'member-unstarted') p.planMemberUnstarted(d);
    else if (d.id === 'peer-unreachable') p.planPeerUnreachable(d);
    else if (d.id === 'nospace') p.planNospace(d);
    else p.planAdvice(d);
  }
  p.verify();
  const plan: Plan = {
    deployment: p.deployment,
    deploymentFrom: p.deploymentFrom,
    blocked: p.blocked,
    notes: p.notes,
    steps: p.blocked.length > 0 ? readOnly(p.steps) : p.steps,
  };
  if (p.blocked.length > 0 && plan.steps.length < p.steps.length) {
    plan.notes!.push('The plan is blocked (see above): only its read-only steps are kept. Give etcddoctor the missing inputs and run it again.');
  }
  return enforceSafety(plan, input.diagnoses);
}
