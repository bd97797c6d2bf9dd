// The line and event types that flow from sources through the parsers to the rule engine.
import { z } from 'zod';
import { LEVELS, LOG_FORMATS, type NODE_ORIGINS } from './event-values.js';

// The vocabularies live in a zod-free module; they stay part of this module's surface.
export { LEVELS, LOG_FORMATS, NODE_ORIGINS } from './event-values.js';

/** Where a line came from: the input's display name and the 1-based line number in it. */
export const EventRefSchema = z.object({
  source: z.string(),
  line: z.number().int().nonnegative(),
});
export type EventRef = z.infer<typeof EventRefSchema>;

/** The log formats a line can be recognised as (LOG_FORMATS). One input can mix several. */
export const LogFormatSchema = z.enum(LOG_FORMATS);
export type LogFormat = z.infer<typeof LogFormatSchema>;

/** Levels normalised across capnslog letters, zap names and Go log words (LEVELS). */
export const LevelSchema = z.enum(LEVELS);
export type Level = z.infer<typeof LevelSchema>;

/** How the node of a line was decided, strongest first. */
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
