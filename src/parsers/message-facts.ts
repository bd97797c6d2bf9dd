// Facts (member IDs, cluster IDs, URLs, durations, terms) read out of etcd message text, named as zap names them.
//
// capnslog, raft's stdlib lines, Go log and the bare journald lines carry in their text what zap
// logs as fields; raft prints plain text in every format. Rules and correlators read fields, so
// the same fact must land under the same name whichever format a node logged in.

import { flatCopy } from './flat.js';
import { TextMemo } from './text-memo.js';

/** A line this template must recognise, and exactly the facts it must give. */
export interface MessageExample {
  readonly msg: string;
  readonly component: string;
  readonly facts: Readonly<Record<string, string>>;
}

export interface MessageTemplate {
  /** Stable name, for tests and for reading the table. */
  readonly id: string;
  /**
   * How the message begins: its first word (up to a space, `(`, `:` or `[`), or MEMBER_ID for
   * raft's lines that start with the node's own hex ID. Only templates listed under a line's first
   * word are tried, so a line costs a map lookup, not an `includes` per template.
   */
  readonly first: readonly string[];
  /** A substring every matching message contains: checked with `includes` before the regex runs. */
  readonly literal: string;
  /**
   * Named groups become fields: `_` in a group name stands for `-` (JS group names cannot hold
   * a dash). Groups that did not take part in the match give nothing.
   */
  readonly pattern: RegExp;
  /**
   * Packages the message is logged under. Only for bare `key = value` lines too generic to trust
   * alone; an empty component (the journal drops the package) still passes.
   */
  readonly components?: readonly string[];
  /** Per-field rewrites of a captured value (decimal IDs to hex, Go lists to comma lists). */
  readonly convert?: Readonly<Record<string, (value: string) => string>>;
  /** Fields with a fixed value whenever the template matches. */
  readonly constant?: Readonly<Record<string, string>>;
  /**
   * The whole message is also this field: startup errors and `failed to dial ...` are the
   * `error` field of their zap counterparts, so rules matching `error` work on both formats.
   */
  readonly messageAs?: string;
  /** Facts that need more than one group (a Go %q result that is either a response or an error). */
  readonly derive?: (facts: Record<string, string>) => void;
  readonly source: string;
  readonly examples: readonly MessageExample[];
}

/** `first` entry for messages that start with a member ID (raft's `%x ...`). */
export const MEMBER_ID = '<member-id>';

// Fragments: etcd prints member and cluster IDs as unpadded lowercase hex (types.ID, %x).
const ID = '[0-9a-f]{1,16}';
const N = '\\d+';
// A Go duration as %v prints it: 1.2s, 133.284µs, 2m3.5s. No spaces, no parentheses.
const DUR = '[0-9][0-9.a-zµ]*';
// A Go %q string: quotes with backslash escapes; the two alternatives never overlap, so no backtracking blow-up.
const QUOTED = '"(?:[^"\\\\]|\\\\.)*"';

/** Exact decimal-to-hex for raft's 64-bit IDs (beyond 2^53, so Number would round). */
export function decimalIdToHex(decimal: string): string {
  return BigInt(decimal).toString(16);
}

function decimalListToHex(list: string): string {
  const trimmed = list.trim();
  if (trimmed === '') return '';
  return trimmed.split(/\s+/).map(decimalIdToHex).join(',');
}

/** Go prints []string with %v as `[a b c]`; fields hold lists comma-separated, as flags do. */
function spaceListToCsv(list: string): string {
  const trimmed = list.trim();
  return trimmed === '' ? '' : trimmed.split(/\s+/).join(',');
}

const GO_ESCAPES: Readonly<Record<string, string>> = {
  a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '"': '"', "'": "'",
};

/** Undo Go's %q so a capnslog value equals the plain string zap logs for the same fact. */
export function unquoteGo(quoted: string): string {
  const body = quoted.startsWith('"') && quoted.endsWith('"') && quoted.length >= 2 ? quoted.slice(1, -1) : quoted;
  if (!body.includes('\\')) return body;
  return body.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)/g, (whole, esc: string) => {
    const c = esc[0]!;
    if (c === 'x' || c === 'u' || c === 'U') {
      if (esc.length === 1) return whole;
      return String.fromCodePoint(parseInt(esc.slice(1), 16));
    }
    return GO_ESCAPES[c] ?? whole;
  });
}

/** Go %q of a []string or []net.IP: `["a" "b"]` becomes `a,b`. */
function quotedListToCsv(list: string): string {
  const items = list.match(/"(?:[^"\\]|\\.)*"/g);
  return items === null ? '' : items.map(unquoteGo).join(',');
}

/** Lines a config template must not accept whatever the package. */
const CONFIG_PKGS = ['embed', 'etcdserver'] as const;

