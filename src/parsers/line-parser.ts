// Turns raw lines of one source into events: removes transport prefixes, decides the node,
// recognises the format, adds the message's facts, and folds panic dumps into their event.
import type { EventFields, LogEvent, NodeOrigin, ParsedLine, RawLine } from '../model/event.js';
import { isContinuationLine, parseFormats, type LineParts } from './formats.js';
import { isPlainFacts, messageFacts, NO_FACTS } from './message-facts.js';
import { journaldProgram, unwrapLine } from './prefixes.js';
import { type TimeZoneSpec, UTC } from './time.js';

export interface LineParserOptions {
  tz?: TimeZoneSpec;
  yearHint?: number;
  /** Most continuation lines kept on one event; the rest are counted, not kept. */
  maxContinuation?: number;
  /** Called with a line's node before the line is parsed (analyze settles quiet lines there). */
  beforeNode?: (node: string) => void;
}

/** Stands for the last event of a node when that was a quiet (info, routine) line. */
const QUIET_EVENT: LogEvent = {
  kind: 'event', node: '', nodeOrigin: 'unknown', ts: null, level: 'info', component: '', msg: '', fields: {},
  format: 'capnslog', ref: { source: '', line: 0 }, text: '',
};

/** A line folded into the event before it (a panic's goroutine dump). */
export interface ContinuationLine {
  kind: 'continuation';
  node: string;
  nodeOrigin: NodeOrigin;
}

/** The node a source falls back to when nothing on the line names one. */
export const UNKNOWN_NODE_PREFIX = 'unknown:';

const MAX_KEPT_TEXT = 64 * 1024;

/**
 * Lines the wrappers print themselves, not etcd: docker compose's `Attaching to ...` and
 * `etcd1_1 exited with code 0`, and the `Error: ...` line etcdctl ends a failed command with.
 * They are recognised (not unparsed) but are no member's event.
 */
const WRAPPER_LINE_RE = /^(?:Attaching to \S|Gracefully stopping\.\.\.|Stopping \S+ \.\.\.|[\w.-]+ exited with code \d+$|Error: \S)/;

export const WRAPPER_REASON = 'wrapper line';

/** Indentation or e-mail/Markdown quoting in front of a pasted line. */
const INDENT_RE = /^(?:[ \t]+|(?:> ?)+)/;

/** Formats whose stamps carry no zone. */
const ZONELESS = new Set(['capnslog', 'raft-stdlib', 'golog', 'grpc']);

function isEmpty(o: object): boolean {
  for (const _ in o) return false;
  return true;
}

/** Whether a key of `o` names something every object has (`constructor`, `__proto__`): `{}[key]` is then not undefined. */
function namesInherited(o: object): boolean {
  for (const key in o) if (key in Object.prototype) return true;
  return false;
}

/**
 * A copy of `base` as a fresh object: what `{ ...base }` gives. Written key by key on purpose:
 * V8 clones a spread of a JSON.parse object in a way that, once facts are added to the clone,
 * kept ~270 bytes per parsed zap line alive through the next young-generation GC (measured with
 * --trace-gc-nvp on the bench's zap half: 580 KB survived each scavenge, 115 KB this way), which
 * grew the young generation and filled the old one with garbage on long logs.
 */
function copyFields(base: EventFields): EventFields {
  const out: EventFields = {};
  for (const key in base) {
    if (!Object.prototype.hasOwnProperty.call(base, key)) continue;
    // `__proto__` as a key of a JSON object is an own property; `out[key] =` would set the prototype
    if (key === '__proto__') Object.defineProperty(out, key, { value: base[key], enumerable: true, writable: true, configurable: true });
    else out[key] = base[key];
  }
  return out;
}

/** Merge message facts under the fields a format gave, never overwriting what zap logged. */
function addMessageFacts(parts: LineParts): EventFields {
  const facts = messageFacts(parts.msg, parts.component);
  let fields = parts.fields;
  if (facts !== NO_FACTS) {
    if (isEmpty(fields) && (isPlainFacts(facts) || !namesInherited(facts))) {
      // the loop below would copy every fact into an empty object, in order: one copy does it
      fields = { ...facts };
    } else {
      for (const key in facts) {
        if (fields[key] === undefined) {
          if (fields === parts.fields) fields = copyFields(parts.fields);
          fields[key] = facts[key];
        }
      }
    }
  }
  // zap's startup errors put the reason in `error`: its facts count too ("discovery failed" is
  // the msg of every fatal startup error, so the error text is what says what went wrong).
  const err = fields.error;
  if (typeof err === 'string' && err.length > 0 && parts.format === 'zap-json') {
    const errFacts = messageFacts(err, parts.component);
    for (const key in errFacts) {
      if (key !== 'error' && fields[key] === undefined) {
        if (fields === parts.fields) fields = copyFields(parts.fields);
        fields[key] = errFacts[key];
      }
    }
  }
  return fields;
}

/**
 * A stateful parser for the lines of one source. State: the last event of each node, which a
 * panic's continuation lines attach to.
 */
export class LineParser {
  private readonly tz: TimeZoneSpec;
  private readonly tzGiven: boolean;
  private readonly yearHint: number | undefined;
  private readonly maxContinuation: number;
  private readonly lastEvent = new Map<string, LogEvent>();
  private readonly inDump = new Set<string>();
  private readonly beforeNode: ((node: string) => void) | undefined;
  /** The options every line is unwrapped and parsed with, made once. */
  private readonly unwrapOptions: { tz: TimeZoneSpec; yearHint: number | undefined };
  private readonly formatOptions: { tz: TimeZoneSpec };

