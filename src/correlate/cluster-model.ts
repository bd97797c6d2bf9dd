// The cluster as the logs describe it, built while events stream past: who is which member,
// which cluster each node believes in, who led when, who could not reach whom, how each log
// ends. Bounded: a fixed number of values per node, however long the logs.
import type { LogEvent } from '../model/event.js';
import type { TimelineEntry } from '../model/report.js';
import { HEX_ID, memberNameOf } from './identity.js';

const MAX_LIST = 32;
/** Holds one of the election, leader and quorum phrases observe looks for. */
const RAFT_PHRASES = / is starting a new election at term | leader |stepped down to follower since quorum is not active/;
const TIMELINE_HEAD = 150;
const TIMELINE_TAIL = 250;

export interface MemberFacts {
  id: string;
  name: string | null;
  peerURLs: string[];
  clientURLs: string[];
  /** Nodes whose logs mention this member. */
  mentionedBy: string[];
  /** The cluster IDs in which this member was added (a member of another cluster has another). */
  clusterIds: string[];
  removed: boolean;
}

export interface Reachability {
  /** The peer (member ID) this node could not reach. */
  peer: string;
  first: string | null;
  last: string | null;
  count: number;
  errors: string[];
  /** Whether the node later saw the peer become active again after its last failure. */
  recovered: boolean;
  /** Whether the raft streams to the peer were up at the last stream event (null: none seen). */
  streamUp: boolean | null;
}

export interface NodeFacts {
  node: string;
  memberIds: string[];
  /** Cluster IDs this node said it belonged to, oldest first. */
  clusterIds: string[];
  maxTerm: number;
  leaderChanges: number;
  elections: number;
  /** The last leader this node knew, or null after it lost it. */
  leader: string | null;
  leaderTerm: number | null;
  lastLeaderEventTs: string | null;
  lostLeaderAt: string | null;
  steppedDownForQuorum: number;
  lastTs: string | null;
  /** The first fatal/panic/critical event: a member that stopped itself. */
  fatal: { ts: string | null; msg: string; error: string | null } | null;
  unreachable: Reachability[];
  initialClusterState: string | null;
  initialCluster: string | null;
  dataDir: string | null;
  memberInitialized: boolean | null;
  /** The member name from --name, as its startup lines said. */
  name: string | null;
  peerURLs: string[];
  clientURLs: string[];
}

export interface ClusterModel {
  nodes: NodeFacts[];
  members: MemberFacts[];
  timeline: TimelineEntry[];
  /** Timeline entries left out to keep it bounded. */
  timelineDropped: number;
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

function list(v: unknown): string[] {
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string' && x !== '');
  if (typeof v === 'string') return v.split(/[,\s]+/).filter(Boolean);
  return [];
}

function pushDistinct(arr: string[], v: string): void {
  if (!arr.includes(v) && arr.length < MAX_LIST) arr.push(v);
}

function moveToEnd(arr: string[], v: string): void {
  const i = arr.indexOf(v);
  if (i === arr.length - 1 && i >= 0) return;
  if (i >= 0) arr.splice(i, 1);
  if (arr.length >= MAX_LIST) arr.shift();
  arr.push(v);
}

const PROBER_FAILURES = ['prober detected unhealthy status', 'health check for peer'];
const CONNECT_ERRORS = ['prober detected unhealthy status', 'health check for peer', 'lost TCP streaming connection', 'lost the TCP streaming connection', 'failed to dial', 'failed to reach the peer'];

/**
 * What makes an event matter to the model beyond its node's last time and line: identity and
 * configuration fields, startup, leader and election messages, peer reachability and recovery
 * (levels are checked apart: only info-level lines are ever quiet). The local member ID is
 * checked apart too (a quiet line repeats the node's current one).
 */
export const CLUSTER_MODEL_TRIGGERS = {
  literals: [
    'cluster-id', 'initial-cluster', 'data-dir', 'member-initialized', 'initial-advertise-peer-urls', 'advertise-client-urls',
    'added-peer-id', 'recovered-remote-peer-id', 'removed-remote-peer-id', 'raft-local-id', 'leader-id',
    'starting member', 'starting local member', 'published', 'starting an etcd server', 'name = ', 'removed member',
    ' is starting a new election at term ', ' elected leader ', ' changed leader from ', ' lost leader ',
    ' became leader at term ', 'stepped down to follower since quorum is not active',
    ...CONNECT_ERRORS, 'became inactive', 'became active', 'established a TCP streaming connection',
    'established TCP streaming connection',
  ],
  keys: ['term'],
  // read on any event (the rest only beside one of the messages above); local-member-id is checked apart
  fields: ['local-member-id', 'cluster-id', 'initial-cluster-state', 'initial-cluster', 'data-dir', 'member-initialized', 'initial-advertise-peer-urls', 'advertise-client-urls', 'added-peer-id', 'recovered-remote-peer-id', 'term', 'raft-local-id'],
};

export class ClusterModelBuilder {
  private readonly nodes = new Map<string, NodeFacts & { reach: Map<string, Reachability> }>();
  private readonly members = new Map<string, MemberFacts>();
  private readonly head: TimelineEntry[] = [];
  private readonly tail: TimelineEntry[] = [];
  private dropped = 0;
  private readonly firstErrorSeen = new Set<string>();
  /** The node of the last event: consecutive lines mostly come from one node. */
  private lastName: string | null = null;
  private lastNode: (NodeFacts & { reach: Map<string, Reachability> }) | null = null;

