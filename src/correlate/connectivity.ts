// Correlators for members that cannot reach each other: a stopped or unreachable member, a
// lost quorum, and elections that never settle.
import type { Diagnosis } from '../model/report.js';
import type { NodeFacts } from './cluster-model.js';
import {
  clamp01,
  clusterSize,
  type CorrelationContext,
  describeMember,
  findingsFor,
  listWords,
  maxSeverity,
  nodeFacts,
  nodeOfMember,
  refOf,
} from './context.js';

/** A peer counts as lost for a node when its failures went on until the node's log ends. */
const RECENT_MS = 30_000;

export interface PeerLoss {
  /** The member ID the others could not reach. */
  peer: string;
  node: string | null;
  reporters: string[];
  errors: string[];
  first: string | null;
  /** The peer's own log ended (or it died) while the others went on. */
  logEnded: boolean;
  fatal: string | null;
}

function ms(ts: string | null): number {
  return ts === null ? NaN : Date.parse(ts);
}

/** Nodes whose log ends well before the others', or with a fatal error: they stopped. */
function endedNodes(ctx: CorrelationContext): Set<string> {
  const ends = ctx.model.nodes.map((n) => ms(n.lastTs)).filter((x) => !Number.isNaN(x));
  const latest = ends.length > 0 ? Math.max(...ends) : NaN;
  const ended = new Set<string>();
  for (const n of ctx.model.nodes) {
    const end = ms(n.lastTs);
    if (n.fatal !== null || (ends.length > 1 && !Number.isNaN(end) && latest - end > 5_000)) ended.add(n.node);
  }
  return ended;
}

/**
 * Every peer some running node could not reach at the end of its log, with who said so. A node
 * that stopped is no witness: its last lines are its own shutdown.
 */
export function peerLosses(ctx: CorrelationContext): PeerLoss[] {
  const byPeer = new Map<string, PeerLoss>();
  const ended = endedNodes(ctx);
  for (const n of ctx.model.nodes) {
    if (ended.has(n.node)) continue;
    for (const r of n.unreachable) {
      if (r.recovered) continue;
      const end = ms(n.lastTs);
      if (!Number.isNaN(end) && !Number.isNaN(ms(r.last)) && end - ms(r.last) > RECENT_MS) continue;
      let loss = byPeer.get(r.peer);
      if (!loss) {
        loss = { peer: r.peer, node: nodeOfMember(ctx, r.peer), reporters: [], errors: [], first: r.first, logEnded: false, fatal: null };
        byPeer.set(r.peer, loss);
      }
      if (!loss.reporters.includes(n.node)) loss.reporters.push(n.node);
      for (const e of r.errors) if (!loss.errors.includes(e) && loss.errors.length < 4) loss.errors.push(e);
      if (r.first !== null && (loss.first === null || r.first < loss.first)) loss.first = r.first;
    }
  }
  for (const loss of byPeer.values()) {
    if (loss.node === null) continue;
    const facts = nodeFacts(ctx, loss.node);
    if (!facts) continue;
    loss.fatal = facts.fatal ? (facts.fatal.error ?? facts.fatal.msg) : null;
    loss.logEnded = ended.has(loss.node);
  }
  return [...byPeer.values()].filter((l) => l.node === null || !l.reporters.includes(l.node));
}

function causeOf(errors: string[]): string {
  const text = errors.join(' ');
  if (/connection refused/.test(text)) return 'connection refused: nothing listens on its peer port (the process is down or listens elsewhere)';
  if (/no such host|server misbehaving|lookup /.test(text)) return 'its peer host name does not resolve (DNS)';
  if (/no route to host/.test(text)) return 'no route to its host (network or firewall)';
  if (/i\/o timeout|deadline exceeded|timeout/.test(text)) return 'connections time out (a firewall drops port 2380, or the advertised peer URL is wrong)';
  if (/x509|tls:/.test(text)) return 'the TLS handshake fails';
  if (/EOF|reset by peer/.test(text)) return 'connections drop (the process restarted or crashed)';
  return errors[0] ?? 'connections fail';
}

/** Which members are down: a majority of the running witnesses (other than itself) say so. */
function lostMembers(ctx: CorrelationContext): PeerLoss[] {
  const ended = endedNodes(ctx);
  const witnesses = ctx.model.nodes.filter((n) => !ended.has(n.node) && n.lastTs !== null).map((n) => n.node);
  return peerLosses(ctx).filter((l) => {
    const possible = witnesses.filter((w) => w !== l.node).length;
    return l.reporters.length * 2 > possible && isCurrentMember(ctx, l.peer);
  });
}

/** A removed member that cannot be reached is expected; only current members count as lost. */
function isCurrentMember(ctx: CorrelationContext, id: string): boolean {
  if (ctx.cluster.members.length > 0) return ctx.cluster.members.some((m) => m.id === id);
  return !ctx.model.members.some((m) => m.id === id && m.removed);
}

