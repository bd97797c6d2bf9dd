import { describe, expect, it } from 'vitest';
import { unwrapLine } from '../../src/parsers/prefixes.js';

const CAPNS = '2026-11-22 02:41:22.692137 I | etcdserver: starting member 52a1d530dc8029dd in cluster c6dd3be22ab34025';

describe('transport prefixes', () => {
  it('takes the docker --timestamps stamp', () => {
    const u = unwrapLine(`2026-11-22T02:41:22.692137123Z ${CAPNS}`);
    expect(u.text).toBe(CAPNS);
    expect(u.transportTs).toBe('2026-11-22T02:41:22.692137Z');
    expect(u.node).toBeUndefined();
  });
  it('takes the CRI pod-log prefix', () => {
    const u = unwrapLine(`2026-11-22T02:41:22.692137123Z stderr F ${CAPNS}`);
    expect(u.text).toBe(CAPNS);
    expect(u.prefixes).toEqual(['cri']);
  });
  it('takes compose v1 and v2 prefixes, with and without -t, and colour', () => {
    expect(unwrapLine(`etcd1  | ${CAPNS}`)).toMatchObject({ node: 'etcd1', nodeOrigin: 'compose', text: CAPNS });
    expect(unwrapLine(`etcd3-1  | ${CAPNS}`)).toMatchObject({ node: 'etcd3-1', text: CAPNS });
    const t = unwrapLine(`etcd2  | 2026-11-22T02:41:22.692137123Z ${CAPNS}`);
    expect(t).toMatchObject({ node: 'etcd2', text: CAPNS, transportTs: '2026-11-22T02:41:22.692137Z' });
    expect(unwrapLine(`\x1b[36metcd1  |\x1b[0m ${CAPNS}`)).toMatchObject({ node: 'etcd1', text: CAPNS });
  });
  it('takes the kubectl --prefix form', () => {
    expect(unwrapLine(`[pod/etcd-0/etcd] ${CAPNS}`)).toMatchObject({ node: 'etcd-0', nodeOrigin: 'kubectl', text: CAPNS });
  });
  it('takes journald short and short-iso prefixes', () => {
    const u = unwrapLine('Nov  8 17:16:44 moss etcd[812]: health check for peer 76a752ea9233d534 could not connect: dial tcp 172.6.0.51:2380: i/o timeout', { yearHint: 2020 });
    expect(u).toMatchObject({ node: 'moss', nodeOrigin: 'journald', transportTs: '2020-11-08T17:16:44.000000Z' });
    expect(u.text.startsWith('health check for peer')).toBe(true);
    const i = unwrapLine(`2026-11-22T02:41:22+0000 node2 etcd[99]: ${CAPNS}`);
    expect(i).toMatchObject({ node: 'node2', text: CAPNS });
  });
  it('leaves etcd lines alone', () => {
    for (const line of [
      CAPNS,
      'raft2026/11/22 02:41:24 INFO: 52a1d530dc8029dd is starting a new election at term 1',
      '{"level":"info","ts":"2026-11-22T02:41:05.902Z","msg":"x | y"}',
      'panic: tocommit(313) is out of range [lastIndex(13)]. Was the raft log corrupted, truncated, or lost?',
      'goroutine 1 [running]:',
    ]) {
      const u = unwrapLine(line);
      expect(u.text).toBe(line);
      expect(u.node).toBeUndefined();
    }
  });
});
