// Counts what each node's lines say about it: lines, formats, time span, and the identity facts
// its startup lines give (member ID, name, cluster ID, version, URLs).
import type { LogFormat, NodeOrigin, ParsedLine } from '../model/event.js';
import type { NodeSummary } from '../model/report.js';
import { HEX_ID, memberIdOf, memberNameOf } from '../correlate/identity.js';
import type { QuietTriggers } from '../engine/prefilter.js';

const MAX_DISTINCT = 16;

interface NodeAcc {
  name: string;
  origin: NodeOrigin;
  lines: number;
  events: number;
  unparsed: number;
  formats: Set<LogFormat>;
  firstSeen: string | null;
  lastSeen: string | null;
  sources: Set<string>;
  memberIds: string[];
  raftIds: Map<string, number>;
  memberName: string | null;
  version: string | null;
  clusterIds: string[];
  peerURLs: string[];
  clientURLs: string[];
  /** Unparsed lines per source, so a source that was not a log at all can be left out. */
  unparsedBySource: Map<string, number>;
  /** The format and source last added to `formats` and `sources`. */
  lastFormat: LogFormat | null;
  lastSource: string | null;
}

function pushDistinct(list: string[], value: string): void {
  if (!list.includes(value) && list.length < MAX_DISTINCT) list.push(value);
}

function asStrings(v: unknown): string[] {
  if (typeof v === 'string') return v.split(',').map((s) => s.trim()).filter(Boolean);
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return [];
}

/**
 * What makes a line matter to these statistics beyond its count, format and time: identity
 * fields and the messages that name a member (see quietTriggers in engine/prefilter.ts).
 */
export const NODE_STATS_TRIGGERS: QuietTriggers = {
  literals: [
    'local-member-attributes', 'etcd-version', 'cluster-id', 'initial-advertise-peer-urls', 'advertise-client-urls',
    'raft-local-id', 'starting an etcd server', 'name = ', 'published',
  ],
  // local-member-id is checked apart: a quiet line repeats the node's current one
  fields: ['local-member-id', 'raft-local-id', 'local-member-attributes', 'etcd-version', 'cluster-id', 'local-member-cluster-id', 'initial-advertise-peer-urls', 'advertise-client-urls'],
};

export class NodeStats {
  private readonly nodes = new Map<string, NodeAcc>();
  /** The node of the last event: consecutive lines mostly come from one node. */
  private lastName: string | null = null;
  private lastAcc: NodeAcc | null = null;

  has(node: string): boolean {
    return this.nodes.has(node);
  }

  /**
   * `count` quiet lines of a known node (events with no identity facts, see NODE_STATS_TRIGGERS),
   * with the earliest and latest of their times: the same as observing each of them.
   */
  observeQuiet(node: string, source: string, format: LogFormat, count: number, firstTs: string | null, lastTs: string | null): void {
    const a = this.nodes.get(node)!;
    a.lines += count;
    a.events += count;
    a.formats.add(format);
    a.sources.add(source);
    if (firstTs !== null && (a.firstSeen === null || firstTs < a.firstSeen)) a.firstSeen = firstTs;
    if (lastTs !== null && (a.lastSeen === null || lastTs > a.lastSeen)) a.lastSeen = lastTs;
  }

  private acc(name: string, origin: NodeOrigin): NodeAcc {
    let a = this.nodes.get(name);
    if (!a) {
      a = {
        name,
        origin,
        lines: 0,
        events: 0,
        unparsed: 0,
        formats: new Set(),
        firstSeen: null,
        lastSeen: null,
        sources: new Set(),
        memberIds: [],
        raftIds: new Map(),
        memberName: null,
        version: null,
        clusterIds: [],
        peerURLs: [],
        clientURLs: [],
        unparsedBySource: new Map(),
        lastFormat: null,
        lastSource: null,
      };
      this.nodes.set(name, a);
    }
    return a;
  }

  /** A continuation line still counts as a line of its node. */
  observeContinuation(node: string, origin: NodeOrigin): void {
    this.acc(node, origin).lines++;
  }