function endpointHealth(ctx: CorrelationContext): { healthy: number; unhealthy: string[] } {
  const withHealth = ctx.cluster.endpoints.filter((e) => e.health !== null);
  return {
    healthy: withHealth.filter((e) => e.health === true).length,
    unhealthy: withHealth.filter((e) => e.health === false).map((e) => e.endpoint),
  };
}

function noLeaderAtEnd(nodes: NodeFacts[]): NodeFacts[] {
  return nodes.filter((n) => n.fatal === null && n.leader === null && (n.lostLeaderAt !== null || n.elections > 0));
}

export function correlateQuorumLost(ctx: CorrelationContext): Diagnosis[] {
  const lost = lostMembers(ctx);
  const size = clusterSize(ctx, null);
  const quorum = Math.floor(size / 2) + 1;
  const health = endpointHealth(ctx);
  const running = ctx.model.nodes.filter((n) => !lost.some((l) => l.node === n.node) && n.fatal === null);
  const leaderless = noLeaderAtEnd(running);
  const direct = findingsFor(ctx, 'quorum-lost', 'warning');
  const byReach = lost.length > 0 && size - lost.length < quorum;
  const byHealth = health.healthy + health.unhealthy.length > 0 && health.healthy < quorum && health.unhealthy.length > 0;
  const byLeader = running.length > 0 && leaderless.length === running.length && (direct.length > 0 || running.some((n) => n.elections >= 3));
  const votes = [byReach, byHealth, byLeader].filter(Boolean).length;
  if (votes === 0) return [];
  const lostNames = lost.map((l) => l.node ?? describeMember(ctx, l.peer));
  const survivors = running.map((n) => n.node);
  const terms = running.map((n) => n.maxTerm).filter((t) => t > 0);
  const evidence: string[] = [];
  if (byReach) evidence.push(`${listWords(lostNames)} cannot be reached by the others (${causeOf(lost.flatMap((l) => l.errors))})`);
  if (byLeader) evidence.push(`${listWords(survivors)} ha${survivors.length === 1 ? 's' : 've'} no leader at the end of ${survivors.length === 1 ? 'its' : 'their'} logs and keep${survivors.length === 1 ? 's' : ''} campaigning${terms.length > 0 ? ` (term up to ${Math.max(...terms)})` : ''}`);
  if (byHealth) evidence.push(`only ${health.healthy} of ${health.healthy + health.unhealthy.length} endpoints answer health checks`);
  return [
    {
      id: 'quorum-lost',
      title: `Quorum lost: ${size - lost.length > 0 && lost.length > 0 ? `${lost.length} of ${size} members are down` : 'no leader can be elected'}`,
      severity: 'critical',
      confidence: clamp01(0.5 + 0.15 * votes + (direct.length > 0 ? 0.1 : 0)),
      affectedNodes: lostNames,
      healthyNodes: survivors,
      explanation:
        `The cluster has ${size} voting members and needs ${quorum} to elect a leader and commit writes. ` +
        `${evidence.join('; ')}. ` +
        `Reads and writes fail until a majority is back. First bring back the lost members whose data is intact${lost.length > 0 ? ` (${listWords(lostNames)})` : ''}; ` +
        'only if a majority cannot come back, restore from a snapshot or use --force-new-cluster on the most up-to-date survivor.',
      findings: direct.map(refOf),
      symptoms: [],
      facts: {
        'cluster-size': String(size),
        quorum: String(quorum),
        ...(lost.length > 0 ? { 'lost-member-id': lost.map((l) => l.peer).join(',') } : {}),
        ...(survivors.length > 0 ? { survivors: survivors.join(',') } : {}),
      },
    },
  ];
}