export const MESSAGE_TEMPLATES: readonly MessageTemplate[] = [
  // ---- identity and membership -------------------------------------------------------------
  {
    id: 'starting-member',
    first: ['starting'],
    literal: 'starting member ',
    pattern: new RegExp(`^starting member (?<local_member_id>${ID}) in cluster (?<cluster_id>${ID})$`),
    source: 'etcdserver/raft.go startNode',
    examples: [
      {
        msg: 'starting member 52a1d530dc8029dd in cluster c6dd3be22ab34025',
        component: 'etcdserver',
        facts: { 'local-member-id': '52a1d530dc8029dd', 'cluster-id': 'c6dd3be22ab34025' },
      },
    ],
  },
  {
    id: 'restarting-member',
    first: ['restarting'],
    literal: 'restarting member ',
    pattern: new RegExp(`^restarting member (?<local_member_id>${ID}) in cluster (?<cluster_id>${ID}) at commit index (?<commit_index>${N})$`),
    source: 'etcdserver/raft.go restartNode',
    examples: [
      {
        msg: 'restarting member f02ec9547f064782 in cluster 6946a89cb21e8bbb at commit index 12',
        component: 'etcdserver',
        facts: { 'local-member-id': 'f02ec9547f064782', 'cluster-id': '6946a89cb21e8bbb', 'commit-index': '12' },
      },
    ],
  },
  {
    id: 'published',
    first: ['published'],
    literal: 'published {Name:',
    // %+v of membership.Attributes; the name is everything up to the ClientURLs key. URLs hold no
    // brackets, so a line of repeated keys cannot make the URL scan quadratic.
    pattern: new RegExp(`^published (?<local_member_attributes>\\{Name:(?<name>[^{}]*?) ClientURLs:\\[(?<advertise_client_urls>[^\\][]*)\\]\\}) to cluster (?<cluster_id>${ID})$`),
    convert: { 'advertise-client-urls': spaceListToCsv },
    source: 'etcdserver/server.go publish',
    examples: [
      {
        msg: 'published {Name:m2 ClientURLs:[http://127.0.0.72:2379]} to cluster 6946a89cb21e8bbb',
        component: 'etcdserver',
        facts: {
          'local-member-attributes': '{Name:m2 ClientURLs:[http://127.0.0.72:2379]}',
          name: 'm2',
          'advertise-client-urls': 'http://127.0.0.72:2379',
          'cluster-id': '6946a89cb21e8bbb',
        },
      },
      {
        // format from etcdserver/server.go publish (%+v of Attributes with two client URLs)
        msg: 'published {Name:infra1 ClientURLs:[http://10.0.0.1:2379 https://10.0.0.1:2381]} to cluster 9427d3871aa3e863',
        component: 'etcdserver',
        facts: {
          'local-member-attributes': '{Name:infra1 ClientURLs:[http://10.0.0.1:2379 https://10.0.0.1:2381]}',
          name: 'infra1',
          'advertise-client-urls': 'http://10.0.0.1:2379,https://10.0.0.1:2381',
          'cluster-id': '9427d3871aa3e863',
        },
      },
    ],
  },
  {
    id: 'added-member-from-store',
    first: ['added'],
    literal: ' from store',
    pattern: new RegExp(`^added member (?<recovered_remote_peer_id>${ID}) \\[(?<recovered_remote_peer_urls>[^\\]]*)\\] to cluster (?<cluster_id>${ID}) from store$`),
    convert: { 'recovered-remote-peer-urls': spaceListToCsv },
    source: 'etcdserver/membership/cluster.go Recover (zap: recovered/added member from store)',
    examples: [
      {
        // format from etcdserver/api/membership/cluster.go Recover: "added member %s %v to cluster %s from store"
        msg: 'added member 2580d9a6b388ca20 [http://127.0.0.1:52380] to cluster c6dd3be22ab34025 from store',
        component: 'etcdserver/membership',
        facts: {
          'recovered-remote-peer-id': '2580d9a6b388ca20',
          'recovered-remote-peer-urls': 'http://127.0.0.1:52380',
          'cluster-id': 'c6dd3be22ab34025',
        },
      },
    ],
  },
  {
    id: 'added-member',
    first: ['added'],
    literal: 'added member ',
    pattern: new RegExp(`^added member (?<added_peer_id>${ID}) \\[(?<added_peer_peer_urls>[^\\]]*)\\] to cluster (?<cluster_id>${ID})$`),
    convert: { 'added-peer-peer-urls': spaceListToCsv },
    source: 'etcdserver/membership/cluster.go AddMember',
    examples: [
      {
        msg: 'added member 2580d9a6b388ca20 [http://127.0.0.1:52380] to cluster c6dd3be22ab34025',
        component: 'etcdserver/membership',
        facts: { 'added-peer-id': '2580d9a6b388ca20', 'added-peer-peer-urls': 'http://127.0.0.1:52380', 'cluster-id': 'c6dd3be22ab34025' },
      },
      {
        msg: 'added member e6b21f0010e2df75 [http://127.0.0.72:2380] to cluster 6946a89cb21e8bbb',
        component: 'etcdserver/membership',
        facts: { 'added-peer-id': 'e6b21f0010e2df75', 'added-peer-peer-urls': 'http://127.0.0.72:2380', 'cluster-id': '6946a89cb21e8bbb' },
      },
    ],
  },
  {
    id: 'removed-member',
    first: ['removed'],
    literal: 'removed member ',
    pattern: new RegExp(`^removed member (?<removed_remote_peer_id>${ID}) from cluster (?<cluster_id>${ID})$`),
    source: 'etcdserver/membership/cluster.go RemoveMember',
    examples: [
      {
        msg: 'removed member f02ec9547f064782 from cluster 6946a89cb21e8bbb',
        component: 'etcdserver/membership',
        facts: { 'removed-remote-peer-id': 'f02ec9547f064782', 'cluster-id': '6946a89cb21e8bbb' },
      },
      {
        msg: 'removed member 193d39c25fe01b91 from cluster 8947c960ebd7a65e',
        component: 'etcdserver/membership',
        facts: { 'removed-remote-peer-id': '193d39c25fe01b91', 'cluster-id': '8947c960ebd7a65e' },
      },
    ],
  },
  {
    id: 'promote-member',
    first: ['promote'],
    literal: 'promote member ',
    pattern: new RegExp(`^promote member (?<promoted_member_id>${ID}) in cluster (?<cluster_id>${ID})$`),
    source: 'etcdserver/api/membership/cluster.go PromoteMember (zap 3.5+: promoted-member-id)',
    examples: [
      {
        msg: 'promote member e6b21f0010e2df75 in cluster 6946a89cb21e8bbb',
        component: 'etcdserver/membership',
        facts: { 'promoted-member-id': 'e6b21f0010e2df75', 'cluster-id': '6946a89cb21e8bbb' },
      },
    ],
  },
  {
    id: 'updated-member',
    first: ['updated'],
    literal: 'updated member ',
    pattern: new RegExp(`^updated member (?<updated_remote_peer_id>${ID}) \\[(?<updated_remote_peer_urls>[^\\]]*)\\] in cluster (?<cluster_id>${ID})$`),
    convert: { 'updated-remote-peer-urls': spaceListToCsv },
    source: 'etcdserver/membership/cluster.go UpdateRaftAttributes: "updated member %s %v in cluster %s"',
    examples: [
      {
        msg: 'updated member e6b21f0010e2df75 [http://127.0.0.72:2380 http://10.0.0.72:2380] in cluster 6946a89cb21e8bbb',
        component: 'etcdserver/membership',
        facts: {
          'updated-remote-peer-id': 'e6b21f0010e2df75',
          'updated-remote-peer-urls': 'http://127.0.0.72:2380,http://10.0.0.72:2380',
          'cluster-id': '6946a89cb21e8bbb',
        },
      },
    ],
  },
  {
    id: 'added-peer',
    first: ['added'],
    literal: 'added peer ',
    pattern: new RegExp(`^added peer (?<remote_peer_id>${ID})$`),
    source: 'rafthttp/transport.go AddPeer',
    examples: [
      { msg: 'added peer 4db25673a9ab25d5', component: 'rafthttp', facts: { 'remote-peer-id': '4db25673a9ab25d5' } },
    ],
  },
  {
    id: 'removed-peer',
    first: ['removed'],
    literal: 'removed peer ',
    pattern: new RegExp(`^removed peer (?<removed_remote_peer_id>${ID})$`),
    source: 'rafthttp/transport.go RemovePeer',
    examples: [
      { msg: 'removed peer 193d39c25fe01b91', component: 'rafthttp', facts: { 'removed-remote-peer-id': '193d39c25fe01b91' } },
    ],
  },

  // ---- configuration printed at startup (3.3 under etcdserver:, 3.4 under embed:) ----------
  {
    id: 'config-name',
    first: ['name'],
    literal: 'name = ',
    pattern: /^name = (?<name>.*)$/,
    components: CONFIG_PKGS,
    source: 'embed/etcd.go StartEtcd (3.3 etcdserver/config.go print)',
    examples: [
      { msg: 'name = etcd1', component: 'embed', facts: { name: 'etcd1' } },
      { msg: 'name = m2', component: 'etcdserver', facts: { name: 'm2' } },
    ],
  },
  {
    id: 'config-data-dir',
    first: ['data'],
    literal: 'data dir = ',
    pattern: /^data dir = (?<data_dir>.*)$/,
    components: CONFIG_PKGS,
    source: 'embed/etcd.go StartEtcd',
    examples: [
      {
        msg: 'data dir = /tmp/etcddoctor-capture/capnslog/healthy/etcd1.data',
        component: 'embed',
        facts: { 'data-dir': '/tmp/etcddoctor-capture/capnslog/healthy/etcd1.data' },
      },
    ],
  },
  {
    id: 'config-member-dir',
    first: ['member'],
    literal: 'member dir = ',
    pattern: /^member dir = (?<member_dir>.*)$/,
    components: CONFIG_PKGS,
    source: 'embed/etcd.go StartEtcd',
    examples: [
      {
        msg: 'member dir = /tmp/etcddoctor-capture/capnslog/healthy/etcd1.data/member',
        component: 'embed',
        facts: { 'member-dir': '/tmp/etcddoctor-capture/capnslog/healthy/etcd1.data/member' },
      },
    ],
  },
  {
    id: 'config-heartbeat',
    first: ['heartbeat'],
    literal: 'heartbeat = ',
    pattern: /^heartbeat = (?<heartbeat_interval>\S+)$/,
    components: CONFIG_PKGS,
    source: 'embed/etcd.go StartEtcd: "heartbeat = %dms"',
    examples: [{ msg: 'heartbeat = 100ms', component: 'embed', facts: { 'heartbeat-interval': '100ms' } }],
  },
  {
    id: 'config-election',
    first: ['election'],
    literal: 'election = ',
    pattern: /^election = (?<election_timeout>\S+)$/,
    components: CONFIG_PKGS,
    source: 'embed/etcd.go StartEtcd: "election = %dms"',
    examples: [{ msg: 'election = 1000ms', component: 'embed', facts: { 'election-timeout': '1000ms' } }],
  },
  {
    id: 'config-snapshot-count',
    first: ['snapshot'],
    literal: 'snapshot count = ',
    pattern: /^snapshot count = (?<snapshot_count>\d+)$/,
    components: CONFIG_PKGS,
    source: 'embed/etcd.go StartEtcd: "snapshot count = %d"',
    examples: [{ msg: 'snapshot count = 100000', component: 'embed', facts: { 'snapshot-count': '100000' } }],
  },
  {
    id: 'config-initial-cluster',
    first: ['initial'],
    literal: 'initial cluster =',
    // Empty once the member is initialized (LIVE); a trimmed line then ends at the `=`.
    pattern: /^initial cluster =(?: (?<initial_cluster>.*))?$/,
    components: CONFIG_PKGS,
    constant: { 'initial-cluster': '' },
    source: 'embed/etcd.go StartEtcd: "initial cluster = %s" (types.URLsMap String)',
    examples: [
      {
        // format from embed/etcd.go: "initial cluster = %s" (types.URLsMap String)
        msg: 'initial cluster = m1=http://127.0.0.71:2380,m2=http://127.0.0.72:2380,m3=http://127.0.0.73:2380',
        component: 'embed',
        facts: { 'initial-cluster': 'm1=http://127.0.0.71:2380,m2=http://127.0.0.72:2380,m3=http://127.0.0.73:2380' },
      },
      { msg: 'initial cluster = ', component: 'embed', facts: { 'initial-cluster': '' } },
    ],
  },
  {
    id: 'config-initial-advertise-peer-urls',
    first: ['initial'],
    literal: 'initial advertise peer URLs = ',
    pattern: /^initial advertise peer URLs = (?<initial_advertise_peer_urls>.*)$/,
    components: CONFIG_PKGS,
    source: 'embed/etcd.go StartEtcd: "initial advertise peer URLs = %s" (types.URLs String joins with commas)',
    examples: [
      // format from embed/etcd.go; the captures so far start members whose data dir already exists
      { msg: 'initial advertise peer URLs = http://127.0.0.71:2380', component: 'embed', facts: { 'initial-advertise-peer-urls': 'http://127.0.0.71:2380' } },
    ],
  },
  {
    id: 'config-advertise-client-urls',
    first: ['advertise'],
    literal: 'advertise client URLs = ',
    pattern: /^advertise client URLs = (?<advertise_client_urls>.*)$/,
    components: CONFIG_PKGS,
    source: 'embed/etcd.go StartEtcd',
    examples: [
      { msg: 'advertise client URLs = http://127.0.0.1:30101', component: 'embed', facts: { 'advertise-client-urls': 'http://127.0.0.1:30101' } },
      {
        // two URLs: types.URLs String joins them with commas (3.3 prints the line under etcdserver:)
        msg: 'advertise client URLs = http://127.0.0.71:2379,http://10.0.0.71:2379',
        component: 'etcdserver',
        facts: { 'advertise-client-urls': 'http://127.0.0.71:2379,http://10.0.0.71:2379' },
      },
    ],
  },
  {
    id: 'etcd-version',
    first: ['etcd'],
    literal: 'etcd Version: ',
    pattern: /^etcd Version: (?<etcd_version>\S+)/,
    source: 'etcdmain/etcd.go startEtcdOrProxyV2',
    examples: [{ msg: 'etcd Version: 3.4.23', component: 'etcdmain', facts: { 'etcd-version': '3.4.23' } }],
  },
  {
    id: 'git-sha',
    first: ['Git'],
    literal: 'Git SHA: ',
    pattern: /^Git SHA: (?<git_sha>\S(?:.*\S)?)/,
    source: 'etcdmain/etcd.go startEtcdOrProxyV2 (the default GitSHA of version/version.go)',
    examples: [{ msg: 'Git SHA: Not provided (use ./build instead of go build)', component: 'etcdmain', facts: { 'git-sha': 'Not provided (use ./build instead of go build)' } }],
  },
  {
    id: 'go-version',
    first: ['Go'],
    literal: 'Go Version: ',
    pattern: /^Go Version: (?<go_version>\S+)/,
    source: 'etcdmain/etcd.go startEtcdOrProxyV2',
    examples: [{ msg: 'Go Version: go1.19.8', component: 'etcdmain', facts: { 'go-version': 'go1.19.8' } }],
  },
  {
    id: 'go-os-arch',
    first: ['Go'],
    literal: 'Go OS/Arch: ',
    pattern: /^Go OS\/Arch: (?<go_os>[^/\s]+)\/(?<go_arch>\S+)/,
    source: 'etcdmain/etcd.go startEtcdOrProxyV2',
    examples: [{ msg: 'Go OS/Arch: linux/amd64', component: 'etcdmain', facts: { 'go-os': 'linux', 'go-arch': 'amd64' } }],
  },

  // ---- cluster ID mismatch, unknown and removed peers --------------------------------------
  {
    id: 'request-cluster-id-mismatch',
    first: ['request'],
    literal: 'request cluster ID mismatch (got ',
    // "got" is the sender's cluster, "want" ours: zap names them from the receiver's side.
    pattern: new RegExp(`^request cluster ID mismatch \\(got (?<remote_peer_cluster_id>${ID}) want (?<local_member_cluster_id>${ID})\\)`),
    source: 'rafthttp/http.go checkClusterCompatibilityFromHeader',
    examples: [
      {
        msg: 'request cluster ID mismatch (got 18938993732f65e want 6946a89cb21e8bbb)',
        component: 'rafthttp',
        facts: { 'remote-peer-cluster-id': '18938993732f65e', 'local-member-cluster-id': '6946a89cb21e8bbb' },
      },
      {
        msg: 'request cluster ID mismatch (got 7674ac02e2676451 want a7123901d2400d2e)',
        component: 'rafthttp',
        facts: { 'remote-peer-cluster-id': '7674ac02e2676451', 'local-member-cluster-id': 'a7123901d2400d2e' },
      },
    ],
  },
  {
    id: 'request-ignored-cluster-id-mismatch',
    first: ['request'],
    literal: '(cluster ID mismatch: ',
    // peer[...] from the stream dialer, remote[...] from the pipeline POST check.
    pattern: new RegExp(`^request sent was ignored \\(cluster ID mismatch: (?:peer|remote)\\[(?<remote_peer_id>${ID})\\]=(?<remote_peer_cluster_id>${ID}), local=(?<local_member_cluster_id>${ID})\\)`),
    source: 'rafthttp/stream.go (*streamReader).dial; rafthttp/util.go checkPostResponse',
    examples: [
      {
        msg: 'request sent was ignored (cluster ID mismatch: peer[bc8eabb214a34048]=6946a89cb21e8bbb, local=18938993732f65e)',
        component: 'rafthttp',
        facts: { 'remote-peer-id': 'bc8eabb214a34048', 'remote-peer-cluster-id': '6946a89cb21e8bbb', 'local-member-cluster-id': '18938993732f65e' },
      },
      {
        msg: 'request sent was ignored (cluster ID mismatch: remote[bc8eabb214a34048]=6946a89cb21e8bbb, local=18938993732f65e)',
        component: 'rafthttp',
        facts: { 'remote-peer-id': 'bc8eabb214a34048', 'remote-peer-cluster-id': '6946a89cb21e8bbb', 'local-member-cluster-id': '18938993732f65e' },
      },
    ],
  },
  {
    id: 'failed-to-find-member',
    first: ['failed'],
    literal: 'failed to find member ',
    pattern: new RegExp(`^failed to find member (?<remote_peer_id_from>${ID}) in cluster (?<cluster_id>${ID})$`),
    source: 'rafthttp/http.go (*streamHandler).ServeHTTP',
    examples: [
      {
        msg: 'failed to find member 325b55a0e2975922 in cluster 9427d3871aa3e863',
        component: 'rafthttp',
        facts: { 'remote-peer-id-from': '325b55a0e2975922', 'cluster-id': '9427d3871aa3e863' },
      },
    ],
  },
  {
    id: 'rejected-stream-removed',
    first: ['rejected'],
    literal: 'since it was removed',
    pattern: new RegExp(`^rejected the stream from peer (?<remote_peer_id_from>${ID}) since it was removed$`),
    source: 'rafthttp/http.go (*streamHandler).ServeHTTP',
    examples: [
      {
        msg: 'rejected the stream from peer f02ec9547f064782 since it was removed',
        component: 'rafthttp',
        facts: { 'remote-peer-id-from': 'f02ec9547f064782' },
      },
      {
        msg: 'rejected the stream from peer 193d39c25fe01b91 since it was removed',
        component: 'rafthttp',
        facts: { 'remote-peer-id-from': '193d39c25fe01b91' },
      },
    ],
  },
  {
    id: 'reject-message-from-removed',
    first: ['reject'],
    literal: 'reject message from removed member ',
    pattern: new RegExp(`^reject message from removed member (?<removed_member_id>${ID})$`),
    source: 'etcdserver/server.go Process: "reject message from removed member %s"',
    examples: [
      { msg: 'reject message from removed member f02ec9547f064782', component: 'etcdserver', facts: { 'removed-member-id': 'f02ec9547f064782' } },
    ],
  },
  {
    id: 'rejected-message-mismatch-member',
    first: ['rejected'],
    literal: 'rejected message to mismatch member ',
    pattern: new RegExp(`^rejected message to mismatch member (?<mismatch_member_id>${ID})$`),
    source: 'etcdserver/server.go Process: "rejected message to mismatch member %s"',
    examples: [
      { msg: 'rejected message to mismatch member 48444cac210e141', component: 'etcdserver', facts: { 'mismatch-member-id': '48444cac210e141' } },
    ],
  },
  {
    id: 'already-bootstrapped',
    first: ['member'],
    literal: ' has already been bootstrapped',
    // The ID is the starting member's own: NewServer looks it up by --name.
    pattern: new RegExp(`^member (?<local_member_id>${ID}) has already been bootstrapped$`),
    messageAs: 'error',
    source: 'etcdserver/server.go NewServer',
    examples: [
      {
        msg: 'member 6503282357c5fd4a has already been bootstrapped',
        component: 'etcdmain',
        facts: { 'local-member-id': '6503282357c5fd4a', error: 'member 6503282357c5fd4a has already been bootstrapped' },
      },
    ],
  },

  // ---- peer connectivity -------------------------------------------------------------------
  {
    id: 'health-check-could-not-connect',
    first: ['health'],
    literal: ' could not connect: ',
    // 3.3.10+ appends the prober; the error itself may hold parentheses, so the suffix is anchored at the end.
    pattern: new RegExp(`^health check for peer (?<remote_peer_id>${ID}) could not connect: (?<error>.*?)(?: \\(prober "(?<round_tripper_name>[A-Z_]+)"\\))?$`),
    source: 'rafthttp/probing_status.go monitorProbingStatus',
    examples: [
      {
        msg: 'health check for peer d29cb07ef729e93 could not connect: dial tcp 127.0.0.73:2380: connect: connection refused',
        component: 'rafthttp',
        facts: { 'remote-peer-id': 'd29cb07ef729e93', error: 'dial tcp 127.0.0.73:2380: connect: connection refused' },
      },
      {
        msg: 'health check for peer feeb7baba4ca1b88 could not connect: x509: certificate signed by unknown authority',
        component: 'rafthttp',
        facts: { 'remote-peer-id': 'feeb7baba4ca1b88', error: 'x509: certificate signed by unknown authority' },
      },
      {
        // journald-bare sample from etcd-messages.md §1.1
        msg: 'health check for peer 76a752ea9233d534 could not connect: dial tcp 172.6.0.51:2380: i/o timeout',
        component: '',
        facts: { 'remote-peer-id': '76a752ea9233d534', error: 'dial tcp 172.6.0.51:2380: i/o timeout' },
      },
      {
        // 3.3.10+ format from v3.3.27 rafthttp/probing_status.go: "... could not connect: %v (prober %q)"
        msg: 'health check for peer 5bd0394181f126dd could not connect: dial tcp 10.0.0.2:2380: i/o timeout (prober "ROUND_TRIPPER_RAFT_MESSAGE")',
        component: 'rafthttp',
        facts: { 'remote-peer-id': '5bd0394181f126dd', error: 'dial tcp 10.0.0.2:2380: i/o timeout', 'round-tripper-name': 'ROUND_TRIPPER_RAFT_MESSAGE' },
      },
    ],
  },
  {
    id: 'clock-difference',
    first: ['the'],
    literal: 'the clock difference against peer ',
    pattern: new RegExp(`^the clock difference against peer (?<remote_peer_id>${ID}) is too high \\[(?<clock_drift>${DUR}) > (?<clock_drift_threshold>${DUR})\\](?: \\(prober "(?<round_tripper_name>[A-Z_]+)"\\))?$`),
    source: 'rafthttp/probing_status.go monitorProbingStatus',
    examples: [
      {
        msg: 'the clock difference against peer 5bd0394181f126dd is too high [10.449391606s > 1s]',
        component: 'rafthttp',
        facts: { 'remote-peer-id': '5bd0394181f126dd', 'clock-drift': '10.449391606s', 'clock-drift-threshold': '1s' },
      },
      {
        // 3.3.10+ format from v3.3.27 rafthttp/probing_status.go: "... is too high [%v > %v] (prober %q)"
        msg: 'the clock difference against peer 5bd0394181f126dd is too high [1.284540826s > 1s] (prober "ROUND_TRIPPER_SNAPSHOT")',
        component: 'rafthttp',
        facts: { 'remote-peer-id': '5bd0394181f126dd', 'clock-drift': '1.284540826s', 'clock-drift-threshold': '1s', 'round-tripper-name': 'ROUND_TRIPPER_SNAPSHOT' },
      },
    ],
  },
  {
    id: 'peer-failure',
    first: ['failed'],
    literal: 'failed to ',
    // peer_status.go deactivate: zap logs this whole text as the `error` of "peer became inactive".
    pattern: new RegExp(`^failed to (?:dial|read|write|heartbeat|post) (?<peer_id>${ID}) on (?:stream Message|stream MsgApp v2|pipeline|sendMsgSnap) \\(`),
    messageAs: 'error',
    source: 'rafthttp/peer_status.go deactivate: "failed to %s %s on %s (%s)"',
    examples: [
      {
        msg: 'failed to dial 6503282357c5fd4a on stream Message (peer 6503282357c5fd4a failed to find local node 48444cac210e141)',
        component: 'rafthttp',
        facts: { 'peer-id': '6503282357c5fd4a', error: 'failed to dial 6503282357c5fd4a on stream Message (peer 6503282357c5fd4a failed to find local node 48444cac210e141)' },
      },
      {
        msg: 'failed to read 1afd70a8c0f9c371 on stream MsgApp v2 (context canceled)',
        component: 'rafthttp',
        facts: { 'peer-id': '1afd70a8c0f9c371', error: 'failed to read 1afd70a8c0f9c371 on stream MsgApp v2 (context canceled)' },
      },
      {
        msg: 'failed to read d29cb07ef729e93 on stream Message (unexpected EOF)',
        component: 'rafthttp',
        facts: { 'peer-id': 'd29cb07ef729e93', error: 'failed to read d29cb07ef729e93 on stream Message (unexpected EOF)' },
      },
    ],
  },
  {
    id: 'peer-became-inactive',
    first: ['peer'],
    literal: ' became inactive',
    pattern: new RegExp(`^peer (?<peer_id>${ID}) became inactive`),
    source: 'rafthttp/peer_status.go deactivate',
    examples: [
      { msg: 'peer d29cb07ef729e93 became inactive (message send to peer failed)', component: 'rafthttp', facts: { 'peer-id': 'd29cb07ef729e93' } },
    ],
  },
  {
    id: 'peer-became-active',
    first: ['peer'],
    literal: ' became active',
    pattern: new RegExp(`^peer (?<peer_id>${ID}) became active$`),
    source: 'rafthttp/peer_status.go activate: "peer %s became active"',
    examples: [{ msg: 'peer d29cb07ef729e93 became active', component: 'rafthttp', facts: { 'peer-id': 'd29cb07ef729e93' } }],
  },
  {
    id: 'lost-tcp-streaming',
    first: ['lost'],
    literal: 'lost the TCP streaming connection with peer ',
    pattern: new RegExp(`^lost the TCP streaming connection with peer (?<remote_peer_id>${ID}) \\((?:(?<stream_writer_type>[^()]+) writer|(?<stream_reader_type>[^()]+) reader)\\)$`),
    source: 'rafthttp/stream.go (*streamWriter).run, (*streamReader).run',
    examples: [
      {
        msg: 'lost the TCP streaming connection with peer d29cb07ef729e93 (stream Message writer)',
        component: 'rafthttp',
        facts: { 'remote-peer-id': 'd29cb07ef729e93', 'stream-writer-type': 'stream Message' },
      },
      {
        msg: 'lost the TCP streaming connection with peer 6a6e359dd1b9bc2a (stream MsgApp v2 writer)',
        component: 'rafthttp',
        facts: { 'remote-peer-id': '6a6e359dd1b9bc2a', 'stream-writer-type': 'stream MsgApp v2' },
      },
      {
        msg: 'lost the TCP streaming connection with peer d29cb07ef729e93 (stream MsgApp v2 reader)',
        component: 'rafthttp',
        facts: { 'remote-peer-id': 'd29cb07ef729e93', 'stream-reader-type': 'stream MsgApp v2' },
      },
    ],
  },
  {
    id: 'established-tcp-streaming',
    first: ['established'],
    literal: 'established a TCP streaming connection with peer ',
    pattern: new RegExp(`^established a TCP streaming connection with peer (?<remote_peer_id>${ID}) \\((?:(?<stream_writer_type>[^()]+) writer|(?<stream_reader_type>[^()]+) reader)\\)$`),
    source: 'rafthttp/stream.go: "established a TCP streaming connection with peer %s (%s writer|reader)"',
    examples: [
      {
        msg: 'established a TCP streaming connection with peer d29cb07ef729e93 (stream MsgApp v2 reader)',
        component: 'rafthttp',
        facts: { 'remote-peer-id': 'd29cb07ef729e93', 'stream-reader-type': 'stream MsgApp v2' },
      },
    ],
  },
  {
    id: 'failed-to-reach-peer-url',
    first: ['failed'],
    literal: 'failed to reach the peerURL(',
    // The URL has no parentheses; the error may, so it runs to the last `)`.
    pattern: new RegExp(`^failed to reach the peerURL\\((?<address>[^()\\s]+)\\) of member (?<remote_member_id>${ID}) \\((?<error>.*)\\)$`),
    source: 'etcdserver/cluster_util.go getVersion',
    examples: [
      {
        msg: 'failed to reach the peerURL(http://127.0.0.73:2380) of member d29cb07ef729e93 (Get "http://127.0.0.73:2380/version": dial tcp 127.0.0.73:2380: connect: connection refused)',
        component: 'etcdserver',
        facts: {
          address: 'http://127.0.0.73:2380',
          'remote-member-id': 'd29cb07ef729e93',
          error: 'Get "http://127.0.0.73:2380/version": dial tcp 127.0.0.73:2380: connect: connection refused',
        },
      },
    ],
  },
  {
    id: 'cannot-get-version',
    first: ['cannot'],
    literal: 'cannot get the version of member ',
    pattern: new RegExp(`^cannot get the version of member (?<remote_member_id>${ID}) \\((?<error>.*)\\)$`),
    source: 'etcdserver/cluster_util.go getVersions: "cannot get the version of member %s (%v)"',
    examples: [
      {
        msg: 'cannot get the version of member d29cb07ef729e93 (Get "http://127.0.0.73:2380/version": dial tcp 127.0.0.73:2380: connect: connection refused)',
        component: 'etcdserver',
        facts: {
          'remote-member-id': 'd29cb07ef729e93',
          error: 'Get "http://127.0.0.73:2380/version": dial tcp 127.0.0.73:2380: connect: connection refused',
        },
      },
    ],
  },
  {
    id: 'could-not-get-cluster-response',
    first: ['could'],
    literal: 'could not get cluster response from ',
    pattern: /^could not get cluster response from (?<address>\S+): (?<error>.*)$/,
    source: 'etcdserver/cluster_util.go getClusterFromRemotePeers',
    examples: [
      {
        msg: 'could not get cluster response from http://127.0.0.71:2380: Get "http://127.0.0.71:2380/members": dial tcp 127.0.0.71:2380: connect: connection refused',
        component: 'etcdserver',
        facts: { address: 'http://127.0.0.71:2380', error: 'Get "http://127.0.0.71:2380/members": dial tcp 127.0.0.71:2380: connect: connection refused' },
      },
    ],
  },

  // ---- slow disk, overload, quota ----------------------------------------------------------
  {
    id: 'heartbeat-not-on-time',
    first: ['failed'],
    literal: 'failed to send out heartbeat on time',
    // The %v printed as "timeout" is r.heartbeat (zap's heartbeat-interval), not the 2x expected-duration.
    pattern: new RegExp(`^failed to send out heartbeat on time \\(exceeded the (?<heartbeat_interval>${DUR}) timeout for (?<exceeded_duration>${DUR}), to (?<to>${ID})\\)`),
    source: 'etcdserver/raft.go (*raftNode).processMessages',
    examples: [
      {
        msg: 'failed to send out heartbeat on time (exceeded the 2ms timeout for 4.637912ms, to 92cf7010a6eaac48)',
        component: 'etcdserver',
        facts: { 'heartbeat-interval': '2ms', 'exceeded-duration': '4.637912ms', to: '92cf7010a6eaac48' },
      },
      {
        // format from etcdserver/raft.go processMessages with the default heartbeat
        msg: 'failed to send out heartbeat on time (exceeded the 100ms timeout for 2.3s, to 7a9c1c5b9d1f4f0e)',
        component: 'etcdserver',
        facts: { 'heartbeat-interval': '100ms', 'exceeded-duration': '2.3s', to: '7a9c1c5b9d1f4f0e' },
      },
    ],
  },
  {
    id: 'wal-sync-duration',
    first: ['sync'],
    literal: 'sync duration of ',
    pattern: new RegExp(`^sync duration of (?<took>${DUR}), expected less than (?<expected_duration>${DUR})$`),
    source: 'wal/wal.go (*WAL).sync: "sync duration of %v, expected less than %v"',
    // format from wal/wal.go (*WAL).sync; warnSyncDuration is 1s
    examples: [{ msg: 'sync duration of 1.2s, expected less than 1s', component: 'wal', facts: { took: '1.2s', 'expected-duration': '1s' } }],
  },
  {
    id: 'request-took-too-long',
    first: ['request', 'read-only'],
    literal: ') to execute',
    pattern: new RegExp(`^(?<prefix>(?:read-only [a-z]+ )?)request (?<request>${QUOTED}) with result (?<result>${QUOTED}) took too long \\((?<took>${DUR})\\) to execute$`),
    convert: { request: unquoteGo },
    derive: (f) => {
      // capnslog folds zap's `response` and `error` into one %q "result".
      const result = unquoteGo(f.result ?? '""');
      delete f.result;
      if (result.startsWith('error:')) f.error = result.slice('error:'.length);
      else f.response = result;
    },
    source: 'etcdserver/util.go warnOfExpensiveGenericRequest',
    examples: [
      {
        msg: 'request "header:<ID:7587869002524418054 > put:<key:\\"slow1\\" value_size:1 >" with result "size:4" took too long (133.284µs) to execute',
        component: 'etcdserver',
        facts: { prefix: '', request: 'header:<ID:7587869002524418054 > put:<key:"slow1" value_size:1 >', response: 'size:4', took: '133.284µs' },
      },
      {
        msg: 'read-only range request "key:\\"slow1\\" " with result "range_response_count:1 size:24" took too long (1.2s) to execute',
        component: 'etcdserver',
        facts: { prefix: 'read-only range ', request: 'key:"slow1" ', response: 'range_response_count:1 size:24', took: '1.2s' },
      },
      {
        // a failed request: etcdserver/util.go prints result = fmt.Sprintf("error:%v", err)
        msg: 'read-only range request "key:\\"health\\" " with result "error:context canceled" took too long (2.999077496s) to execute',
        component: 'etcdserver',
        facts: { prefix: 'read-only range ', request: 'key:"health" ', error: 'context canceled', took: '2.999077496s' },
      },
    ],
  },
  {
    id: 'read-index-retry',
    first: ['waiting'],
    literal: 'waiting for ReadIndex response took too long',
    pattern: new RegExp(`^waiting for ReadIndex response took too long, retrying \\(sent-request-id: (?<sent_request_id>${N}), retry-timeout: (?<retry_timeout>${DUR})\\)`),
    source: 'etcdserver/v3_server.go requestCurrentIndex (3.4.20+)',
    examples: [
      {
        msg: 'waiting for ReadIndex response took too long, retrying (sent-request-id: 3010271527893009162, retry-timeout: 500ms)',
        component: 'etcdserver',
        facts: { 'sent-request-id': '3010271527893009162', 'retry-timeout': '500ms' },
      },
    ],
  },
  {
    id: 'alarm-raised',
    first: ['alarm'],
    literal: ' raised by peer ',
    pattern: new RegExp(`^alarm (?<alarm>[A-Z]+) raised by peer (?<from>${ID})$`),
    source: 'etcdserver/apply.go (*applierV3backend).Alarm',
    examples: [
      { msg: 'alarm NOSPACE raised by peer e2f9a48c0acfe76', component: 'etcdserver', facts: { alarm: 'NOSPACE', from: 'e2f9a48c0acfe76' } },
      { msg: 'alarm NOSPACE raised by peer a02f0f195b1e10e9', component: 'etcdserver', facts: { alarm: 'NOSPACE', from: 'a02f0f195b1e10e9' } },
    ],
  },
  {
    id: 'health-error-alarm',
    first: ['/health'],
    literal: 'memberID:',
    // 3.4: "/health error due to %s"; 3.3: "/health error due to an alarm %s"; %s is the AlarmMember proto text.
    pattern: /^\/health error due to (?:an alarm )?memberID:(?<member_id>\d+) alarm:(?<alarm>[A-Z]+)/,
    convert: { 'member-id': decimalIdToHex },
    source: 'etcdserver/api/etcdhttp/metrics.go checkHealth',
    examples: [
      {
        msg: '/health error due to memberID:1022205277697277558 alarm:NOSPACE ',
        component: 'etcdserver/api/etcdhttp',
        facts: { 'member-id': 'e2f9a48c0acfe76', alarm: 'NOSPACE' },
      },
      {
        // 3.3 format from v3.3.27 etcdserver/api/etcdhttp/metrics.go: "/health error due to an alarm %s"
        msg: '/health error due to an alarm memberID:16428293200477625300 alarm:NOSPACE ',
        component: 'etcdserver/api/etcdhttp',
        facts: { 'member-id': 'e3fd05a0006f1bd4', alarm: 'NOSPACE' },
      },
    ],
  },

  // ---- TLS and bootstrap errors ------------------------------------------------------------
  {
    id: 'tls-rejected-connection',
    first: ['rejected'],
    literal: 'rejected connection from "',
    pattern: new RegExp(`^rejected connection from (?<remote_addr>${QUOTED}) \\(error (?<error>${QUOTED}), ServerName (?<server_name>${QUOTED})(?:, IPAddresses \\[(?<ip_addresses>[^\\]]*)\\], DNSNames \\[(?<dns_names>[^\\]]*)\\])?\\)$`),
    convert: {
      'remote-addr': unquoteGo,
      error: unquoteGo,
      'server-name': unquoteGo,
      'ip-addresses': quotedListToCsv,
      'dns-names': quotedListToCsv,
    },
    source: 'embed/config.go logTLSHandshakeFailure',
    examples: [
      {
        msg: 'rejected connection from "127.0.0.1:41264" (error "remote error: tls: bad certificate", ServerName "")',
        component: 'embed',
        facts: { 'remote-addr': '127.0.0.1:41264', error: 'remote error: tls: bad certificate', 'server-name': '' },
      },
      {
        // certificate-parsed variant from embed/config.go: `... ServerName %q, IPAddresses %q, DNSNames %q)`
        msg: 'rejected connection from "10.0.0.2:52422" (error "tls: failed to verify client certificate: x509: certificate signed by unknown authority", ServerName "", IPAddresses ["10.0.0.2" "127.0.0.1"], DNSNames ["etcd2" "localhost"])',
        component: 'embed',
        facts: {
          'remote-addr': '10.0.0.2:52422',
          error: 'tls: failed to verify client certificate: x509: certificate signed by unknown authority',
          'server-name': '',
          'ip-addresses': '10.0.0.2,127.0.0.1',
          'dns-names': 'etcd2,localhost',
        },
      },
    ],
  },
  {
    id: 'local-name-not-in-initial-cluster',
    first: ["couldn't"],
    literal: "couldn't find local name ",
    pattern: new RegExp(`^couldn't find local name (?<name>${QUOTED}) in the initial cluster configuration$`),
    convert: { name: unquoteGo },
    messageAs: 'error',
    source: 'etcdserver/config.go hasLocalMember',
    examples: [
      {
        msg: 'couldn\'t find local name "m9" in the initial cluster configuration',
        component: 'etcdmain',
        facts: { name: 'm9', error: 'couldn\'t find local name "m9" in the initial cluster configuration' },
      },
    ],
  },
  {
    id: 'initial-cluster-missing-from-advertise',
    first: ['--initial-cluster'],
    literal: '--initial-cluster has ',
    // The entries are "name=url" of the local member; the name is the same in each.
    pattern: /^--initial-cluster has (?<name>[^=\s]+)=\S* but missing from --initial-advertise-peer-urls=(?<initial_advertise_peer_urls>\S*)/,
    messageAs: 'error',
    source: 'etcdserver/config.go advertiseMatchesCluster',
    examples: [
      {
        msg: '--initial-cluster has m9=http://127.0.0.78:2380 but missing from --initial-advertise-peer-urls=http://127.0.0.79:2380 (resolved urls: "http://127.0.0.79:2380" != "http://127.0.0.78:2380")',
        component: 'etcdmain',
        facts: {
          name: 'm9',
          'initial-advertise-peer-urls': 'http://127.0.0.79:2380',
          error: '--initial-cluster has m9=http://127.0.0.78:2380 but missing from --initial-advertise-peer-urls=http://127.0.0.79:2380 (resolved urls: "http://127.0.0.79:2380" != "http://127.0.0.78:2380")',
        },
      },
    ],
  },
  {
    id: 'advertise-missing-from-initial-cluster',
    first: ['--initial-advertise-peer-urls'],
    literal: '--initial-advertise-peer-urls has ',
    pattern: /^--initial-advertise-peer-urls has \S+ but missing from --initial-cluster=(?<initial_cluster>\S*)/,
    messageAs: 'error',
    source: 'etcdserver/config.go advertiseMatchesCluster: "--initial-advertise-peer-urls has %s but missing from --initial-cluster=%s"',
    examples: [
      {
        msg: '--initial-advertise-peer-urls has http://127.0.0.79:2380 but missing from --initial-cluster=m1=http://127.0.0.71:2380,m9=http://127.0.0.78:2380',
        component: 'etcdmain',
        facts: {
          'initial-cluster': 'm1=http://127.0.0.71:2380,m9=http://127.0.0.78:2380',
          error: '--initial-advertise-peer-urls has http://127.0.0.79:2380 but missing from --initial-cluster=m1=http://127.0.0.71:2380,m9=http://127.0.0.78:2380',
        },
      },
    ],
  },
  {
    id: 'address-in-use',
    first: ['listen'],
    literal: ': bind: address already in use',
    pattern: /^listen tcp (?<address>\S+): bind: address already in use$/,
    messageAs: 'error',
    source: 'embed listeners (Go net error)',
    examples: [
      {
        msg: 'listen tcp 127.0.0.1:51380: bind: address already in use',
        component: 'etcdmain',
        facts: { address: '127.0.0.1:51380', error: 'listen tcp 127.0.0.1:51380: bind: address already in use' },
      },
    ],
  },

  // ---- raft (plain text in every format) ---------------------------------------------------
  {
    id: 'raft-tocommit-out-of-range',
    first: ['tocommit'],
    literal: 'tocommit(',
    pattern: /^tocommit\((?<tocommit>\d+)\) is out of range \[lastIndex\((?<last_index>\d+)\)\]/,
    source: 'raft/log.go (*raftLog).commitTo',
    examples: [
      {
        msg: 'tocommit(313) is out of range [lastIndex(13)]. Was the raft log corrupted, truncated, or lost?',
        component: 'raft',
        facts: { tocommit: '313', 'last-index': '13' },
      },
    ],
  },
  {
    id: 'raft-starting-election',
    first: [MEMBER_ID],
    literal: ' is starting a new election at term ',
    pattern: new RegExp(`^(?<raft_local_id>${ID}) is starting a new election at term (?<term>${N})$`),
    source: 'raft/raft.go Step (MsgHup)',
    examples: [
      { msg: '52a1d530dc8029dd is starting a new election at term 1', component: 'raft', facts: { 'raft-local-id': '52a1d530dc8029dd', term: '1' } },
      { msg: 'e3b8ae94f08a5155 is starting a new election at term 2', component: 'raft', facts: { 'raft-local-id': 'e3b8ae94f08a5155', term: '2' } },
    ],
  },
  {
    id: 'raft-became',
    first: [MEMBER_ID],
    literal: ' became ',
    pattern: new RegExp(`^(?<raft_local_id>${ID}) became (?<raft_state>follower|candidate|pre-candidate|leader) at term (?<term>${N})$`),
    source: 'raft/raft.go become*',
    examples: [
      { msg: '1a6398006685d120 became follower at term 0', component: 'raft', facts: { 'raft-local-id': '1a6398006685d120', 'raft-state': 'follower', term: '0' } },
      { msg: '355da854f7714692 became candidate at term 3', component: 'raft', facts: { 'raft-local-id': '355da854f7714692', 'raft-state': 'candidate', term: '3' } },
      { msg: '355da854f7714692 became leader at term 3', component: 'raft', facts: { 'raft-local-id': '355da854f7714692', 'raft-state': 'leader', term: '3' } },
      // format from raft/raft.go becomePreCandidate (--pre-vote, default on in 3.5+)
      { msg: '52a1d530dc8029dd became pre-candidate at term 1', component: 'raft', facts: { 'raft-local-id': '52a1d530dc8029dd', 'raft-state': 'pre-candidate', term: '1' } },
    ],
  },
  {
    id: 'raft-elected-leader',
    first: ['raft.node'],
    literal: ' elected leader ',
    pattern: new RegExp(`^raft\\.node: (?<raft_local_id>${ID}) elected leader (?<leader_id>${ID}) at term (?<term>${N})$`),
    source: 'raft/node.go run',
    examples: [
      {
        msg: 'raft.node: 1afd70a8c0f9c371 elected leader 6a6e359dd1b9bc2a at term 2',
        component: 'raft',
        facts: { 'raft-local-id': '1afd70a8c0f9c371', 'leader-id': '6a6e359dd1b9bc2a', term: '2' },
      },
    ],
  },
  {
    id: 'raft-changed-leader',
    first: ['raft.node'],
    literal: ' changed leader from ',
    pattern: new RegExp(`^raft\\.node: (?<raft_local_id>${ID}) changed leader from (?<previous_leader_id>${ID}) to (?<leader_id>${ID}) at term (?<term>${N})$`),
    source: 'raft/node.go run: "raft.node: %x changed leader from %x to %x at term %d"',
    examples: [
      {
        // format from raft/node.go run
        msg: 'raft.node: 52a1d530dc8029dd changed leader from 7a9c1c5b9d1f4f0e to 52a1d530dc8029dd at term 5',
        component: 'raft',
        facts: { 'raft-local-id': '52a1d530dc8029dd', 'previous-leader-id': '7a9c1c5b9d1f4f0e', 'leader-id': '52a1d530dc8029dd', term: '5' },
      },
    ],
  },
  {
    id: 'raft-lost-leader',
    first: ['raft.node'],
    literal: ' lost leader ',
    pattern: new RegExp(`^raft\\.node: (?<raft_local_id>${ID}) lost leader (?<lost_leader_id>${ID}) at term (?<term>${N})$`),
    source: 'raft/node.go run',
    examples: [
      {
        msg: 'raft.node: 1afd70a8c0f9c371 lost leader 6a6e359dd1b9bc2a at term 3',
        component: 'raft',
        facts: { 'raft-local-id': '1afd70a8c0f9c371', 'lost-leader-id': '6a6e359dd1b9bc2a', term: '3' },
      },
    ],
  },
  {
    id: 'raft-stepped-down',
    first: [MEMBER_ID],
    literal: ' stepped down to follower since quorum is not active',
    pattern: new RegExp(`^(?<raft_local_id>${ID}) stepped down to follower since quorum is not active$`),
    source: 'raft/raft.go stepLeader (CheckQuorum)',
    examples: [
      { msg: '6b92d1fd7dad29c6 stepped down to follower since quorum is not active', component: 'raft', facts: { 'raft-local-id': '6b92d1fd7dad29c6' } },
    ],
  },
  {
    id: 'raft-higher-term',
    first: [MEMBER_ID],
    literal: ' message with higher term from ',
    // The sender is any message's From (MsgVote, MsgApp, MsgHeartbeat ...), so it is `from`, not a vote.
    pattern: new RegExp(`^(?<raft_local_id>${ID}) \\[term: (?<term>${N})\\] received a (?<message_type>Msg[A-Za-z]+) message with higher term from (?<from>${ID}) \\[term: (?<remote_term>${N})\\]$`),
    source: 'raft/raft.go Step',
    examples: [
      {
        msg: '1afd70a8c0f9c371 [term: 1] received a MsgVote message with higher term from 6a6e359dd1b9bc2a [term: 2]',
        component: 'raft',
        facts: { 'raft-local-id': '1afd70a8c0f9c371', term: '1', 'message-type': 'MsgVote', from: '6a6e359dd1b9bc2a', 'remote-term': '2' },
      },
      {
        msg: '9f6a883067d37cf3 [term: 1] received a MsgApp message with higher term from 7c11174e88d98042 [term: 2]',
        component: 'raft',
        facts: { 'raft-local-id': '9f6a883067d37cf3', term: '1', 'message-type': 'MsgApp', from: '7c11174e88d98042', 'remote-term': '2' },
      },
    ],
  },
  {
    id: 'raft-vote-response',
    first: [MEMBER_ID],
    literal: 'VoteResp from ',
    pattern: new RegExp(`^(?<raft_local_id>${ID}) received (?<message_type>MsgVoteResp|MsgPreVoteResp) from (?<vote_from>${ID}) at term (?<term>${N})$`),
    constant: { 'vote-granted': 'true' },
    source: 'raft/raft.go poll',
    examples: [
      {
        msg: 'ab017c3f575883d1 received MsgVoteResp from 690fbc8137b5f56d at term 2',
        component: 'raft',
        facts: { 'raft-local-id': 'ab017c3f575883d1', 'message-type': 'MsgVoteResp', 'vote-from': '690fbc8137b5f56d', term: '2', 'vote-granted': 'true' },
      },
    ],
  },
  {
    id: 'raft-vote-rejection',
    first: [MEMBER_ID],
    literal: 'VoteResp rejection from ',
    pattern: new RegExp(`^(?<raft_local_id>${ID}) received (?<message_type>MsgVoteResp|MsgPreVoteResp) rejection from (?<vote_from>${ID}) at term (?<term>${N})$`),
    constant: { 'vote-granted': 'false' },
    source: 'raft/raft.go poll: "%x received %s rejection from %x at term %d"',
    examples: [
      {
        // format from raft/raft.go poll
        msg: '52a1d530dc8029dd received MsgPreVoteResp rejection from 7a9c1c5b9d1f4f0e at term 4',
        component: 'raft',
        facts: { 'raft-local-id': '52a1d530dc8029dd', 'message-type': 'MsgPreVoteResp', 'vote-from': '7a9c1c5b9d1f4f0e', term: '4', 'vote-granted': 'false' },
      },
    ],
  },
  {
    id: 'raft-vote-request',
    first: [MEMBER_ID],
    literal: ' request to ',
    pattern: new RegExp(`^(?<raft_local_id>${ID}) \\[logterm: (?<log_term>${N}), index: (?<log_index>${N})\\] sent (?<message_type>MsgVote|MsgPreVote) request to (?<vote_to>${ID}) at term (?<term>${N})$`),
    source: 'raft/raft.go campaign',
    examples: [
      {
        msg: '355da854f7714692 [logterm: 2, index: 11] sent MsgVote request to 1afd70a8c0f9c371 at term 3',
        component: 'raft',
        facts: { 'raft-local-id': '355da854f7714692', 'log-term': '2', 'log-index': '11', 'message-type': 'MsgVote', 'vote-to': '1afd70a8c0f9c371', term: '3' },
      },
    ],
  },
  {
    id: 'raft-cast-vote',
    first: [MEMBER_ID],
    literal: '] cast Msg',
    pattern: new RegExp(`^(?<raft_local_id>${ID}) \\[logterm: ${N}, index: ${N}, vote: ${ID}\\] cast (?<message_type>MsgVote|MsgPreVote) for (?<vote_to>${ID}) \\[logterm: ${N}, index: ${N}\\] at term (?<term>${N})$`),
    source: 'raft/raft.go Step: "%x [logterm: %d, index: %d, vote: %x] cast %s for %x [logterm: %d, index: %d] at term %d"',
    examples: [
      {
        msg: '1afd70a8c0f9c371 [logterm: 1, index: 3, vote: 0] cast MsgVote for 6a6e359dd1b9bc2a [logterm: 1, index: 3] at term 2',
        component: 'raft',
        facts: { 'raft-local-id': '1afd70a8c0f9c371', 'message-type': 'MsgVote', 'vote-to': '6a6e359dd1b9bc2a', term: '2' },
      },
    ],
  },
  {
    id: 'raft-switched-configuration',
    first: [MEMBER_ID],
    literal: ' switched to configuration voters=(',
    // tracker.Config String: voters=(in)&&(out) learners=(...) learners_next=(...) autoleave, decimal IDs.
    pattern: new RegExp(`^(?<raft_local_id>${ID}) switched to configuration voters=\\((?<voters>[\\d ]*)\\)(?:&&\\((?<voters_outgoing>[\\d ]*)\\))?(?: learners=\\((?<learners>[\\d ]*)\\))?`),
    convert: { voters: decimalListToHex, 'voters-outgoing': decimalListToHex, learners: decimalListToHex },
    source: 'raft/raft.go switchToConfig',
    examples: [
      {
        msg: '52a1d530dc8029dd switched to configuration voters=(16428293200477625300)',
        component: 'raft',
        facts: { 'raft-local-id': '52a1d530dc8029dd', voters: 'e3fd05a0006f1bd4' },
      },
      { msg: '690fbc8137b5f56d switched to configuration voters=()', component: 'raft', facts: { 'raft-local-id': '690fbc8137b5f56d', voters: '' } },
      {
        msg: '690fbc8137b5f56d switched to configuration voters=(3013853076180476909 7570476761804567917 12322266666952590289)',
        component: 'raft',
        facts: { 'raft-local-id': '690fbc8137b5f56d', voters: '29d35b679af4a3ed,690fbc8137b5f56d,ab017c3f575883d1' },
      },
      {
        // tracker.Config String with a joint config and a learner (raft/tracker/tracker.go)
        msg: '52a1d530dc8029dd switched to configuration voters=(1 5954274588195039709)&&(1) learners=(1022205277697277558)',
        component: 'raft',
        facts: { 'raft-local-id': '52a1d530dc8029dd', voters: '1,52a1d530dc8029dd', 'voters-outgoing': '1', learners: 'e2f9a48c0acfe76' },
      },
    ],
  },
  {
    id: 'raft-no-leader-dropping',
    first: [MEMBER_ID],
    literal: ' no leader at term ',
    pattern: new RegExp(`^(?<raft_local_id>${ID}) no leader at term (?<term>${N}); dropping `),
    source: 'raft/raft.go stepFollower, stepCandidate',
    examples: [
      // format from raft/raft.go stepFollower
      { msg: 'e3b8ae94f08a5155 no leader at term 3; dropping proposal', component: 'raft', facts: { 'raft-local-id': 'e3b8ae94f08a5155', term: '3' } },
    ],
  },
  {
    id: 'raft-tick-missed',
    first: [MEMBER_ID, 'A'],
    literal: 'A tick missed to fire',
    // 3.4: "%x (leader %v) A tick ..."; 3.5+: "%x A tick ..."; 3.3: no ID at all.
    pattern: new RegExp(`^(?:(?<raft_local_id>${ID}) (?:\\(leader (?<is_leader>true|false)\\) )?)?A tick missed to fire`),
    source: 'raft/node.go Tick',
    examples: [
      // formats from raft/node.go Tick: 3.4, 3.5+, 3.3
      {
        msg: '52a1d530dc8029dd (leader true) A tick missed to fire. Node blocks too long!',
        component: 'raft',
        facts: { 'raft-local-id': '52a1d530dc8029dd', 'is-leader': 'true' },
      },
      { msg: '52a1d530dc8029dd A tick missed to fire. Node blocks too long!', component: 'raft', facts: { 'raft-local-id': '52a1d530dc8029dd' } },
      { msg: 'A tick missed to fire. Node blocks too long!', component: 'raft', facts: {} },
    ],
  },
];