  private node(name: string) {
    let n = this.nodes.get(name);
    if (!n) {
      n = {
        node: name,
        memberIds: [],
        clusterIds: [],
        maxTerm: 0,
        leaderChanges: 0,
        elections: 0,
        leader: null,
        leaderTerm: null,
        lastLeaderEventTs: null,
        lostLeaderAt: null,
        steppedDownForQuorum: 0,
        lastTs: null,
        fatal: null,
        unreachable: [],
        initialClusterState: null,
        initialCluster: null,
        dataDir: null,
        memberInitialized: null,
        name: null,
        peerURLs: [],
        clientURLs: [],
        reach: new Map(),
      };
      this.nodes.set(name, n);
    }
    return n;
  }

  member(id: string): MemberFacts {
    let m = this.members.get(id);
    if (!m) {
      m = { id, name: null, peerURLs: [], clientURLs: [], mentionedBy: [], clusterIds: [], removed: false };
      this.members.set(id, m);
    }
    return m;
  }

  private mark(e: LogEvent, kind: string, text: string): void {
    const entry: TimelineEntry = { ts: e.ts, node: e.node, kind, text, ref: e.ref };
    if (this.head.length < TIMELINE_HEAD) {
      this.head.push(entry);
      return;
    }
    this.tail.push(entry);
    if (this.tail.length > TIMELINE_TAIL) {
      this.tail.shift();
      this.dropped++;
    }
  }

  has(node: string): boolean {
    return this.nodes.has(node);
  }

  quietTriggers(): { literals: readonly string[]; fields: readonly string[]; keys: readonly string[] } {
    return CLUSTER_MODEL_TRIGGERS;
  }

  /** Quiet events of a known node (none holds a CLUSTER_MODEL_TRIGGERS literal): their latest time. */
  observeQuiet(node: string, lastTs: string | null): void {
    const n = this.nodes.get(node)!;
    if (lastTs !== null && (n.lastTs === null || lastTs >= n.lastTs)) n.lastTs = lastTs;
  }

