// Deployment-specific commands as argument vectors: how to run etcdctl against a member, stop,
// wipe and start one. Every value has passed validate.ts before it gets here.
import type { CommandArg, CommandRun } from '../model/report.js';
import type { Deployment, NodeTarget } from './detect-deployment.js';
import { isContainerDeployment } from './detect-deployment.js';
import { shellQuote } from './shell-quote.js';

export const K8S_PKI = [
  '--cacert=/etc/kubernetes/pki/etcd/ca.crt',
  '--cert=/etc/kubernetes/pki/etcd/server.crt',
  '--key=/etc/kubernetes/pki/etcd/server.key',
];

/** The container name a node's commands use: the inspected one, else the node's own name. */
export function containerName(t: NodeTarget): string {
  return t.container?.name ?? t.node;
}

/** Where the endpoint goes in an etcdctl prefix: as ETCDCTL_ENDPOINTS=URL, or as --endpoints=URL. */
export const ENDPOINT_ENV = '@ENDPOINTS@';
export const ENDPOINT_FLAG = '@ENDPOINTS_FLAG@';

/**
 * etcdctl run on (or through) a member, with a slot for the endpoint. Containers (bitnami's and
 * ours) often set ETCDCTL_ENDPOINTS, and etcdctl refuses --endpoints while that variable is set
 * ("conflicting environment variable ... is shadowed"), so the endpoint goes in as the variable.
 */
export function etcdctlPrefix(d: Deployment, via: NodeTarget): string[] {
  if (isContainerDeployment(d)) return ['docker', 'exec', '-e', 'ETCDCTL_API=3', '-e', ENDPOINT_ENV, containerName(via), 'etcdctl', ...(via.container?.tls ?? [])];
  if (d === 'kubernetes-static-pod') return ['kubectl', '-n', 'kube-system', 'exec', `etcd-${via.node}`, '--', 'etcdctl', ...K8S_PKI, ENDPOINT_FLAG];
  return ['env', 'ETCDCTL_API=3', ENDPOINT_ENV, 'etcdctl'];
}

/** The prefix with its endpoint slot filled in. */
export function at(prefix: readonly string[], url: string): string[] {
  return prefix.map((a) => (a === ENDPOINT_ENV ? `ETCDCTL_ENDPOINTS=${url}` : a === ENDPOINT_FLAG ? `--endpoints=${url}` : a));
}

export function run(...argv: CommandArg[]): CommandRun {
  return { argv };
}

export function v(name: string, prefix = '', suffix = ''): CommandArg {
  return { var: name, prefix, suffix };
}

const PLAIN = /^[A-Za-z0-9_./:=,@%+-]+$/;

/** A command as a person would type it: words quoted only when they need it; variables as $NAME. */
export function displayArgv(argv: readonly CommandArg[]): string {
  return argv
    .map((a) => {
      if (typeof a === 'string') return PLAIN.test(a) ? a : shellQuote(a);
      const lit = (s: string) => (s === '' ? '' : PLAIN.test(s) ? s : shellQuote(s));
      return `${lit(a.prefix)}"$${a.var}"${lit(a.suffix)}`;
    })
    .join(' ');
}

/** The environment variable etcd reads for a flag. */
export function envName(flag: string): string {
  return 'ETCD_' + flag.toUpperCase().replace(/-/g, '_');
}

/**
 * How to set start-up values on a container that is recreated: as ETCD_* variables, or as
 * flags where a flag set the value before (a flag wins over its variable in etcd).
 */
export function recreateArgs(t: NodeTarget, values: Record<string, string>): string[] {
  const out: string[] = [];
  const keyOf: Record<string, string> = {
    'initial-cluster-state': 'initialClusterState',
    'initial-cluster': 'initialCluster',
    'force-new-cluster': 'forceNewCluster',
  };
  for (const [flag, value] of Object.entries(values)) {
    const from = t.container?.from[keyOf[flag] ?? flag];
    if (from === 'flag') out.push('flag', `--${flag}=${value}`);
    else out.push('env', `${envName(flag)}=${value}`);
  }
  return out;
}
