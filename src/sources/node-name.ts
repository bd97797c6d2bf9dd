// Derives a node name from a log file's path: etcd1.log -> etcd1, etcd1.ts.log -> etcd1,
// /var/log/pods/kube-system_etcd-node1_uid/etcd/0.log -> etcd-node1.
import path from 'node:path';

/** Names that say "a log" rather than which node wrote it. */
const GENERIC = new Set([
  'etcd', 'log', 'logs', 'output', 'out', 'stdout', 'stderr', 'stdin', 'combined', 'all', 'docker', 'compose',
  'cluster', 'journal', 'journalctl', 'syslog', 'messages', 'current', 'container', 'console', 'server', 'member',
  'etcd-server', 'etcdctl', 'debug', 'error', 'errors', 'tmp', 'data', 'fixtures', 'capture',
]);

function isGeneric(name: string): boolean {
  return name === '' || GENERIC.has(name.toLowerCase()) || /^\d+$/.test(name);
}

/** A file name without every extension: `etcd1.ts.log` -> `etcd1`; `etcd-0_etcd.log` -> `etcd-0_etcd`. */
function stem(file: string): string {
  const base = path.basename(file);
  const dot = base.indexOf('.');
  return dot <= 0 ? base : base.slice(0, dot);
}

/** The node a file's path names, or undefined when the path says nothing about the node. */
export function nodeFromPath(file: string): string | undefined {
  const s = stem(file);
  if (!isGeneric(s)) return s;
  // Kubernetes pod log folders: <namespace>_<pod>_<uid>/<container>/<restart>.log
  const parts = path.resolve(file).split(path.sep);
  for (let i = parts.length - 2; i >= Math.max(0, parts.length - 3); i--) {
    const dir = parts[i] ?? '';
    const pod = /^[a-z0-9-]+_([a-z0-9][a-z0-9.-]*)_[0-9a-f-]{8,}$/.exec(dir);
    if (pod) return pod[1];
    if (!isGeneric(dir)) return i === parts.length - 2 ? dir : undefined;
  }
  return undefined;
}
