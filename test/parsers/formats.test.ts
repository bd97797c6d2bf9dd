// Each format on real lines (etcd 3.4.23 output quoted in shared/etcd-messages.md, marked LIVE
// there; 3.5/3.6 shapes as etcd's source writes them).
import { describe, expect, it } from 'vitest';
import { parseFormats, isContinuationLine } from '../../src/parsers/formats.js';

describe('capnslog', () => {
  it('splits stamp, level, package and message', () => {
    const p = parseFormats('2026-11-22 02:46:08.533671 E | rafthttp: request sent was ignored (cluster ID mismatch: remote[bc8eabb214a34048]=6946a89cb21e8bbb, local=18938993732f65e)');
    expect(p).toMatchObject({
      format: 'capnslog',
      ts: '2026-11-22T02:46:08.533671Z',
      level: 'error',
      component: 'rafthttp',
      msg: 'request sent was ignored (cluster ID mismatch: remote[bc8eabb214a34048]=6946a89cb21e8bbb, local=18938993732f65e)',
    });
  });
  it('knows every level letter and nested packages', () => {
    expect(parseFormats('2026-11-22 02:45:15.000001 C | etcdmain: member 6503282357c5fd4a has already been bootstrapped')?.level).toBe('critical');
    expect(parseFormats('2026-11-22 02:45:15.000001 N | etcdserver/membership: promote member e6b21f0010e2df75 in cluster 6946a89cb21e8bbb')).toMatchObject({ level: 'notice', component: 'etcdserver/membership' });
    expect(parseFormats('2026-11-22 02:45:15.000001 W | etcdserver/api/etcdhttp: /health error due to memberID:1022205277697277558 alarm:NOSPACE ')?.component).toBe('etcdserver/api/etcdhttp');
  });
  it('accepts the --debug [file.go:NN] form', () => {
    expect(parseFormats('2026-11-22 02:45:15.000001 [server.go:123] I | etcdserver: x')).toMatchObject({ level: 'info', msg: 'x', fields: { caller: 'server.go:123' } });
  });
});

describe('raft lines of etcd 3.4 (Go log package)', () => {
  it('reads the level word and one-second stamp', () => {
    expect(parseFormats('raft2026/11/22 02:41:24 INFO: 52a1d530dc8029dd is starting a new election at term 1')).toMatchObject({
      format: 'raft-stdlib',
      ts: '2026-11-22T02:41:24.000000Z',
      level: 'info',
      component: 'raft',
      msg: '52a1d530dc8029dd is starting a new election at term 1',
    });
  });
  it('takes a line with no level word for the raft panic', () => {
    expect(parseFormats('raft2026/11/22 02:45:15 tocommit(313) is out of range [lastIndex(13)]. Was the raft log corrupted, truncated, or lost?')).toMatchObject({ level: 'panic', msg: expect.stringMatching(/^tocommit\(313\)/) });
  });
});

describe('gRPC and Go log lines', () => {
  it('reads grpc-go lines with and without the [core] tag', () => {
    expect(parseFormats('WARNING: 2021/01/01 00:00:00 [core] grpc: addrConn.createTransport failed to connect to {0.0.0.0:2379 0 <nil>}')).toMatchObject({ format: 'grpc', level: 'warn', component: 'grpc/core' });
    expect(parseFormats('WARNING: 2021/01/01 00:00:00 grpc: addrConn.createTransport failed')).toMatchObject({ format: 'grpc', component: 'grpc' });
  });
  it('reads etcd 2.x Go log lines', () => {
    expect(parseFormats('2016/01/02 15:04:05 etcdserver: published {Name:infra0 ClientURLs:[http://10.0.1.10:2379]} to cluster 6b0b5f1c3a4d4b1f')).toMatchObject({
      format: 'golog',
      component: 'etcdserver',
      ts: '2016-01-02T15:04:05.000000Z',
    });
  });
});