  observe(e: LogEvent): void {
    const n = e.node === this.lastName && this.lastNode !== null ? this.lastNode : this.node(e.node);
    this.lastName = e.node;
    this.lastNode = n;
    if (e.ts !== null && (n.lastTs === null || e.ts >= n.lastTs)) n.lastTs = e.ts;

    // One pass over the fields instead of a lookup per name read below (most are absent).
    const f = e.fields;
    let fLocal: unknown, fCluster: unknown, fIcs: unknown, fIc: unknown, fDataDir: unknown;
    let fInit: unknown, fPeerUrls: unknown, fClientUrls: unknown, fAdded: unknown, fRecovered: unknown, fAddedUrls: unknown;
    let fRecoveredUrls: unknown, fRemoved: unknown, fTerm: unknown, fRaftLocal: unknown, fLeader: unknown, fLostLeader: unknown;
    let fRemotePeer: unknown, fPeer: unknown, fError: unknown;
    let hasNameField = false;
    for (const key in f) {
      switch (key) {
        case 'local-member-id': fLocal = f[key]; break;
        case 'name':
        case 'local-member-attributes':
          hasNameField = true;
          break;
        case 'cluster-id': fCluster = f[key]; break;
        case 'initial-cluster-state': fIcs = f[key]; break;
        case 'initial-cluster': fIc = f[key]; break;
        case 'data-dir': fDataDir = f[key]; break;
        case 'member-initialized': fInit = f[key]; break;
        case 'initial-advertise-peer-urls': fPeerUrls = f[key]; break;
        case 'advertise-client-urls': fClientUrls = f[key]; break;
        case 'added-peer-id': fAdded = f[key]; break;
        case 'recovered-remote-peer-id': fRecovered = f[key]; break;
        case 'added-peer-peer-urls': fAddedUrls = f[key]; break;
        case 'recovered-remote-peer-urls': fRecoveredUrls = f[key]; break;
        case 'removed-remote-peer-id': fRemoved = f[key]; break;
        case 'term': fTerm = f[key]; break;
        case 'raft-local-id': fRaftLocal = f[key]; break;
        case 'leader-id': fLeader = f[key]; break;
        case 'lost-leader-id': fLostLeader = f[key]; break;
        case 'remote-peer-id': fRemotePeer = f[key]; break;
        case 'peer-id': fPeer = f[key]; break;
        case 'error': fError = f[key]; break;
      }
    }

    const local = str(fLocal);
    if (local && HEX_ID.test(local)) {
      moveToEnd(n.memberIds, local);
      pushDistinct(this.member(local).mentionedBy, e.node);
    }
    const msg = e.msg;

    // Identity and configuration from startup lines.
    if (msg.startsWith('starting member') || msg === 'starting local member' || msg.startsWith('restarting member') || msg === 'restarting local member') {
      const cid = str(fCluster);
      if (cid) moveToEnd(n.clusterIds, cid);
      this.mark(e, 'start', local ? `member ${local} starts${cid ? ` in cluster ${cid}` : ''}` : 'member starts');
    }
    if (msg.startsWith('published') || msg === 'published local member to cluster through raft') {
      const cid = str(fCluster);
      if (cid) moveToEnd(n.clusterIds, cid);
    }
    // memberNameOf gives a name only from these two fields or a `published {Name:` message
    const name = hasNameField || msg.startsWith('published {Name:') ? memberNameOf(e) : null;
    if (name) {
      n.name = name;
      // A published member's attributes name the member behind its own ID.
      if (local && msg.startsWith('published')) this.member(local).name = name;
    }
    const ics = str(fIcs);
    if (ics) n.initialClusterState = ics;
    const ic = str(fIc);
    if (ic) n.initialCluster = ic;
    const dd = str(fDataDir);
    if (dd) n.dataDir = dd;
    if (typeof fInit === 'boolean') n.memberInitialized = fInit;
    if (fPeerUrls !== undefined) for (const u of list(fPeerUrls)) pushDistinct(n.peerURLs, u);
    if (fClientUrls !== undefined) for (const u of list(fClientUrls)) pushDistinct(n.clientURLs, u);

    // Membership as every member applies it.
    const added = str(fAdded) ?? str(fRecovered);
    if (added && HEX_ID.test(added)) {
      const m = this.member(added);
      for (const u of list(fAddedUrls ?? fRecoveredUrls)) pushDistinct(m.peerURLs, u);
      pushDistinct(m.mentionedBy, e.node);
      const cid = str(fCluster);
      if (cid) pushDistinct(m.clusterIds, cid);
      if (str(fAdded)) this.mark(e, 'membership', `member ${added} added`);
    }
    const removed = str(fRemoved);
    if (removed && HEX_ID.test(removed) && (msg.startsWith('removed member') || msg === 'removed member')) {
      this.member(removed).removed = true;
      this.mark(e, 'membership', `member ${removed} removed`);
    }

    // Raft: terms, leaders, elections.
    const term = Number(fTerm);
    if (Number.isFinite(term) && term > n.maxTerm && e.component === 'raft') n.maxTerm = term;
    const raftLocal = str(fRaftLocal);
    if (raftLocal && HEX_ID.test(raftLocal) && n.memberIds.length === 0) moveToEnd(n.memberIds, raftLocal);
    // one scan says whether any of the phrases below is there (most messages hold none)
    const raftPhrase = RAFT_PHRASES.test(msg);
    if (raftPhrase && msg.includes(' is starting a new election at term ')) n.elections++;
    // each of the three leader messages below holds ' leader '
    if (raftPhrase && msg.includes(' leader ')) {
      const leader = str(fLeader);
      if (leader && (msg.includes(' elected leader ') || msg.includes(' changed leader from '))) {
        if (n.leader !== leader) n.leaderChanges++;
        n.leader = leader;
        n.leaderTerm = Number.isFinite(term) ? term : null;
        n.lastLeaderEventTs = e.ts;
        n.lostLeaderAt = null;
        this.mark(e, 'leader', `leader ${leader} at term ${fTerm ?? '?'}`);
      } else if (msg.includes(' lost leader ')) {
        n.leader = null;
        n.lostLeaderAt = e.ts;
        n.lastLeaderEventTs = e.ts;
        this.mark(e, 'leader-lost', `lost leader ${str(fLostLeader) ?? '?'} at term ${fTerm ?? '?'}`);
      } else if (msg.includes(' became leader at term ')) {
        n.leader = raftLocal ?? local;
        n.leaderTerm = Number.isFinite(term) ? term : null;
        n.lastLeaderEventTs = e.ts;
        n.lostLeaderAt = null;
        this.mark(e, 'leader', `became leader at term ${fTerm ?? '?'}`);
      }
    }
    if (raftPhrase && msg.includes('stepped down to follower since quorum is not active')) {
      n.steppedDownForQuorum++;
      n.leader = null;
      n.lostLeaderAt = e.ts;
      this.mark(e, 'quorum', 'leader stepped down: quorum not active');
    }

    // Reachability: which peers this node failed to reach, and whether they came back.
    const peer = str(fRemotePeer) ?? str(fPeer);
    if (peer && HEX_ID.test(peer)) {
      if (CONNECT_ERRORS.some((c) => msg.includes(c)) || msg.startsWith('peer became inactive') || /^peer [0-9a-f]+ became inactive/.test(msg)) {
        let r = n.reach.get(peer);
        if (!r) {
          r = { peer, first: e.ts, last: e.ts, count: 0, errors: [], recovered: false, streamUp: null };
          n.reach.set(peer, r);
        }
        r.count++;
        r.last = e.ts ?? r.last;
        // The prober reports the failures of probes sent while the peer was down a few seconds
        // late, after its streams came back; a stream that is up says more than a stale probe.
        if (!(r.streamUp === true && PROBER_FAILURES.some((c) => msg.includes(c)))) {
          r.recovered = false;
          r.streamUp = false;
        }
        const err = str(fError);
        if (err && r.errors.length < 5 && !r.errors.includes(err)) r.errors.push(err.length > 200 ? err.slice(0, 200) : err);
      } else if (msg.startsWith('peer became active') || /^peer [0-9a-f]+ became active/.test(msg) || msg.includes('established a TCP streaming connection') || msg === 'established TCP streaming connection with remote peer') {
        const r = n.reach.get(peer);
        if (r) {
          r.recovered = true;
          r.streamUp = true;
        }
      }
    }

    // How a member stops itself.
    const level = e.level;
    if ((level === 'fatal' || level === 'panic' || level === 'critical') && n.fatal === null) {
      n.fatal = { ts: e.ts, msg: msg.slice(0, 300), error: str(fError)?.slice(0, 300) ?? null };
      this.mark(e, 'fatal', `${e.level}: ${(str(fError) ?? msg).slice(0, 160)}`);
    } else if ((level === 'error' || level === 'warn') && !this.firstErrorSeen.has(e.node) && e.format !== 'fmt') {
      this.firstErrorSeen.add(e.node);
      this.mark(e, 'first-error', `first ${e.level}: ${msg.slice(0, 160)}`);
    }
  }