const groupToField = (group: string): string => group.replaceAll('_', '-');

const MAX_FIRST_WORD = 32;
const SPACE = 0x20;
const LPAREN = 0x28;
const COLON = 0x3a;
const LBRACKET = 0x5b;

/** The first word of a message as `first` names it; '' when there is none within MAX_FIRST_WORD. */
export function firstWord(msg: string): string {
  const end = Math.min(msg.length, MAX_FIRST_WORD + 1);
  for (let i = 0; i < end; i++) {
    const c = msg.charCodeAt(i);
    if (c === SPACE || c === LPAREN || c === COLON || c === LBRACKET) return msg.slice(0, i);
  }
  return msg.length <= MAX_FIRST_WORD ? msg : '';
}

const HEX_ID = /^[0-9a-f]{1,16}$/;

/** Templates by first word, each list in table order; hex words ("added" is one) also get MEMBER_ID's. */
const BY_FIRST_WORD: ReadonlyMap<string, readonly MessageTemplate[]> = (() => {
  const map = new Map<string, MessageTemplate[]>();
  for (const t of MESSAGE_TEMPLATES) {
    for (const w of t.first) {
      let list = map.get(w);
      if (list === undefined) map.set(w, (list = []));
      list.push(t);
    }
  }
  const byId = map.get(MEMBER_ID) ?? [];
  for (const [w, list] of map) {
    if (w !== MEMBER_ID && HEX_ID.test(w)) {
      for (const t of byId) if (!list.includes(t)) list.push(t);
      list.sort((a, b) => MESSAGE_TEMPLATES.indexOf(a) - MESSAGE_TEMPLATES.indexOf(b));
    }
  }
  return map;
})();
const ID_TEMPLATES: readonly MessageTemplate[] = BY_FIRST_WORD.get(MEMBER_ID) ?? [];
const NO_TEMPLATES: readonly MessageTemplate[] = [];