describe('zap', () => {
  it('reads 3.4 JSON with ISO stamps and keeps the fields', () => {
    const p = parseFormats('{"level":"warn","ts":"2026-11-22T02:41:05.902Z","caller":"rafthttp/http.go:500","msg":"request cluster ID mismatch","local-member-id":"6503282357c5fd4a","local-member-cluster-id":"6946a89cb21e8bbb","remote-peer-cluster-id":"18938993732f65e"}');
    expect(p).toMatchObject({
      format: 'zap-json',
      ts: '2026-11-22T02:41:05.902000Z',
      level: 'warn',
      component: 'rafthttp',
      msg: 'request cluster ID mismatch',
      fields: { 'local-member-id': '6503282357c5fd4a', 'remote-peer-cluster-id': '18938993732f65e', caller: 'rafthttp/http.go:500' },
    });
  });
  it('reads 3.5 raft lines with the raft logger and 3.6 module callers', () => {
    expect(parseFormats('{"level":"info","ts":"2023-11-30T20:55:23.457083Z","logger":"raft","caller":"etcdserver/zap_raft.go:77","msg":"8e9e05c52164694d became leader at term 2"}')?.component).toBe('raft');
    expect(parseFormats('{"level":"info","ts":"2025-03-01T04:35:01.443441+0530","logger":"raft","caller":"v3@v3.6.0/raft.go:970","msg":"x"}')).toMatchObject({ component: 'raft', ts: '2025-02-28T23:05:01.443441Z' });
  });
  it('reads epoch-float stamps and a missing stamp', () => {
    expect(parseFormats('{"level":"info","ts":1795314805.5,"msg":"x"}')?.ts).toBe('2026-11-22T02:33:25.500000Z');
    expect(parseFormats('{"level":"info","msg":"x"}')?.ts).toBeNull();
  });
  it('leaves JSON that is not a zap entry for etcdctl', () => {
    expect(parseFormats('{"header":{"cluster_id":14841639068965178418},"members":[]}')).toBeNull();
    expect(parseFormats('{"level":"info","ts":"2026-1')).toBeNull();
  });
  it('reads the console encoder', () => {
    expect(parseFormats('2026-11-22T02:33:25.764Z\tWARN\trafthttp/http.go:500\trequest cluster ID mismatch\t{"local-member-id":"6503282357c5fd4a"}')).toMatchObject({
      format: 'zap-console',
      level: 'warn',
      component: 'rafthttp',
      msg: 'request cluster ID mismatch',
      fields: { 'local-member-id': '6503282357c5fd4a' },
    });
    expect(parseFormats('2026-11-22T02:33:25.764Z\tinfo\traft\tetcdserver/zap_raft.go:77\t8e9e05c52164694d became leader at term 2')).toMatchObject({ component: 'raft', msg: '8e9e05c52164694d became leader at term 2' });
  });
});

describe('other etcd output', () => {
  it('reads the bitnami banner', () => {
    expect(parseFormats('etcd 02:33:25.12 INFO  ==> ** Starting etcd setup **')).toMatchObject({ format: 'bitnami', level: 'info', msg: '** Starting etcd setup **' });
  });
  it('reads fmt warnings', () => {
    expect(parseFormats("[WARNING] Deprecated '--logger=capnslog' flag is set; use '--logger=zap' flag instead")).toMatchObject({ format: 'fmt', level: 'warn' });
  });
  it('reads panics and knows their dump', () => {
    expect(parseFormats('panic: tocommit(313) is out of range [lastIndex(13)]. Was the raft log corrupted, truncated, or lost?')).toMatchObject({ format: 'panic', level: 'panic' });
    expect(isContinuationLine('goroutine 1 [running]:')).toBe(true);
    expect(isContinuationLine('\t/build/etcd/raft/log.go:203 +0x131')).toBe(true);
    expect(isContinuationLine('go.etcd.io/etcd/raft.(*raftLog).commitTo(0xc0001a2000, 0x139)')).toBe(true);
    expect(isContinuationLine('2026-11-22 02:45:15.000001 I | etcdserver: x')).toBe(false);
  });
  it('returns null for other programs', () => {
    expect(parseFormats('127.0.0.1 - - [22/Nov/2026:02:33:25 +0000] "GET / HTTP/1.1" 200 612')).toBeNull();
    expect(parseFormats('I1122 02:33:25.764708       1 server.go:123] kube-apiserver says hi')).toBeNull();
  });
});

describe('pasted lines', () => {
  it('reads lines indented or quoted in an issue or a mail, and still folds a panic dump', async () => {
    const { LineParser } = await import('../../src/parsers/line-parser.js');
    const p = new LineParser();
    const raw = (text: string, lineNo: number) => ({ source: 'issue.md', lineNo, text, node: 'etcd3', nodeOrigin: 'flag' as const });
    const a = p.parse(raw('    2026-11-22 04:01:07.715300 E | rafthttp: request cluster ID mismatch (got a7123901d2400d2e want 7674ac02e2676451)', 1));
    expect(a).toMatchObject({ kind: 'event', format: 'capnslog', level: 'error', component: 'rafthttp' });
    const b = p.parse(raw('> {"level":"warn","ts":"2026-11-22T02:41:05.902Z","caller":"rafthttp/http.go:500","msg":"request cluster ID mismatch"}', 2));
    expect(b).toMatchObject({ kind: 'event', format: 'zap-json', msg: 'request cluster ID mismatch' });
    p.parse(raw('panic: tocommit(313) is out of range [lastIndex(13)]. Was the raft log corrupted, truncated, or lost?', 3));
    expect(p.parse(raw('\t/build/etcd/raft/log.go:203 +0x131', 4))).toMatchObject({ kind: 'continuation' });
  });
});