  /** The model, with node keys renamed through aliases (placeholders -> names). */
  build(aliases: ReadonlyMap<string, string>): ClusterModel {
    const merged = new Map<string, NodeFacts>();
    for (const n of this.nodes.values()) {
      const name = aliases.get(n.node) ?? n.node;
      const { reach, ...rest } = n;
      const facts: NodeFacts = { ...rest, node: name, unreachable: [...reach.values()] };
      const prev = merged.get(name);
      merged.set(name, prev ? mergeNodeFacts(prev, facts) : facts);
    }
    const timeline = [...this.head, ...this.tail].map((t) => ({ ...t, node: aliases.get(t.node) ?? t.node }));
    for (const n of merged.values()) {
      if (n.lastTs !== null) timeline.push({ ts: n.lastTs, node: n.node, kind: 'last-line', text: 'last line of this node\'s log', ref: null });
    }
    timeline.sort((a, b) => (a.ts ?? '').localeCompare(b.ts ?? '') || a.node.localeCompare(b.node));
    return {
      nodes: [...merged.values()].sort((a, b) => a.node.localeCompare(b.node)),
      members: [...this.members.values()].sort((a, b) => a.id.localeCompare(b.id)),
      timeline,
      timelineDropped: this.dropped,
    };
  }
}

function mergeNodeFacts(a: NodeFacts, b: NodeFacts): NodeFacts {
  const later = (a.lastTs ?? '') <= (b.lastTs ?? '') ? b : a;
  return {
    ...later,
    memberIds: [...new Set([...a.memberIds, ...b.memberIds])],
    clusterIds: [...new Set([...a.clusterIds, ...b.clusterIds])],
    maxTerm: Math.max(a.maxTerm, b.maxTerm),
    leaderChanges: a.leaderChanges + b.leaderChanges,
    elections: a.elections + b.elections,
    steppedDownForQuorum: a.steppedDownForQuorum + b.steppedDownForQuorum,
    fatal: a.fatal ?? b.fatal,
    unreachable: [...a.unreachable, ...b.unreachable],
    peerURLs: [...new Set([...a.peerURLs, ...b.peerURLs])],
    clientURLs: [...new Set([...a.clientURLs, ...b.clientURLs])],
    name: later.name ?? a.name ?? b.name,
  };
}
