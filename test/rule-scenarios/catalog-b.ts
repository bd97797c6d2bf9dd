// Scenarios of catalog part B (raft, peer, disk, space, requests, etcdctl, system) on real
// captures. `fires` pins the nodes that must fire; `quiet` lists captures where the rule must not.
import type { RuleScenario } from '../helpers/rule-scenario.js';

const HEALTHY = ['real/capnslog/healthy', 'real/zap/healthy'];
const both = (scenario: string, nodes: string): string[] => [`real/capnslog/${scenario}:${nodes}`, `real/zap/${scenario}:${nodes}`];

export const scenarios: RuleScenario[] = [
  // ---- raft
  {
    rule: 'election-storm',
    fires: both('quorum-lost', 'etcd1'),
    quiet: [...HEALTHY, 'real/capnslog/peer-stopped', 'real/zap/peer-stopped', 'real/capnslog/election-storm'],
  },
  {
    // info: a lone election is visible everywhere, healthy captures included
    rule: 'election-started',
    fires: both('election-storm', 'etcd1,etcd2,etcd3'),
    quiet: ['real/etcdctl/healthy'],
  },
  {
    rule: 'leader-lost',
    fires: both('quorum-lost', 'etcd1,etcd2,etcd3'),
    quiet: HEALTHY,
  },
  {
    rule: 'quorum-not-active',
    fires: both('quorum-lost', 'etcd1'),
    quiet: [...HEALTHY, 'real/capnslog/peer-stopped', 'real/zap/peer-stopped', 'real/capnslog/election-storm', 'real/zap/election-storm'],
  },
  {
    rule: 'leader-changed-often',
    fires: both('election-storm', 'etcd1,etcd2,etcd3'),
    quiet: [...HEALTHY, 'real/capnslog/peer-stopped', 'real/zap/peer-stopped', 'real/capnslog/quorum-lost', 'real/zap/quorum-lost'],
  },
  {
    // which two members see the higher-term votes depends on who was frozen: pin the capture's nodes
    rule: 'rising-term-votes',
    fires: ['real/capnslog/election-storm:etcd2,etcd3', 'real/zap/election-storm:etcd1,etcd3'],
    quiet: [...HEALTHY, 'real/capnslog/peer-stopped', 'real/zap/peer-stopped'],
  },
  {
    rule: 'read-index-timeout',
    fires: both('quorum-lost', 'etcd1'),
    quiet: [...HEALTHY, 'real/capnslog/removed-member-restarted', 'real/zap/removed-member-restarted'],
  },
  {
    // one or two retries around a leader change (removed-member-restarted) stay below the threshold
    rule: 'read-index-retrying',
    fires: both('quorum-lost', 'etcd1'),
    quiet: [...HEALTHY, 'real/capnslog/removed-member-restarted', 'real/zap/removed-member-restarted'],
  },
  // ---- peer
  {
    rule: 'peer-connection-refused',
    fires: both('peer-stopped', 'etcd1,etcd2'),
    quiet: [...HEALTHY, 'real/capnslog/port-in-use', 'real/capnslog/tls-bad-cert', 'real/zap/tls-bad-cert'],
  },
  {
    rule: 'peer-io-timeout',
    fires: both('port-in-use', 'etcd1,etcd2'),
    quiet: [...HEALTHY, 'real/capnslog/peer-stopped', 'real/zap/peer-stopped', 'real/capnslog/tls-bad-cert'],
  },
  {
    // a peer down for 20 s fires; the shorter outages of the bad-config captures do not, nor do TLS failures
    rule: 'peer-unreachable-sustained',
    fires: [...both('peer-stopped', 'etcd1,etcd2'), ...both('quorum-lost', 'etcd1')],
    quiet: [...HEALTHY, 'real/capnslog/member-unstarted', 'real/zap/member-unstarted', 'real/capnslog/tls-bad-cert', 'real/zap/tls-bad-cert'],
  },
  {
    rule: 'peer-stream-lost',
    fires: both('peer-stopped', 'etcd1,etcd2,etcd3'),
    quiet: HEALTHY,
  },
  {
    rule: 'peer-became-inactive',
    fires: both('peer-stopped', 'etcd1,etcd2,etcd3'),
    quiet: HEALTHY,
  },
  {
    rule: 'peer-version-unreachable',
    fires: both('peer-stopped', 'etcd1'),
    quiet: HEALTHY,
  },
  // ---- disk
  {
    rule: 'heartbeat-send-late',
    fires: both('election-storm', 'etcd1,etcd2,etcd3'),
    quiet: [...HEALTHY, 'real/capnslog/quorum-lost', 'real/zap/quorum-lost'],
  },
  {
    // two slow health reads while quorum is lost stay below the threshold
    rule: 'slow-apply',
    fires: [],
    quiet: [...HEALTHY, 'real/capnslog/quorum-lost', 'real/zap/quorum-lost', 'real/capnslog/removed-member-restarted'],
  },
  {
    rule: 'long-trace',
    fires: ['real/zap/quorum-lost:etcd1'],
    quiet: HEALTHY,
  },
  // ---- space
  {
    rule: 'nospace-alarm-raised',
    fires: both('nospace', 'etcd1,etcd2,etcd3'),
    quiet: [...HEALTHY, 'real/capnslog/peer-stopped'],
  },
  {
    rule: 'nospace-alarm-listed',
    fires: ['real/capnslog/nospace:etcd1,etcd2,etcd3', 'real/zap/nospace:etcd1,etcd2,etcd3', 'real/etcdctl/nospace:etcd1'],
    quiet: [...HEALTHY, 'real/etcdctl/healthy', 'real/etcdctl/member-down'],
  },
  // ---- requests
  {
    rule: 'request-timed-out',
    fires: both('cluster-id-mismatch', 'etcd3'),
    quiet: HEALTHY,
  },
  {
    rule: 'request-leader-changed',
    fires: ['real/capnslog/removed-member-restarted:etcd1,etcd2'],
    quiet: HEALTHY,
  },
  // ---- etcdctl
  {
    rule: 'endpoint-unhealthy',
    fires: [...both('peer-stopped', 'etcd3'), 'real/capnslog/quorum-lost:etcd1,etcd2,etcd3'],
    quiet: [...HEALTHY, 'real/etcdctl/healthy', 'real/capnslog/nospace'],
  },
  {
    rule: 'learner-not-promoted',
    fires: ['real/etcdctl/learner-unstarted:etcd5'],
    quiet: [...HEALTHY, 'real/etcdctl/healthy', 'real/etcdctl/member-down'],
  },
  {
    rule: 'leader-disagreement',
    fires: [],
    quiet: [...HEALTHY, 'real/etcdctl/healthy', 'real/etcdctl/member-down', 'real/capnslog/cluster-id-mismatch'],
  },
  {
    rule: 'corrupt-alarm-listed',
    fires: ['real/etcdctl/from-source:etcd1'],
    quiet: ['real/etcdctl/nospace', 'real/capnslog/nospace', 'real/etcdctl/healthy'],
  },
  // ---- system
  {
    // info, printed at every start
    rule: 'simple-token',
    fires: both('healthy', 'etcd1,etcd2,etcd3'),
    quiet: ['real/etcdctl/healthy'],
  },
];
