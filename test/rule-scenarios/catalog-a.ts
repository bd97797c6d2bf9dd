// Scenarios of catalog part A (membership, config, discovery, corruption, tls, clock) on the real
// 3.4.23 captures. `fires` pins the nodes that must fire; `quiet` lists captures where the rule
// must stay silent: the healthy clusters and the near misses (the other side of a failure, a
// peer's shutdown, a reboot).
import type { RuleScenario } from '../helpers/rule-scenario.js';

const both = (scenario: string, nodes?: string): string[] =>
  ['capnslog', 'zap'].map((f) => `real/${f}/${scenario}${nodes === undefined ? '' : `:${nodes}`}`);
const healthy = both('healthy');

export const scenarios: RuleScenario[] = [
  // ---- membership ---------------------------------------------------------------------------
  {
    // both clusters send to each other, so every member logs the sender side
    rule: 'request-ignored-cluster-id-mismatch',
    fires: both('cluster-id-mismatch', 'etcd1,etcd2,etcd3'),
    quiet: [...healthy, ...both('peer-stopped'), ...both('already-bootstrapped')],
  },
  {
    // shutdowns, reboots and three restarts in a row log a handful; none reaches the threshold
    rule: 'member-not-found-in-cluster',
    fires: [],
    quiet: [...healthy, ...both('peer-stopped'), ...both('tocommit-out-of-range'), ...both('already-bootstrapped'), ...both('quorum-lost')],
  },
  {
    // info: logged once per peer shutdown, on the members that stayed up
    rule: 'peer-does-not-know-local-member',
    fires: both('peer-stopped', 'etcd1,etcd2'),
    quiet: healthy,
  },
  {
    rule: 'member-removed',
    fires: both('removed-member-restarted', 'etcd3'),
    quiet: [...healthy, ...both('peer-stopped'), ...both('cluster-id-mismatch')],
  },
  {
    rule: 'removed-member-still-connecting',
    fires: both('removed-member-restarted', 'etcd1,etcd2'),
    quiet: [...healthy, ...both('peer-stopped'), ...both('already-bootstrapped')],
  },
  {
    rule: 'member-already-bootstrapped',
    fires: both('already-bootstrapped', 'etcd3'),
    quiet: [...healthy, ...both('removed-member-restarted'), ...both('cluster-id-mismatch')],
  },
  {
    // the member that cannot reach a quorum keeps retrying its publish
    rule: 'publish-failed',
    fires: [...both('cluster-id-mismatch', 'etcd3'), ...both('tls-bad-cert', 'etcd3')],
    quiet: [...healthy, ...both('removed-member-restarted'), ...both('peer-stopped')],
  },
  { rule: 'raft-message-to-mismatch-member', fires: [], quiet: [...healthy, ...both('cluster-id-mismatch')] },
  { rule: 'member-reconfiguration-rejected', fires: [], quiet: [...healthy, ...both('member-unstarted')] },

  // ---- config -------------------------------------------------------------------------------
  {
    rule: 'initial-cluster-missing-local-name',
    fires: both('bad-initial-cluster', 'etcd3'),
    quiet: [...healthy, ...both('advertise-mismatch')],
  },
  {
    rule: 'initial-cluster-advertise-mismatch',
    fires: both('advertise-mismatch', 'etcd3'),
    quiet: [...healthy, ...both('bad-initial-cluster')],
  },
  {
    rule: 'join-member-count-unequal',
    fires: both('join-member-count-unequal', 'etcd3'),
    quiet: [...healthy, ...both('member-unstarted')],
  },
  {
    rule: 'listen-address-in-use',
    fires: both('port-in-use', 'etcd3'),
    quiet: [...healthy, ...both('peer-stopped')],
  },
  { rule: 'join-peer-urls-mismatch', fires: [], quiet: [...healthy, ...both('join-member-count-unequal')] },
  { rule: 'join-cluster-unreachable', fires: [], quiet: [...healthy, ...both('join-member-count-unequal')] },
  { rule: 'join-peer-cluster-response-failed', fires: [], quiet: [...healthy, ...both('join-member-count-unequal'), ...both('peer-stopped')] },
  { rule: 'initial-cluster-invalid', fires: [], quiet: [...healthy, ...both('bad-initial-cluster')] },
  { rule: 'data-dir-inaccessible', fires: [], quiet: healthy },
  { rule: 'unrecognized-etcd-environment-variable', fires: [], quiet: healthy },
  { rule: 'incompatible-with-running-cluster', fires: [], quiet: [...healthy, ...both('join-member-count-unequal')] },
  { rule: 'backend-database-missing', fires: [], quiet: [...healthy, ...both('wal-corrupt')] },

  // ---- discovery (no capture bootstraps through discovery; examples only) --------------------
  ...[
    'discovery-duplicate-id',
    'discovery-duplicate-name',
    'discovery-cluster-full',
    'discovery-token-not-found',
    'discovery-too-many-retries',
    'discovery-bad-endpoint',
    'discovery-join-failed',
    'dns-srv-discovery-failed',
  ].map((rule): RuleScenario => ({ rule, fires: [], quiet: [...healthy, ...both('bad-initial-cluster'), ...both('advertise-mismatch')] })),

  // ---- corruption ---------------------------------------------------------------------------
  {
    rule: 'raft-tocommit-out-of-range',
    fires: both('tocommit-out-of-range', 'etcd3'),
    quiet: [...healthy, ...both('wal-corrupt'), ...both('election-storm')],
  },
  {
    rule: 'wal-crc-mismatch',
    fires: both('wal-corrupt', 'etcd3'),
    quiet: [...healthy, ...both('tocommit-out-of-range')],
  },
  ...['wal-unreadable', 'backend-database-unopenable', 'backend-snapshot-recovery-failed', 'snapshot-file-corrupt', 'bbolt-freelist-corrupt'].map(
    (rule): RuleScenario => ({ rule, fires: [], quiet: [...healthy, ...both('wal-corrupt'), ...both('tocommit-out-of-range')] }),
  ),
  { rule: 'hash-mismatch-with-peers', fires: [], quiet: [...healthy, ...both('cluster-id-mismatch')] },
  { rule: 'corrupt-alarm', fires: [], quiet: [...healthy, ...both('nospace')] },

  // ---- tls ----------------------------------------------------------------------------------
  {
    // etcd1/etcd2 reject etcd3's client certificate; etcd3 sees its own certificate rejected
    rule: 'tls-handshake-rejected',
    fires: both('tls-bad-cert', 'etcd1,etcd2,etcd3'),
    quiet: [...healthy, ...both('peer-stopped')],
  },
  {
    // only the member with the wrong certificate is told so
    rule: 'tls-certificate-rejected-by-peer',
    fires: both('tls-bad-cert', 'etcd3'),
    quiet: [...healthy, ...both('peer-stopped')],
  },
  {
    // only the members that check etcd3's certificate against their CA
    rule: 'tls-unknown-authority',
    fires: both('tls-bad-cert', 'etcd1,etcd2'),
    quiet: [...healthy, ...both('peer-stopped')],
  },
  ...['tls-certificate-name-mismatch', 'tls-certificate-expired', 'tls-client-certificate-missing', 'tls-client-cert-auth-failed', 'auth-invalid-password'].map(
    (rule): RuleScenario => ({ rule, fires: [], quiet: [...healthy, ...both('tls-bad-cert')] }),
  ),

  // ---- clock (not reproducible in one host's captures; examples only) -------------------------
  { rule: 'clock-drift', fires: [], quiet: [...healthy, ...both('peer-stopped'), ...both('election-storm')] },
];
