// Which way etcd is deployed (containers, journald, kubectl prefixes, or a bare binary), and the
// per-node facts remediation commands need: container, volume, data dir, config source, URLs.
import type { ClusterSnapshot, Member } from '../model/cluster.js';
import type { ContainerInfo } from '../model/container.js';
import type { NodeSummary } from '../model/report.js';

export const DEPLOYMENTS = ['compose', 'compose-bitnami', 'docker-run', 'systemd', 'kubernetes-static-pod', 'binary'] as const;
export type Deployment = (typeof DEPLOYMENTS)[number];

/** What `--deployment` accepts. */
export const DEPLOYMENT_CHOICES = ['compose', 'docker-run', 'systemd', 'kubernetes', 'binary'] as const;
export type DeploymentChoice = (typeof DEPLOYMENT_CHOICES)[number];

export function isContainerDeployment(d: Deployment): boolean {
  return d === 'compose' || d === 'compose-bitnami' || d === 'docker-run';
}

/** The parts of the correlation's per-node facts (src/correlate/cluster-model.ts NodeFacts) the planner reads. */
export interface NodeLogFacts {
  node: string;
  name: string | null;
  dataDir: string | null;
  initialCluster: string | null;
  initialClusterState: string | null;
  peerURLs: string[];
  clientURLs: string[];
  fatal: unknown;
}

export interface ContainerTarget {
  name: string;
  state: ContainerInfo['state'];
  /** The named volume holding the data dir, or null. */
  volume: string | null;
  /** A bind mount's host path holding the data dir, or null. */
  bindSource: string | null;
  dataDir: string;
  compose: { project: string; service: string | null } | null;
  bitnami: boolean;
  /** Where each start-up value comes from: flag or ETCD_* variable (flags win, as in etcd). */
  from: Record<string, 'flag' | 'env'>;
  /** etcd runs under a shell (sh -c "etcd ..."): its flags cannot be rewritten safely. */
  shellCommand: boolean;
  /** etcdctl TLS flags that the container's own configuration implies. */
  tls: string[];
}

export interface NodeTarget {
  node: string;
  /** etcd's --name. */
  name: string | null;
  memberId: string | null;
  peerURL: string | null;
  clientURL: string | null;
  dataDir: string | null;
  initialCluster: string | null;
  initialClusterState: string | null;
  initialClusterToken: string | null;
  container: ContainerTarget | null;
  /** Whether the node is an etcd member (not an etcdctl output file or a stray log). */
  isMember: boolean;
}

export interface Detected {
  deployment: Deployment;
  /** How it was decided: the --deployment flag, containers, log prefixes, or the default. */
  from: string;
}

const SHELLS = /(^|\/)(sh|bash|ash|dash|zsh)$/;