function candidates(msg: string): readonly MessageTemplate[] {
  const word = firstWord(msg);
  return BY_FIRST_WORD.get(word) ?? (isHexId(word) ? ID_TEMPLATES : NO_TEMPLATES);
}

/** HEX_ID.test without a regex call: 1-16 of 0-9a-f. */
function isHexId(word: string): boolean {
  const n = word.length;
  if (n === 0 || n > 16) return false;
  for (let i = 0; i < n; i++) {
    const c = word.charCodeAt(i);
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66))) return false;
  }
  return true;
}

/** The template a message is an instance of, and its match; undefined when none is. */
export function matchMessageTemplate(msg: string, component: string): { template: MessageTemplate; match: RegExpExecArray } | undefined {
  for (const template of candidates(msg)) {
    if (!msg.includes(template.literal)) continue;
    if (template.components !== undefined && component !== '' && !template.components.includes(component)) continue;
    const match = template.pattern.exec(msg);
    // One log call prints one message: the first template that matches is the one.
    if (match !== null) return { template, match };
  }
  return undefined;
}

/** Facts found in a message's text, under zap's field names where zap has a field for the fact. */
export function extractMessageFacts(msg: string, component: string): Record<string, string> {
  return { ...messageFacts(msg, component) };
}

export const NO_FACTS: Readonly<Record<string, string>> = Object.freeze({});
/** Facts by message: etcd repeats its messages, so most lines find theirs here. */
const memo = new TextMemo<{ component: string; facts: Readonly<Record<string, string>> }>(13, 1024);

