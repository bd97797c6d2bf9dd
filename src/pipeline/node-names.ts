// Decides the name each node key is shown under: a placeholder becomes the member name etcd's
// startup lines gave; compose v2 replica suffixes (etcd1-1) go when every service has one.
import path from 'node:path';
import { UNKNOWN_NODE_PREFIX } from '../parsers/line-parser.js';

export interface NodeKeyInfo {
  key: string;
  origin: string;
  /** The member name the node's own startup lines gave, if any. */
  memberName: string | null;
}

export interface NodeNaming {
  aliases: Map<string, string>;
  nameFrom: Map<string, string>;
}

function fallbackName(source: string): string {
  if (source === '-') return 'stdin';
  const base = path.basename(source);
  const dot = base.indexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}

export function resolveNodeNames(nodes: NodeKeyInfo[]): NodeNaming {
  const aliases = new Map<string, string>();
  const nameFrom = new Map<string, string>();
  for (const n of nodes) {
    if (!n.key.startsWith(UNKNOWN_NODE_PREFIX)) continue;
    if (n.memberName) {
      aliases.set(n.key, n.memberName);
      nameFrom.set(n.key, 'startup');
    } else {
      aliases.set(n.key, fallbackName(n.key.slice(UNKNOWN_NODE_PREFIX.length)));
      nameFrom.set(n.key, 'unknown');
    }
  }
  // docker compose v2 names containers <service>-<index>: etcd1-1. When every compose node is
  // replica 1 and the names stay distinct, show the service name the operator wrote.
  const compose = nodes.filter((n) => n.origin === 'compose');
  if (compose.length > 0 && compose.every((n) => /[-_]1$/.test(n.key))) {
    const stripped = compose.map((n) => n.key.replace(/[-_]1$/, ''));
    if (new Set(stripped).size === stripped.length && stripped.every((s) => s.length > 0)) {
      compose.forEach((n, i) => aliases.set(n.key, stripped[i]!));
    }
  }
  return { aliases, nameFrom };
}