export function correlatePeerUnreachable(ctx: CorrelationContext): Diagnosis[] {
  const found = findingsFor(ctx, 'peer-unreachable');
  const lost = lostMembers(ctx);
  if (lost.length === 0 && found.filter((f) => f.severity !== 'info').length === 0) return [];
  const size = clusterSize(ctx, null);
  const quorum = Math.floor(size / 2) + 1;
  const out: Diagnosis[] = [];
  const groups = lost.length > 0 ? lost : [];
  for (const l of groups) {
    const name = l.node ?? describeMember(ctx, l.peer);
    const stopped = l.logEnded;
    const related = found.filter((f) => l.reporters.includes(f.node) || f.node === l.node);
    out.push({
      id: 'peer-unreachable',
      title: stopped ? `${name} is down` : `${name} cannot be reached by its peers`,
      severity: size - lost.length >= quorum ? 'error' : 'critical',
      confidence: clamp01(0.55 + 0.1 * Math.min(3, l.reporters.length) + (stopped ? 0.15 : 0) + (l.node ? 0.05 : 0)),
      affectedNodes: [name],
      healthyNodes: ctx.nodes.map((n) => n.name).filter((n) => n !== name && !lost.some((x) => x.node === n)),
      explanation:
        `${listWords(l.reporters)} cannot reach ${name} (member ${l.peer})${l.first ? ` since ${l.first}` : ''}: ${causeOf(l.errors)}. ` +
        (stopped
          ? `${name}'s own log ${l.fatal ? `ends with a fatal error: ${l.fatal}` : 'ends while the others go on: the process stopped'}. `
          : l.node
            ? `${name}'s log goes on, so the process runs but its peer URL is not reachable from the others. `
            : 'There is no log of this member among the inputs. ') +
        (size - lost.length >= quorum
          ? `The cluster keeps quorum (${size - lost.length} of ${size} members up) and serves requests, but cannot lose another member.`
          : 'Too few members are left for quorum.'),
      findings: related.map(refOf),
      symptoms: [],
      facts: { 'member-id': l.peer, cause: causeOf(l.errors), ...(stopped ? { stopped: 'true' } : {}) },
    });
  }
  // A container docker inspect shows stopped is a member down, whether or not the peers' logs
  // (a --since window, rotated logs) still show them failing to reach it. Such a finding is
  // about the node that is down, not one reporting a peer: it never reads as a brief blip.
  const containerDown = found.filter((f) => f.facts.container !== undefined);
  const downCount = new Set([...lost.map((l) => l.node ?? l.peer), ...containerDown.map((f) => f.node)]).size;
  for (const f of containerDown) {
    if (lost.some((l) => l.node === f.node)) continue;
    const how = f.evidence[0]?.text.replace(/^docker inspect [^:]*: /, '') ?? 'not running';
    out.push({
      id: 'peer-unreachable',
      title: `${f.node} is down`,
      severity: size - downCount >= quorum ? 'error' : 'critical',
      confidence: 0.8,
      affectedNodes: [f.node],
      healthyNodes: ctx.nodes.map((n) => n.name).filter((n) => n !== f.node && !lost.some((x) => x.node === n) && !containerDown.some((x) => x.node === n)),
      explanation:
        `docker inspect shows ${f.node}'s container ${how}: its member is down. ` +
        (size - downCount >= quorum
          ? `The cluster keeps quorum (${size - downCount} of ${size} members up) and serves requests, but cannot lose another member.`
          : 'Too few members are left for quorum.'),
      findings: [refOf(f)],
      symptoms: [],
      facts: { stopped: 'true' },
    });
  }
  const logged = found.filter((f) => f.facts.container === undefined);
  if (out.length === 0 && logged.length > 0) {
    // Probe failures that stopped, or are too few to name a lost member: transient.
    const nodes = [...new Set(logged.map((f) => f.node))];
    // When every failure recovered (members bootstrapping one after another log a few), nothing
    // is wrong now: context, not a problem that would call a healthy cluster degraded.
    const pending = peerLosses(ctx).length > 0;
    out.push({
      id: 'peer-unreachable',
      title: 'Peers were briefly unreachable',
      severity: pending ? 'warning' : 'info',
      confidence: 0.5,
      affectedNodes: [],
      healthyNodes: ctx.nodes.map((n) => n.name),
      explanation: `${listWords(nodes)} logged failures reaching peers, but every peer became reachable again before the logs end (a restart or a network blip).`,
      findings: logged.map(refOf),
      symptoms: [],
      facts: {},
    });
  }
  return out;
}

export function correlateElectionStorm(ctx: CorrelationContext): Diagnosis[] {
  const found = findingsFor(ctx, 'election-storm', 'warning');
  if (found.length === 0) return [];
  const nodes = [...new Set(found.map((f) => f.node))];
  const changes = ctx.model.nodes.reduce((n, f) => n + f.leaderChanges, 0);
  const terms = ctx.model.nodes.map((n) => n.maxTerm);
  const disk = findingsFor(ctx, 'slow-disk', 'warning').concat(findingsFor(ctx, 'overload', 'warning'));
  const hints: string[] = [];
  if (disk.length > 0) hints.push(`slow disk or overload warnings on ${listWords([...new Set(disk.map((f) => f.node))])}`);
  const net = findingsFor(ctx, 'peer-unreachable', 'warning');
  if (net.length > 0) hints.push(`peer connection failures on ${listWords([...new Set(net.map((f) => f.node))])}`);
  return [
    {
      id: 'election-storm',
      title: 'Leader elections keep repeating',
      severity: maxSeverity(found, 'error'),
      confidence: clamp01(0.5 + (changes >= 3 ? 0.2 : 0) + (hints.length > 0 ? 0.1 : 0)),
      affectedNodes: nodes,
      healthyNodes: ctx.nodes.map((n) => n.name).filter((n) => !nodes.includes(n)),
      explanation:
        `${listWords(nodes)} started many elections in a short time (term up to ${Math.max(0, ...terms)}; ${changes} leader changes seen). ` +
        'A quorum exists but the leader keeps being lost: heartbeats do not arrive in time. ' +
        (hints.length > 0 ? `Look at: ${hints.join('; ')}. ` : 'No disk or network warning explains it: check CPU starvation, disk latency (wal_fsync_duration_seconds) and the network round trip against --heartbeat-interval and --election-timeout. ') +
        'Give etcd a fast dedicated disk and enough CPU, and set the election timeout to at least 10x the heartbeat interval and above the peers\' round trip.',
      findings: found.map(refOf),
      symptoms: [],
      facts: { 'max-term': String(Math.max(0, ...terms)), 'leader-changes': String(changes) },
    },
  ];
}
