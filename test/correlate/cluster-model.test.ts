// The cluster model on real line sequences: a peer whose streams came back counts as
// recovered even when the prober reports, seconds later, the probes that failed while it was down.
import { describe, expect, it } from 'vitest';
import { ClusterModelBuilder } from '../../src/correlate/cluster-model.js';
import { parseLogLine } from '../../src/parsers/line-parser.js';

function model(lines: string[]) {
  const b = new ClusterModelBuilder();
  for (const l of lines) {
    const e = parseLogLine(l, { node: 'dbg1' });
    if (e.kind === 'event') b.observe(e);
  }
  return b.build(new Map()).nodes[0]!;
}

// Real etcd 3.4.23 lines of dbg1 while its peer 26fea2815147d6d0 was stopped and started again.
const DOWN = [
  '2026-11-22 05:48:16.359641 W | rafthttp: lost the TCP streaming connection with peer 26fea2815147d6d0 (stream MsgApp v2 reader)',
  '2026-11-22 05:48:16.371448 E | rafthttp: failed to dial 26fea2815147d6d0 on stream MsgApp v2 (peer 26fea2815147d6d0 failed to find local node 990e398c5ead51fd)',
  '2026-11-22 05:48:16.371461 I | rafthttp: peer 26fea2815147d6d0 became inactive (message send to peer failed)',
];
const BACK = [
  '2026-11-22 05:48:18.551388 I | rafthttp: peer 26fea2815147d6d0 became active',
  '2026-11-22 05:48:18.552350 I | rafthttp: established a TCP streaming connection with peer 26fea2815147d6d0 (stream Message writer)',
];
const LATE_PROBE = '2026-11-22 05:48:19.251656 W | rafthttp: health check for peer 26fea2815147d6d0 could not connect: dial tcp 127.0.0.1:22821: connect: connection refused';

describe('reachability in the cluster model', () => {
  it('a stopped peer is unreachable', () => {
    expect(model(DOWN).unreachable).toMatchObject([{ peer: '26fea2815147d6d0', recovered: false, streamUp: false }]);
  });
  it('a peer whose streams came back is recovered, even after a late probe failure', () => {
    expect(model([...DOWN, ...BACK, LATE_PROBE]).unreachable).toMatchObject([{ peer: '26fea2815147d6d0', recovered: true, streamUp: true }]);
  });
  it('a peer that never connected stays unreachable on probe failures alone', () => {
    expect(model([LATE_PROBE, LATE_PROBE]).unreachable).toMatchObject([{ recovered: false, streamUp: false, count: 2 }]);
  });
  it('a stream lost again after coming back is unreachable again', () => {
    expect(model([...DOWN, ...BACK, DOWN[0]!]).unreachable).toMatchObject([{ recovered: false, streamUp: false }]);
  });
});