  observe(p: ParsedLine, origin: NodeOrigin = 'unknown'): void {
    if (p.kind === 'unparsed') {
      const a = this.acc(p.node, origin);
      a.lines++;
      if (p.reason === 'empty line') return;
      a.unparsed++;
      a.unparsedBySource.set(p.ref.source, (a.unparsedBySource.get(p.ref.source) ?? 0) + 1);
      a.sources.add(p.ref.source);
      return;
    }
    const e = p;
    const a = e.node === this.lastName && this.lastAcc !== null ? this.lastAcc : this.acc(e.node, e.nodeOrigin);
    this.lastName = e.node;
    this.lastAcc = a;
    a.lines++;
    a.events++;
    // consecutive events of a node mostly share their format and source: add them only when new
    if (e.format !== a.lastFormat) {
      a.formats.add(e.format);
      a.lastFormat = e.format;
    }
    if (e.ref.source !== a.lastSource) {
      a.sources.add(e.ref.source);
      a.lastSource = e.ref.source;
    }
    if (e.ts !== null) {
      if (a.firstSeen === null || e.ts < a.firstSeen) a.firstSeen = e.ts;
      if (a.lastSeen === null || e.ts > a.lastSeen) a.lastSeen = e.ts;
    }
    // One pass over the fields instead of a lookup per name read below (most are absent).
    const f = e.fields;
    let fRaftId: unknown, fVersion: unknown, fCluster: unknown, fLocalCluster: unknown, fPeerUrls: unknown, fClientUrls: unknown;
    let identity = false;
    for (const key in f) {
      switch (key) {
        case 'local-member-id':
        case 'name':
        case 'local-member-attributes':
          identity = true;
          break;
        case 'raft-local-id': fRaftId = f[key]; break;
        case 'etcd-version': fVersion = f[key]; break;
        case 'cluster-id': fCluster = f[key]; break;
        case 'local-member-cluster-id': fLocalCluster = f[key]; break;
        case 'initial-advertise-peer-urls': fPeerUrls = f[key]; break;
        case 'advertise-client-urls': fClientUrls = f[key]; break;
      }
    }
    // memberIdOf reads local-member-id; memberNameOf reads name, local-member-attributes and `published {Name:` messages
    if (identity) {
      const id = memberIdOf(e);
      if (id !== null && a.memberIds[a.memberIds.length - 1] !== id) {
        const i = a.memberIds.indexOf(id);
        if (i >= 0) a.memberIds.splice(i, 1);
        pushDistinct(a.memberIds, id);
      }
    }
    if (typeof fRaftId === 'string' && HEX_ID.test(fRaftId)) a.raftIds.set(fRaftId, (a.raftIds.get(fRaftId) ?? 0) + 1);
    if (identity || e.msg.startsWith('published {Name:')) {
      const name = memberNameOf(e);
      if (name !== null) a.memberName = name;
    }
    if (typeof fVersion === 'string' && fVersion !== '') a.version = fVersion;
    if (typeof fCluster === 'string' && HEX_ID.test(fCluster)) pushDistinct(a.clusterIds, fCluster);
    if (typeof fLocalCluster === 'string' && HEX_ID.test(fLocalCluster)) pushDistinct(a.clusterIds, fLocalCluster);
    if (fPeerUrls !== undefined) for (const u of asStrings(fPeerUrls)) pushDistinct(a.peerURLs, u);
    if (fClientUrls !== undefined) for (const u of asStrings(fClientUrls)) pushDistinct(a.clientURLs, u);
  }

  /** Exclude a source's unparsed lines (a file that turned out to be no log at all). */
  forgetUnparsed(source: string): void {
    for (const a of this.nodes.values()) {
      const n = a.unparsedBySource.get(source);
      if (n) {
        a.unparsed -= n;
        a.lines -= n;
        a.unparsedBySource.delete(source);
        if (a.unparsedBySource.size === 0 && a.events === 0) {
          a.sources.delete(source);
          if (a.lastSource === source) a.lastSource = null;
        }
      }
    }
  }

  /** The member name a node's own startup lines gave, by node key. */
  memberNames(): Map<string, string> {
    const out = new Map<string, string>();
    for (const a of this.nodes.values()) if (a.memberName) out.set(a.name, a.memberName);
    return out;
  }

  originOf(key: string): NodeOrigin {
    return this.nodes.get(key)?.origin ?? 'unknown';
  }

  nodeKeys(): string[] {
    return [...this.nodes.keys()];
  }

  /**
   * The nodes as the report shows them, renamed through `aliases` (placeholder -> real name);
   * nodes that end up with the same name are merged.
   */
  summaries(aliases: Map<string, string>, nameFrom: Map<string, string>): NodeSummary[] {
    const merged = new Map<string, NodeSummary>();
    for (const a of this.nodes.values()) {
      if (a.lines === 0 && a.events === 0) continue;
      const name = aliases.get(a.name) ?? a.name;
      const raftId = [...a.raftIds.entries()].sort((x, y) => y[1] - x[1])[0]?.[0] ?? null;
      const s: NodeSummary = {
        name,
        memberId: a.memberIds[a.memberIds.length - 1] ?? raftId,
        memberIds: a.memberIds.length > 0 ? [...a.memberIds] : raftId ? [raftId] : [],
        memberName: a.memberName,
        nameFrom: nameFrom.get(a.name) ?? a.origin,
        formats: [...a.formats].sort(),
        lines: a.lines,
        events: a.events,
        unparsed: a.unparsed,
        firstSeen: a.firstSeen,
        lastSeen: a.lastSeen,
        sources: [...a.sources].sort(),
        version: a.version,
        clusterIds: [...a.clusterIds],
        peerURLs: [...a.peerURLs],
        clientURLs: [...a.clientURLs],
      };
      const prev = merged.get(name);
      merged.set(name, prev ? mergeSummaries(prev, s) : s);
    }
    return [...merged.values()].sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  }
}

function union(a: string[], b: string[]): string[] {
  return [...new Set([...a, ...b])];
}

function mergeSummaries(a: NodeSummary, b: NodeSummary): NodeSummary {
  const first = [a.firstSeen, b.firstSeen].filter((x): x is string => x !== null).sort()[0] ?? null;
  const last = [a.lastSeen, b.lastSeen].filter((x): x is string => x !== null).sort().pop() ?? null;
  return {
    ...a,
    memberId: b.memberId ?? a.memberId,
    memberIds: union(a.memberIds, b.memberIds),
    memberName: b.memberName ?? a.memberName,
    formats: union(a.formats, b.formats).sort() as LogFormat[],
    lines: a.lines + b.lines,
    events: a.events + b.events,
    unparsed: a.unparsed + b.unparsed,
    firstSeen: first,
    lastSeen: last,
    sources: union(a.sources, b.sources).sort(),
    version: b.version ?? a.version,
    clusterIds: union(a.clusterIds, b.clusterIds),
    peerURLs: union(a.peerURLs, b.peerURLs),
    clientURLs: union(a.clientURLs, b.clientURLs),
  };
}