  constructor(options: LineParserOptions = {}) {
    this.tz = options.tz ?? UTC;
    this.unwrapOptions = { tz: this.tz, yearHint: options.yearHint };
    this.formatOptions = { tz: this.tz };
    this.tzGiven = options.tz !== undefined;
    this.yearHint = options.yearHint;
    this.maxContinuation = options.maxContinuation ?? 60;
    this.beforeNode = options.beforeNode;
  }

  /**
   * The last line of `node` was a quiet one: an info-level event nothing attaches to. Its effect
   * on this parser is exactly that of parsing it (no panic dump open, nothing to fold into).
   */
  noteQuiet(node: string): void {
    this.lastEvent.set(node, QUIET_EVENT);
    this.inDump.delete(node);
  }

  /**
   * Parse one raw line. Returns the event, an Unparsed line, or a continuation when the line was
   * folded into the previous event of its node.
   */
  parse(raw: RawLine): ParsedLine | ContinuationLine {
    const u = unwrapLine(raw.text, this.unwrapOptions);
    let node: string;
    let nodeOrigin: NodeOrigin;
    if (raw.nodeOrigin === 'flag' && raw.node !== undefined) {
      node = raw.node;
      nodeOrigin = 'flag';
    } else if (u.node !== undefined && u.nodeOrigin !== undefined) {
      node = u.node;
      nodeOrigin = u.nodeOrigin;
    } else if (raw.node !== undefined) {
      node = raw.node;
      nodeOrigin = raw.nodeOrigin ?? 'filename';
    } else {
      node = UNKNOWN_NODE_PREFIX + raw.source;
      nodeOrigin = 'unknown';
    }
    this.beforeNode?.(node);
    const ref = { source: raw.source, line: raw.lineNo };
    const text = u.text.length > MAX_KEPT_TEXT ? u.text.slice(0, MAX_KEPT_TEXT) : u.text;

    let parts = parseFormats(text, this.formatOptions);
    if (parts === null && INDENT_RE.test(text) && !(this.inDump.has(node) && isContinuationLine(text))) {
      // Logs pasted into an issue or a mail come indented or quoted ("    2026-..." or "> {...}").
      parts = parseFormats(text.replace(INDENT_RE, ''), this.formatOptions);
    }
    if (parts === null) {
      const program = journaldProgram(u);
      // Under systemd, capnslog writes only the message to the journal: no stamp, no level.
      if (program !== null && /etcd/i.test(program) && text.trim() !== '') {
        parts = { format: 'capnslog-journald', ts: null, level: 'info', component: '', msg: text, fields: {} };
      }
    }

    if (parts === null) {
      const prev = this.lastEvent.get(node);
      if (prev && this.inDump.has(node) && isContinuationLine(text)) {
        this.attach(prev, text);
        return { kind: 'continuation', node, nodeOrigin };
      }
      if (text.trim() === '') {
        return { kind: 'unparsed', node, ref, reason: 'empty line', text: '' };
      }
      if (WRAPPER_LINE_RE.test(text)) return { kind: 'unparsed', node, ref, reason: WRAPPER_REASON, text };
      return { kind: 'unparsed', node, ref, reason: 'not an etcd log line', text };
    }

    // zap's panic line is followed by Go's own `panic: <same message>`: one event, not two.
    const prev = parts.format === 'panic' ? this.lastEvent.get(node) : undefined;
    if (prev && (prev.level === 'panic' || prev.level === 'fatal')) {
      if (prev.msg.startsWith(parts.msg.slice(0, 200)) || parts.msg.startsWith(prev.msg.slice(0, 200))) {
        this.attach(prev, text);
        this.inDump.add(node);
        return { kind: 'continuation', node, nodeOrigin };
      }
    }

    // A zoned transport stamp (docker, CRI, kubectl) is exact UTC; etcd's own zone-less stamps
    // (capnslog, raft's Go log lines) are local time of unknown zone and, for raft, whole seconds.
    const zonedTransport = raw.transportTs ?? (u.transportZoned ? u.transportTs : undefined);
    const ts = zonedTransport !== undefined && ZONELESS.has(parts.format) && !this.tzGiven
      ? zonedTransport
      : (parts.ts ?? raw.transportTs ?? u.transportTs ?? null);
    const event: LogEvent = {
      kind: 'event',
      node,
      nodeOrigin,
      ts,
      level: parts.level,
      component: parts.component,
      msg: parts.msg,
      fields: addMessageFacts(parts),
      format: parts.format,
      ref,
      text,
    };
    this.lastEvent.set(node, event);
    if (event.level === 'panic' || event.level === 'fatal' || event.level === 'critical') this.inDump.add(node);
    else if (this.inDump.size > 0) this.inDump.delete(node);
    return event;
  }

  private attach(event: LogEvent, line: string): void {
    const cont = (event.continuation ??= []);
    if (cont.length < this.maxContinuation) cont.push(line.length > 2000 ? line.slice(0, 2000) : line);
  }
}

/** Parse one line on its own, with no source context (rule examples, `explain`). */
export function parseLogLine(
  text: string,
  options: { source?: string; lineNo?: number; node?: string; tz?: TimeZoneSpec } = {},
): ParsedLine {
  const parser = new LineParser({ tz: options.tz });
  const raw: RawLine = {
    source: options.source ?? 'line',
    lineNo: options.lineNo ?? 1,
    text,
    ...(options.node !== undefined ? { node: options.node, nodeOrigin: 'flag' as const } : {}),
  };
  const out = parser.parse(raw);
  if (out.kind === 'continuation') {
    return { kind: 'unparsed', node: options.node ?? 'line', ref: { source: raw.source, line: raw.lineNo }, reason: 'continuation', text };
  }
  return out;
}
