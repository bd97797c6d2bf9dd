// The runtime values of src/model/event.ts (its vocabularies), without zod: code that is no
// schema imports them from here, so that a plain run never loads zod (test/cli/startup.test.ts).

/** The log formats a line can be recognised as. One input can mix several. */
export const LOG_FORMATS = [
  'capnslog', // 2026-11-22 02:33:25.764708 W | rafthttp: ...   (etcd 3.3/3.4)
  'capnslog-journald', // the bare message capnslog writes to the journal under systemd
  'golog', // 2016/01/02 15:04:05 etcdserver: ...   (etcd 2.x, Go's log package)
  'raft-stdlib', // raft2026/11/22 02:41:24 INFO: ...   (etcd 3.4 raft with capnslog)
  'grpc', // WARNING: 2021/01/01 00:00:00 [core] grpc: ...
  'zap-json', // {"level":"warn","ts":...,"msg":...}   (3.4 --logger=zap, 3.5, 3.6)
  'zap-console', // 2026-11-22T02:33:25.764Z\tWARN\tcaller\tmsg\t{fields}
  'bitnami', // etcd 02:33:25.12 INFO  ==> ...   (the bitnami/etcd image's scripts)
  'fmt', // [WARNING] Deprecated ... and other lines etcd prints with fmt
  'panic', // a Go panic and its goroutine dump
] as const;

/** Levels normalised across capnslog letters, zap names and Go log words. */
export const LEVELS = ['debug', 'info', 'notice', 'warn', 'error', 'critical', 'panic', 'fatal'] as const;

/** How the node of a line was decided, strongest first. */
export const NODE_ORIGINS = ['flag', 'compose', 'kubectl', 'journald', 'docker', 'filename', 'startup', 'unknown'] as const;