export function detectDeployment(
  nodes: readonly NodeSummary[],
  containers: readonly ContainerInfo[],
  override?: DeploymentChoice,
): Detected {
  const bitnami = containers.some((c) => c.bitnami);
  const composed = containers.some((c) => c.compose !== null);
  if (override) {
    if (override === 'compose') return { deployment: bitnami ? 'compose-bitnami' : 'compose', from: '--deployment' };
    if (override === 'kubernetes') return { deployment: 'kubernetes-static-pod', from: '--deployment' };
    return { deployment: override, from: '--deployment' };
  }
  if (containers.length > 0) {
    if (composed) return { deployment: bitnami ? 'compose-bitnami' : 'compose', from: 'container labels (com.docker.compose.*)' };
    return { deployment: 'docker-run', from: bitnami ? 'containers (bitnami image, no compose labels)' : 'containers (no compose labels)' };
  }
  const from = new Set(nodes.map((n) => n.nameFrom));
  const paths = nodes.flatMap((n) => n.sources);
  if (from.has('kubectl') || paths.some((p) => /\/var\/log\/(pods|containers)\//.test(p))) {
    return { deployment: 'kubernetes-static-pod', from: 'kubectl/CRI log prefixes' };
  }
  if (from.has('compose')) return { deployment: 'compose', from: 'docker compose log prefixes' };
  if (from.has('journald')) return { deployment: 'systemd', from: 'journald log prefixes' };
  if (from.has('docker')) return { deployment: 'docker-run', from: 'docker log prefixes' };
  return { deployment: 'binary', from: 'default (no container, journald or kubectl prefix seen)' };
}

function firstUrl(v: string | null | undefined): string | null {
  if (!v) return null;
  return v.split(',').map((s) => s.trim()).find((s) => s !== '') ?? null;
}

function containerFor(node: NodeSummary | null, name: string | null, containers: readonly ContainerInfo[]): ContainerInfo | null {
  const byName = containers.find((c) => c.name === node?.name);
  if (byName) return byName;
  const byEtcdName = containers.filter((c) => name !== null && (c.etcd.name === name || c.compose?.service === name));
  return byEtcdName.length === 1 ? byEtcdName[0]! : null;
}

function toContainerTarget(c: ContainerInfo): ContainerTarget {
  const m = c.dataDirMount;
  const tls: string[] = [];
  if (c.etcd.trustedCaFile) tls.push(`--cacert=${c.etcd.trustedCaFile}`);
  if (c.etcd.certFile) tls.push(`--cert=${c.etcd.certFile}`);
  if (c.etcd.keyFile) tls.push(`--key=${c.etcd.keyFile}`);
  return {
    name: c.name,
    state: c.state,
    volume: m && m.type === 'volume' ? m.name : null,
    bindSource: m && m.type === 'bind' ? m.source : null,
    dataDir: c.effectiveDataDir,
    compose: c.compose ? { project: c.compose.project, service: c.compose.service } : null,
    bitnami: c.bitnami,
    from: { ...c.etcdFrom },
    shellCommand: SHELLS.test(c.command.path),
    tls,
  };
}

/** Member-list entries by the node's etcd name, else by its peer URL. */
function membersOf(cluster: ClusterSnapshot, names: string[], peerURL: string | null): Member[] {
  const byName = cluster.members.filter((m) => m.name !== '' && names.includes(m.name));
  if (byName.length > 0) return byName;
  return peerURL ? cluster.members.filter((m) => m.peerURLs.includes(peerURL)) : [];
}

export function nodeTargets(
  nodes: readonly NodeSummary[],
  cluster: ClusterSnapshot,
  facts: readonly NodeLogFacts[],
  /** Member IDs a node used that belong to another cluster (the odd side of a cluster ID mismatch). */
  foreignIds: ReadonlySet<string> = new Set(),
): NodeTarget[] {
  const out: NodeTarget[] = [];
  for (const n of nodes) {
    const f = facts.find((x) => x.node === n.name);
    const c = containerFor(n, n.memberName ?? f?.name ?? null, cluster.containers);
    const name = c?.etcd.name ?? n.memberName ?? f?.name ?? null;
    const ownPeer = firstUrl(c?.etcd.initialAdvertisePeerUrls) ?? n.peerURLs[0] ?? f?.peerURLs[0] ?? null;
    const candidates = membersOf(cluster, [...new Set([name, n.name].filter((x): x is string => !!x))], ownPeer).filter(
      (m) => !foreignIds.has(m.id),
    );
    const listed = candidates.length === 1 ? candidates[0]! : null;
    const idFromLogs = n.memberId && !foreignIds.has(n.memberId) ? n.memberId : null;
    const memberId = listed?.id ?? (cluster.members.length === 0 ? idFromLogs : null);
    out.push({
      node: n.name,
      name: name ?? listed?.name ?? null,
      memberId,
      peerURL: listed?.peerURLs[0] ?? ownPeer,
      clientURL: listed?.clientURLs[0] ?? firstUrl(c?.etcd.advertiseClientUrls) ?? n.clientURLs[0] ?? f?.clientURLs[0] ?? null,
      dataDir: c?.effectiveDataDir ?? f?.dataDir ?? null,
      initialCluster: c?.etcd.initialCluster ?? f?.initialCluster ?? null,
      initialClusterState: c?.etcd.initialClusterState ?? f?.initialClusterState ?? null,
      initialClusterToken: c?.etcd.initialClusterToken ?? null,
      container: c ? toContainerTarget(c) : null,
      isMember: c !== null || listed !== null || n.memberId !== null || n.memberName !== null,
    });
  }
  // Containers whose logs were not read are still nodes a plan can act on.
  for (const c of cluster.containers) {
    if (out.some((t) => t.container?.name === c.name)) continue;
    const listed = membersOf(cluster, [c.etcd.name ?? c.name], firstUrl(c.etcd.initialAdvertisePeerUrls)).filter((m) => !foreignIds.has(m.id));
    out.push({
      node: c.name,
      name: c.etcd.name,
      memberId: listed.length === 1 ? listed[0]!.id : null,
      peerURL: listed[0]?.peerURLs[0] ?? firstUrl(c.etcd.initialAdvertisePeerUrls),
      clientURL: listed[0]?.clientURLs[0] ?? firstUrl(c.etcd.advertiseClientUrls),
      dataDir: c.effectiveDataDir,
      initialCluster: c.etcd.initialCluster,
      initialClusterState: c.etcd.initialClusterState,
      initialClusterToken: c.etcd.initialClusterToken,
      container: toContainerTarget(c),
      isMember: true,
    });
  }
  return out;
}
