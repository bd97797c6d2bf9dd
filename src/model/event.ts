// The line and event types that flow from sources through the parsers to the rule engine.
import { z } from 'zod';

/** Where a line came from: the input's display name and the 1-based line number in it. */
export const EventRefSchema = z.object({
  source: z.string(),
  line: z.number().int().nonnegative(),
});
export type EventRef = z.infer<typeof EventRefSchema>;

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
export const LogFormatSchema = z.enum(LOG_FORMATS);
export type LogFormat = z.infer<typeof LogFormatSchema>;

/** Levels normalised across capnslog letters, zap names and Go log words. */
export const LEVELS = ['debug', 'info', 'notice', 'warn', 'error', 'critical', 'panic', 'fatal'] as const;
export const LevelSchema = z.enum(LEVELS);
export type Level = z.infer<typeof LevelSchema>;

/** How the node of a line was decided, strongest first. */
export const NODE_ORIGINS = ['flag', 'compose', 'kubectl', 'journald', 'docker', 'filename', 'startup', 'unknown'] as const;
export type NodeOrigin = (typeof NODE_ORIGINS)[number];

/**
 * One physical line from a source, before parsing. `node` is set by the source when it knows
 * (a --node flag, a container, a file name); prefixes found on the line itself override it.
 */
export interface RawLine {
  /** Source-level node name, or undefined when the source does not know it. */
  node?: string;
  nodeOrigin?: NodeOrigin;
  source: string;
  lineNo: number;
  text: string;
  /** A timestamp the transport gave the line (the Docker API), used when the line has none. */
  transportTs?: string;
}

/** Structured fields of an event. zap fields as they are; capnslog facts under zap's field names. */
export type EventFields = Record<string, unknown>;

/** A parsed log event. `ts` is an ISO-8601 UTC instant or null when the line carries no time. */
export interface LogEvent {
  kind: 'event';
  node: string;
  nodeOrigin: NodeOrigin;
  ts: string | null;
  level: Level;
  /** capnslog package, zap caller's directory or logger, 'raft', 'grpc', 'bitnami'. */
  component: string;
  msg: string;
  fields: EventFields;
  format: LogFormat;
  ref: EventRef;
  /** The line as read, after the transport prefixes were removed. */
  text: string;
  /** Continuation lines that belong to this event (a panic's goroutine dump), kept bounded. */
  continuation?: string[];
}

/** A line no parser recognised; counted, never fatal. */
export interface UnparsedLine {
  kind: 'unparsed';
  node: string;
  ref: EventRef;
  reason: string;
  text: string;
}

export type ParsedLine = LogEvent | UnparsedLine;