/** Memo entries none of whose names every object has (`constructor`, `__proto__`): see isPlainFacts. */
const PLAIN_FACTS = new WeakSet<object>();

/**
 * Whether `facts` (from messageFacts) is known to hold no name every object has, so that `{}[name]`
 * is undefined for each of its names and copying it whole equals copying it name by name.
 */
export function isPlainFacts(facts: Readonly<Record<string, string>>): boolean {
  return PLAIN_FACTS.has(facts);
}

/**
 * extractMessageFacts, shared: the same object for a message seen before (with the same
 * component). For the line parser, which only reads and copies it: never change it.
 */
export function messageFacts(msg: string, component: string): Readonly<Record<string, string>> {
  // most messages start with a word no template starts with: that costs less than the memo
  if (candidates(msg).length === 0) return NO_FACTS;
  const known = memo.get(msg);
  if (known !== undefined && known.component === component) return known.facts;
  if (known === undefined && !memo.admits()) return computeFacts(msg, component);
  const facts = computeFacts(msg, component);
  // not frozen (a copy of a frozen object is slower to make); the line parser only reads and copies it
  if (facts !== NO_FACTS) {
    let plain = true;
    for (const k in facts) {
      facts[k] = flatCopy(facts[k]!);
      if (k in Object.prototype) plain = false;
    }
    if (plain) PLAIN_FACTS.add(facts);
  }
  memo.set(msg, { component, facts });
  return facts;
}

/** Group names as field names, per template (a group becomes `-` for `_` once, not per line). */
const fieldOfGroup = new Map<string, string>();

function computeFacts(msg: string, component: string): Record<string, string> {
  const found = matchMessageTemplate(msg, component);
  if (found === undefined) return NO_FACTS as Record<string, string>;
  const facts: Record<string, string> = {};
  const { template: t, match } = found;
  if (t.constant !== undefined) Object.assign(facts, t.constant);
  const groups = match.groups;
  if (groups !== undefined) {
    for (const g in groups) {
      const v = groups[g];
      if (v === undefined) continue;
      let field = fieldOfGroup.get(g);
      if (field === undefined) fieldOfGroup.set(g, (field = groupToField(g)));
      const conv = t.convert?.[field];
      facts[field] = conv === undefined ? v : conv(v);
    }
  }
  if (t.messageAs !== undefined) facts[t.messageAs] = msg;
  t.derive?.(facts);
  return facts;
}
