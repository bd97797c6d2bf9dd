// A container's log read straight from the json-file logging driver's files, producing exactly the
// bytes LogDemuxer makes of the Engine API's /containers/{id}/logs?timestamps=true stream.
//
// Why: the engine needs about a second per 200k lines just to decode its own files and frame them
// for the API (fluent-bit, promtail and vector read these files directly for the same reason).
// DockerLogSource uses this only for a local engine and falls back to the API whenever anything
// here is not as expected (see log-source.ts for the exact conditions).
//
// What the engine does, and what is reproduced here (moby daemon/logger/jsonfilelog and
// daemon/logger/loggerutils/logfile.go, 20.10 to 28):
// - Files, oldest first: `<LogPath>.<max-file - 1>` ... `<LogPath>.1`, then `<LogPath>`; a rotated
//   file that is not there plain is looked for as `<LogPath>.N.gz` (compress=true).
// - One JSON object a line, written by jsonlog.JSONLogs.MarshalJSONBuf:
//   `{"log":"...","stream":"stderr","attrs":{...},"time":"<RFC3339Nano, UTC>"}`. A line of the
//   container's longer than 16 KiB is split into several entries; every entry but the last of one
//   line has a "log" that does not end in \n.
// - The API writes each entry as one message `<time in RFC3339NanoFixed (9 digits)> <log>` to the
//   stdout or stderr frame stream (entries of any other stream are dropped). LogDemuxer joins the
//   pieces of a long line (dropping the stamps of the continuations), cuts lines at 1 MiB and
//   writes whole lines as they complete. That algorithm is repeated here entry by entry.
// - --tail N: the last N newline-terminated entries across the files (newest file first, as
//   pkg/tailfile counts them), before --since/--until are applied; --tail 0 reads nothing.
// - --since: entries before it are skipped (engines before 24.0 check every entry; 24.0 and later
//   stop checking after the first entry at or after it). --until: reading stops at the first entry
//   after it.
import { isUtf8 } from 'node:buffer';
import { constants as fsConstants } from 'node:fs';
import { type FileHandle, open, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

/** Something in the files is not as the engine writes them: the caller reads through the API instead. */
export class JsonFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JsonFileError';
  }
}

// ---------------------------------------------------------------------------------------------
// JSON string unescaping straight into an output Buffer

/** Results of the last unescapeJsonString call (module state: no object per call). */
export const unescaped = {
  /** Index in the source just after the closing quote. */
  end: 0,
  /** Index in the output just after the last byte written. */
  out: 0,
  /** Newlines written (from \n escapes). */
  newlines: 0,
  /** Raw bytes >= 0x80 were copied (their UTF-8 is still to be checked). */
  high: false,
};

function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

/** The \uXXXX at src[i] (i at the backslash), or -1. */
function readU4(src: Uint8Array, i: number, end: number): number {
  if (i + 6 > end || src[i] !== 0x5c || src[i + 1] !== 0x75) return -1;
  const a = hexDigit(src[i + 2]!);
  const b = hexDigit(src[i + 3]!);
  const c = hexDigit(src[i + 4]!);
  const d = hexDigit(src[i + 5]!);
  if ((a | b | c | d) < 0) return -1;
  return (a << 12) | (b << 8) | (c << 4) | d;
}

/**
 * Unescape the JSON string whose body starts at src[i] (just after the opening quote) into dst
 * from dst[o], as Go's encoding/json does (a lone surrogate becomes U+FFFD). False when the
 * string is not valid JSON or does not end before `end`; else the results are in `unescaped`.
 * dst needs room for `end - i` bytes: no escape is shorter than what it stands for.
 */
export function unescapeJsonString(src: Uint8Array, i: number, end: number, dst: Uint8Array, o: number): boolean {
  let newlines = 0;
  let high = false;
  while (i < end) {
    const c = src[i]!;
    if (c === 0x22) {
      unescaped.end = i + 1;
      unescaped.out = o;
      unescaped.newlines = newlines;
      unescaped.high = high;
      return true;
    }
    if (c !== 0x5c) {
      if (c < 0x20) return false;
      if (c >= 0x80) high = true;
      dst[o++] = c;
      i++;
      continue;
    }
    if (i + 1 >= end) return false;
    const e = src[i + 1]!;
    switch (e) {
      case 0x6e: // n
        dst[o++] = 0x0a;
        newlines++;
        i += 2;
        continue;
      case 0x22: // "
      case 0x5c: // \
      case 0x2f: // /
        dst[o++] = e;
        i += 2;
        continue;
      case 0x74: // t
        dst[o++] = 0x09;
        i += 2;
        continue;
      case 0x72: // r
        dst[o++] = 0x0d;
        i += 2;
        continue;
      case 0x62: // b
        dst[o++] = 0x08;
        i += 2;
        continue;
      case 0x66: // f
        dst[o++] = 0x0c;
        i += 2;
        continue;
      case 0x75: {
        // u
        let cp = readU4(src, i, end);
        if (cp < 0) return false;
        i += 6;
        if (cp >= 0xd800 && cp < 0xe000) {
          const lo = cp < 0xdc00 ? readU4(src, i, end) : -1;
          if (lo >= 0xdc00 && lo < 0xe000) {
            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
            i += 6;
          } else {
            cp = 0xfffd;
          }
        }
        if (cp < 0x80) {
          dst[o++] = cp;
          if (cp === 0x0a) newlines++;
        } else if (cp < 0x800) {
          dst[o++] = 0xc0 | (cp >> 6);
          dst[o++] = 0x80 | (cp & 0x3f);
        } else if (cp < 0x10000) {
          dst[o++] = 0xe0 | (cp >> 12);
          dst[o++] = 0x80 | ((cp >> 6) & 0x3f);
          dst[o++] = 0x80 | (cp & 0x3f);
        } else {
          dst[o++] = 0xf0 | (cp >> 18);
          dst[o++] = 0x80 | ((cp >> 12) & 0x3f);
          dst[o++] = 0x80 | ((cp >> 6) & 0x3f);
          dst[o++] = 0x80 | (cp & 0x3f);
        }
        continue;
      }
      default:
        return false;
    }
  }
  return false;
}

/** The bytes a JSON string literal (with its quotes) stands for, or null when it is not one. */
export function decodeJsonStringLiteral(literal: Uint8Array): Buffer | null {
  if (literal.length < 2 || literal[0] !== 0x22) return null;
  const out = Buffer.allocUnsafe(literal.length);
  if (!unescapeJsonString(literal, 1, literal.length, out, 0) || unescaped.end !== literal.length) return null;
  return out.subarray(0, unescaped.out);
}

// ---------------------------------------------------------------------------------------------
// Times

/** An instant as the engine compares them: unix seconds and nanoseconds. */
export interface UnixTime {
  sec: number;
  nsec: number;
}

/** `seconds.nanoseconds` as log-window.ts makes it (and the API's since/until take it). */
export function parseUnixTime(value: string): UnixTime | null {
  const m = /^(-?\d+)(?:\.(\d{1,9}))?$/.exec(value.trim());
  if (!m) return null;
  return { sec: Number(m[1]), nsec: Number((m[2] ?? '').padEnd(9, '0')) };
}

/** Length of `<RFC3339NanoFixed stamp> `: 2026-11-22T06:51:34.933693128Z and a space. */
export const STAMP_BYTES = 31;

const STAMP_DIGITS = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18];

function isDigit(c: number | undefined): boolean {
  return c !== undefined && c >= 0x30 && c <= 0x39;
}

/**
 * Write the API's stamp and a space for the entry time src[ts, te) (`2026-11-22T06:51:34.9336Z`,
 * the RFC3339Nano UTC form the engine writes) to dst[o, o + STAMP_BYTES). False when the time
 * is not in that form.
 */
export function writeStamp(src: Uint8Array, ts: number, te: number, dst: Uint8Array, o: number): boolean {
  const n = te - ts;
  if (n < 20 || n > 30 || src[te - 1] !== 0x5a) return false;
  if (src[ts + 4] !== 0x2d || src[ts + 7] !== 0x2d || src[ts + 10] !== 0x54 || src[ts + 13] !== 0x3a || src[ts + 16] !== 0x3a) return false;
  for (const k of STAMP_DIGITS) if (!isDigit(src[ts + k])) return false;
  for (let k = 0; k < 19; k++) dst[o + k] = src[ts + k]!;
  dst[o + 19] = 0x2e;
  let digits = 0;
  if (n > 20) {
    if (src[ts + 19] !== 0x2e || n === 21) return false;
    digits = n - 21;
    for (let k = 0; k < digits; k++) {
      const c = src[ts + 20 + k]!;
      if (!isDigit(c)) return false;
      dst[o + 20 + k] = c;
    }
  }
  for (let k = digits; k < 9; k++) dst[o + 20 + k] = 0x30;
  dst[o + 29] = 0x5a;
  dst[o + 30] = 0x20;
  return true;
}

let minuteKey = -1;
let minuteSec = 0;

/** The instant of a stamp written by writeStamp at src[o]. */
export function stampTime(src: Uint8Array, o: number): UnixTime {
  const d = (k: number): number => src[o + k]! - 0x30;
  const key = (((d(0) * 1000 + d(1) * 100 + d(2) * 10 + d(3)) * 100 + d(5) * 10 + d(6)) * 100 + d(8) * 10 + d(9)) * 10000 + (d(11) * 10 + d(12)) * 100 + d(14) * 10 + d(15);
  if (key !== minuteKey) {
    minuteKey = key;
    const y = d(0) * 1000 + d(1) * 100 + d(2) * 10 + d(3);
    minuteSec = Date.UTC(y, d(5) * 10 + d(6) - 1, d(8) * 10 + d(9), d(11) * 10 + d(12), d(14) * 10 + d(15)) / 1000;
    if (y < 100) minuteSec = new Date(Date.UTC(2000, d(5) * 10 + d(6) - 1, d(8) * 10 + d(9), d(11) * 10 + d(12), d(14) * 10 + d(15))).setUTCFullYear(y) / 1000;
  }
  let nsec = 0;
  for (let k = 20; k < 29; k++) nsec = nsec * 10 + d(k);
  return { sec: minuteSec + d(17) * 10 + d(18), nsec };
}

function before(a: UnixTime, b: UnixTime): boolean {
  return a.sec < b.sec || (a.sec === b.sec && a.nsec < b.nsec);
}

// ---------------------------------------------------------------------------------------------
// Entries -> the demultiplexer's output

const MAX_LINE = 1024 * 1024; // LogDemuxer's default
/** Output chunks are handed on once they hold this much (always at a line boundary). */
export const CHUNK_BYTES = 256 * 1024;
const OUT_BYTES = CHUNK_BYTES + 64 * 1024;

const LOG_OPEN = Buffer.from('{"log":"');
const STREAM_STDOUT = Buffer.from(',"stream":"stdout"');
const STREAM_STDERR = Buffer.from(',"stream":"stderr"');
const ATTRS_OPEN = Buffer.from(',"attrs":{');
const TIME_OPEN = Buffer.from(',"time":"');

function startsWith(src: Uint8Array, i: number, end: number, lit: Buffer): boolean {
  if (i + lit.length > end) return false;
  for (let k = 0; k < lit.length; k++) if (src[i + k] !== lit[k]) return false;
  return true;
}

/** Skip a JSON string's body from src[i] (after its opening quote); the index after it, or -1. */
function skipString(src: Uint8Array, i: number, end: number): number {
  while (i < end) {
    const c = src[i]!;
    if (c === 0x22) return i + 1;
    if (c === 0x5c) i += 2;
    else if (c < 0x20) return -1;
    else i++;
  }
  return -1;
}

/** Skip the attrs object's body (string to string) from after its `{`; the index after `}`, or -1. */
function skipAttrs(src: Uint8Array, i: number, end: number): number {
  if (src[i] === 0x7d) return i + 1;
  for (;;) {
    if (src[i] !== 0x22) return -1;
    i = skipString(src, i + 1, end);
    if (i < 0 || src[i] !== 0x3a || src[i + 1] !== 0x22) return -1;
    i = skipString(src, i + 2, end);
    if (i < 0) return -1;
    if (src[i] === 0x7d) return i + 1;
    if (src[i] !== 0x2c) return -1;
    i++;
  }
}

type StdStream = 'stdout' | 'stderr';

interface StreamState {
  pending: Buffer[];
  pendingBytes: number;
  dropping: boolean;
}

export interface EntryFilter {
  since?: UnixTime;
  until?: UnixTime;
  /** Stop checking `since` after the first entry at or after it (engines 24.0 and later). */
  sinceOnce?: boolean;
}

/**
 * Turns json-file entries, one line at a time, into the bytes LogDemuxer writes for the same
 * entries read through the API (without a TTY; a TTY container's log is read through the API).
 * Output comes in chunks of whole lines.
 */
export class JsonLogConverter {
  /** Whole lines written per stream, as LogDemuxer counts them. */
  readonly lineCounts = { stdout: 0, stderr: 0 };
  /** Lines cut at 1 MiB, as LogDemuxer counts them. */
  truncatedLines = 0;
  /** Entries decoded. */
  entries = 0;
  /** An entry after `until` was met: the engine stops reading there. */
  done = false;
  private out = Buffer.allocUnsafe(OUT_BYTES);
  private pos = 0;
  private ready: Buffer[] = [];
  private readonly states: Record<StdStream, StreamState> = {
    stdout: { pending: [], pendingBytes: 0, dropping: false },
    stderr: { pending: [], pendingBytes: 0, dropping: false },
  };
  private since: UnixTime | undefined;

  constructor(private readonly filter: EntryFilter = {}) {
    this.since = filter.since;
  }

  /** Chunks completed so far (each ending with a newline). */
  take(): Buffer[] {
    const r = this.ready;
    this.ready = [];
    return r;
  }

  /** End of the log: lines still in pieces are written, as LogDemuxer does at the end of the stream. */
  finish(): Buffer[] {
    for (const s of ['stdout', 'stderr'] as const) {
      const st = this.states[s];
      if (st.pendingBytes > 0) this.emitLine(s, null);
      st.dropping = false;
    }
    this.flush();
    return this.take();
  }

  /** Hand on what is written (whole lines) and start a new buffer. */
  private flush(): void {
    if (this.pos > 0) this.ready.push(this.out.subarray(0, this.pos));
    this.out = Buffer.allocUnsafe(OUT_BYTES);
    this.pos = 0;
  }

  /** Room for `need` more bytes (a bigger buffer when it lacks it, so that chunks stay large). */
  private room(need: number): void {
    if (this.out.length - this.pos >= need) return;
    const next = Buffer.allocUnsafe(Math.max(OUT_BYTES, this.pos + need));
    this.out.copy(next, 0, 0, this.pos);
    this.out = next;
  }

  /** One entry: the JSON line src[start, end) without its newline. Throws JsonFileError on a bad one. */
  entry(src: Uint8Array, start: number, end: number): void {
    if (this.done) return;
    this.room(end - start + STAMP_BYTES + 8);
    const out = this.out;
    const o0 = this.pos;
    const body = o0 + STAMP_BYTES;
    let stream: StdStream | null;
    let bodyEnd: number;
    let newlines: number;
    // The layout the engine writes; anything else goes to the general decoder.
    fast: {
      if (!startsWith(src, start, end, LOG_OPEN)) break fast;
      if (!unescapeJsonString(src, start + LOG_OPEN.length, end, out, body)) break fast;
      bodyEnd = unescaped.out;
      newlines = unescaped.newlines;
      if (unescaped.high && !isUtf8(out.subarray(body, bodyEnd))) {
        throw new JsonFileError('an entry holds bytes that are not UTF-8');
      }
      let i = unescaped.end;
      if (startsWith(src, i, end, STREAM_STDERR)) stream = 'stderr';
      else if (startsWith(src, i, end, STREAM_STDOUT)) stream = 'stdout';
      else break fast;
      i += STREAM_STDERR.length;
      if (startsWith(src, i, end, ATTRS_OPEN)) {
        i = skipAttrs(src, i + ATTRS_OPEN.length, end);
        if (i < 0) break fast;
      }
      if (!startsWith(src, i, end, TIME_OPEN)) break fast;
      i += TIME_OPEN.length;
      const te = i + 22 <= end ? src.indexOf(0x22, i) : -1;
      if (te < 0 || te + 2 !== end || src[te + 1] !== 0x7d) break fast;
      if (!writeStamp(src, i, te, out, o0)) break fast;
      this.accept(stream, o0, bodyEnd, newlines);
      return;
    }
    this.slowEntry(src, start, end);
  }

  /** Any valid JSON entry, as Go's encoding/json reads it into jsonlog.JSONLog. */
  private slowEntry(src: Uint8Array, start: number, end: number): void {
    const line = Buffer.from(src.buffer, src.byteOffset + start, end - start);
    let trimmedEmpty = true;
    for (let k = 0; k < line.length; k++) {
      const c = line[k]!;
      if (c !== 0x20 && c !== 0x09 && c !== 0x0d) {
        trimmedEmpty = false;
        break;
      }
    }
    if (trimmedEmpty) return; // whitespace between values
    if (!isUtf8(line)) throw new JsonFileError('an entry holds bytes that are not UTF-8');
    let obj: unknown;
    try {
      obj = JSON.parse(line.toString('utf8'));
    } catch {
      throw new JsonFileError(`an entry is not JSON: ${line.toString('utf8', 0, Math.min(line.length, 80))}`);
    }
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) throw new JsonFileError('an entry is not a JSON object');
    // Go matches keys exactly, else case-insensitively; a later key overwrites an earlier one.
    let log: unknown = '';
    let streamName: unknown = '';
    let time: unknown;
    for (const [k, v] of Object.entries(obj as Record<string, unknown>)) {
      const key = k.toLowerCase();
      if (key === 'log') log = v;
      else if (key === 'stream') streamName = v;
      else if (key === 'time') time = v;
    }
    if (typeof log !== 'string' || typeof streamName !== 'string' || typeof time !== 'string') {
      throw new JsonFileError('an entry lacks its log, stream or time');
    }
    const logBytes = Buffer.from(log, 'utf8');
    const timeBytes = Buffer.from(time, 'latin1');
    this.room(STAMP_BYTES + logBytes.length + 8);
    const o0 = this.pos;
    if (!writeStamp(timeBytes, 0, timeBytes.length, this.out, o0)) throw new JsonFileError(`an entry's time is not the engine's: ${time}`);
    logBytes.copy(this.out, o0 + STAMP_BYTES);
    let newlines = 0;
    for (let k = logBytes.indexOf(0x0a); k >= 0; k = logBytes.indexOf(0x0a, k + 1)) newlines++;
    const stream = streamName === 'stdout' ? 'stdout' : streamName === 'stderr' ? 'stderr' : null;
    this.accept(stream, o0, o0 + STAMP_BYTES + logBytes.length, newlines);
  }

  /** The message out[o0, bodyEnd) (stamp, space, log) of an entry of `stream` (null: neither). */
  private accept(stream: StdStream | null, o0: number, bodyEnd: number, newlines: number): void {
    this.entries++;
    if (this.filter.since !== undefined || this.filter.until !== undefined) {
      const t = stampTime(this.out, o0);
      if (this.since !== undefined) {
        if (before(t, this.since)) return;
        if (this.filter.sinceOnce) this.since = undefined;
      }
      if (this.filter.until !== undefined && before(this.filter.until, t)) {
        this.done = true;
        return;
      }
    }
    if (stream === null) return; // the API writes only stdout and stderr messages
    const st = this.states[stream];
    if (st.pendingBytes === 0 && !st.dropping && newlines === 1 && this.out[bodyEnd - 1] === 0x0a) {
      // The common case: one whole line in one entry.
      this.pos = bodyEnd;
      this.lineCounts[stream]++;
    } else {
      this.demux(stream, st, Buffer.from(this.out.subarray(o0, bodyEnd)));
    }
    if (this.pos >= CHUNK_BYTES) this.flush();
  }

  /** LogDemuxer.onFrame for one message (copied out of `out`, which is written from this.pos). */
  private demux(stream: StdStream, st: StreamState, message: Buffer): void {
    // A continuation of a long line: its own stamp goes, the line keeps its first one.
    const payload = st.pendingBytes > 0 || st.dropping ? message.subarray(STAMP_BYTES) : message;
    let start = 0;
    for (;;) {
      const nl = payload.indexOf(0x0a, start);
      if (nl < 0) break;
      if (st.dropping) st.dropping = false;
      else this.emitLine(stream, payload.subarray(start, nl));
      start = nl + 1;
    }
    if (start < payload.length && !st.dropping) {
      const rest = payload.subarray(start);
      if (st.pendingBytes + rest.length > MAX_LINE) {
        st.pending.push(rest.subarray(0, MAX_LINE - st.pendingBytes));
        st.pendingBytes = MAX_LINE;
        this.truncatedLines++;
        this.emitLine(stream, null);
        st.dropping = true;
      } else {
        st.pending.push(rest);
        st.pendingBytes += rest.length;
      }
    }
  }

  private emitLine(stream: StdStream, tail: Buffer | null): void {
    const st = this.states[stream];
    this.room(st.pendingBytes + (tail?.length ?? 0) + 1);
    for (const p of st.pending) this.pos += p.copy(this.out, this.pos);
    if (tail !== null) this.pos += tail.copy(this.out, this.pos);
    this.out[this.pos++] = 0x0a;
    st.pending = [];
    st.pendingBytes = 0;
    this.lineCounts[stream]++;
  }
}

// ---------------------------------------------------------------------------------------------
// Files

/** What inspect says about a container's json-file log. */
export interface JsonFileLogConfig {
  /** Inspect's LogPath: `<data-root>/containers/<id>/<id>-json.log`. */
  logPath: string;
  /** The full container ID (the file must be named after it). */
  containerId: string;
  /** HostConfig.LogConfig.Config["max-file"] (daemon defaults merged in by the engine); 1 when unset. */
  maxFiles: number;
}

export interface JsonFileReadOptions {
  /** API-form `seconds.nanoseconds`. */
  since?: string;
  until?: string;
  /** Entries from the end; undefined for all. */
  tail?: number;
  sinceOnce?: boolean;
}

interface LogFilePart {
  path: string;
  handle: FileHandle;
  gz: boolean;
  /** Plain files: bytes to read [start, end); the end excludes an entry still being written. */
  start: number;
  end: number;
  /** Gzipped files: entries to skip first (--tail). */
  skipLines: number;
  /** The file being written: a last entry without its newline is one still being written. */
  current: boolean;
  /** False for files --tail does not reach. */
  include: boolean;
}

/** Why the files cannot be read directly (said in a debug note, the API is used instead). */
export class JsonFileUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JsonFileUnavailable';
  }
}

const READ_BYTES = 1024 * 1024;
const SCAN_BYTES = 64 * 1024;

/** The rotated file names the engine reads, oldest first, as tried: `.N` then `.N.gz`. */
export function rotatedNames(logPath: string, maxFiles: number): { plain: string; gz: string }[] {
  const out: { plain: string; gz: string }[] = [];
  for (let i = maxFiles - 1; i >= 1; i--) out.push({ plain: `${logPath}.${i}`, gz: `${logPath}.${i}.gz` });
  return out;
}

async function openIfThere(file: string): Promise<FileHandle | null> {
  try {
    return await open(file, fsConstants.O_RDONLY | (fsConstants.O_NOFOLLOW ?? 0));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new JsonFileUnavailable(`cannot open ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/** Count newlines in a plain file backwards from `end`: the offset after the newline that starts the last `want` lines, and how many there are. */
async function tailPlain(handle: FileHandle, end: number, want: number): Promise<{ start: number; found: number }> {
  const buf = Buffer.allocUnsafe(SCAN_BYTES);
  let found = 0;
  let pos = end;
  // `end` is just after the last newline; that newline ends the last line.
  while (pos > 0) {
    const n = Math.min(SCAN_BYTES, pos);
    const { bytesRead } = await handle.read(buf, 0, n, pos - n);
    if (bytesRead !== n) throw new JsonFileError('a log file shrank while being read');
    let k = n;
    while (k > 0) {
      const at = buf.lastIndexOf(0x0a, k - 1);
      if (at < 0) break;
      if (pos - n + at === end - 1) {
        k = at;
        continue; // the last line's own newline
      }
      found++;
      if (found === want) return { start: pos - n + at + 1, found };
      k = at;
    }
    pos -= n;
  }
  // The first line has no newline before it.
  return { start: 0, found: found + (end > 0 ? 1 : 0) };
}

/** The offset just after the last newline at or before `size` (0 when there is none). */
async function lastNewlineEnd(handle: FileHandle, size: number): Promise<number> {
  const buf = Buffer.allocUnsafe(SCAN_BYTES);
  let pos = size;
  while (pos > 0) {
    const n = Math.min(SCAN_BYTES, pos);
    const { bytesRead } = await handle.read(buf, 0, n, pos - n);
    if (bytesRead !== n) throw new JsonFileError('a log file shrank while being read');
    const at = buf.subarray(0, n).lastIndexOf(0x0a);
    if (at >= 0) return pos - n + at + 1;
    pos -= n;
  }
  return 0;
}

/**
 * The decompressed chunks of a gzipped log file of `size` bytes. (Positioned reads of the handle,
 * not handle.createReadStream: the file is read more than once, and a stream given up early must
 * leave the handle usable.)
 */
async function* gunzipChunks(handle: FileHandle, size: number): AsyncGenerator<Buffer> {
  const raw = Readable.from(plainChunks(handle, 0, size));
  const gunzip = createGunzip({ chunkSize: READ_BYTES });
  raw.on('error', (err) => gunzip.destroy(err));
  raw.pipe(gunzip);
  try {
    for await (const chunk of gunzip) yield chunk as Buffer;
  } catch (err) {
    throw new JsonFileError(`cannot decompress a rotated log file: ${(err as Error).message}`);
  } finally {
    raw.unpipe(gunzip);
    raw.destroy();
    gunzip.destroy();
  }
}

/** Newline-terminated lines in a gzipped file. */
async function countGzLines(handle: FileHandle, size: number): Promise<number> {
  let lines = 0;
  for await (const chunk of gunzipChunks(handle, size)) {
    for (let k = chunk.indexOf(0x0a); k >= 0; k = chunk.indexOf(0x0a, k + 1)) lines++;
  }
  return lines;
}

/** The bytes of a plain file's range [start, end), read ahead by one read. */
async function* plainChunks(handle: FileHandle, start: number, end: number): AsyncGenerator<Buffer> {
  const readAt = async (pos: number): Promise<Buffer> => {
    const n = Math.min(READ_BYTES, end - pos);
    const buf = Buffer.allocUnsafe(n);
    let got = 0;
    while (got < n) {
      const { bytesRead } = await handle.read(buf, got, n - got, pos + got);
      if (bytesRead === 0) throw new JsonFileError('a log file shrank while being read');
      got += bytesRead;
    }
    return buf;
  };
  let pos = start;
  let next: Promise<Buffer> | null = pos < end ? readAt(pos) : null;
  while (next !== null) {
    let chunk: Buffer;
    try {
      chunk = await next;
    } catch (err) {
      throw err instanceof JsonFileError ? err : new JsonFileError(`cannot read a log file: ${(err as Error).message}`);
    }
    pos += chunk.length;
    next = pos < end ? readAt(pos) : null;
    // A read that fails while this chunk is being handled is reported when it is awaited.
    next?.catch(() => undefined);
    yield chunk;
  }
}

/**
 * A container's json-file log opened for reading: every file the engine would read is open
 * (so rotation while we read changes nothing), and the first entry decoded.
 */
export class JsonFileLog {
  /** Lines per stream and lines cut at 1 MiB, final once the chunks are all read. */
  lineCounts = { stdout: 0, stderr: 0 };
  truncatedLines = 0;
  /** Bytes handed on so far, and the last few chunks handed on with their end offsets (for resuming through the API). */
  bytesOut = 0;
  private recent: { chunk: Buffer; end: number }[] = [];
  private closed = false;

  private constructor(
    private readonly parts: LogFilePart[],
    private readonly filter: EntryFilter,
    private readonly nothing: boolean,
  ) {}

  /**
   * Open the files. Throws JsonFileUnavailable when they cannot be read directly (missing,
   * unreadable, rotated while being opened, not what the engine writes).
   */
  static async open(config: JsonFileLogConfig, options: JsonFileReadOptions = {}): Promise<JsonFileLog> {
    const { logPath, containerId, maxFiles } = config;
    if (!path.isAbsolute(logPath) || path.basename(logPath) !== `${containerId}-json.log`) {
      throw new JsonFileUnavailable(`LogPath ${logPath} is not <id>-json.log of this container`);
    }
    const since = options.since !== undefined ? parseUnixTime(options.since) : null;
    const until = options.until !== undefined ? parseUnixTime(options.until) : null;
    if (since === null && options.since !== undefined) throw new JsonFileUnavailable(`since ${options.since}`);
    if (until === null && options.until !== undefined) throw new JsonFileUnavailable(`until ${options.until}`);
    const filter: EntryFilter = { since: since ?? undefined, until: until ?? undefined, sinceOnce: options.sinceOnce };

    // Files beyond max-file would mean the configuration we were told is not the one in use.
    const dir = path.dirname(logPath);
    const base = path.basename(logPath);
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (err) {
      throw new JsonFileUnavailable(`cannot list ${dir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    for (const n of names) {
      if (!n.startsWith(base + '.')) continue;
      const m = /^(\d+)(\.gz)?$/.exec(n.slice(base.length + 1));
      // (with max-file=1 the engine still renames the full file to .1, and never reads it)
      if (m && Number(m[1]) >= maxFiles && !(maxFiles <= 1 && m[1] === '1')) throw new JsonFileUnavailable(`${n} is beyond max-file=${maxFiles}`);
    }

    for (let attempt = 0; ; attempt++) {
      const parts = await openParts(logPath, maxFiles);
      try {
        if (await stillInPlace(parts)) {
          if (options.since !== undefined && parts.some((p) => p.gz)) {
            // Engines skip a compressed file by the last time in its gzip header, and 20.10 then
            // skips every newer rotated file too: the API is the one to ask.
            throw new JsonFileUnavailable('--since with compressed rotated files');
          }
          const nothing = options.tail === 0;
          if (!nothing) await planRanges(parts, options.tail);
          const log = new JsonFileLog(parts, filter, nothing);
          await log.probe();
          return log;
        }
      } catch (err) {
        await closeParts(parts);
        if (err instanceof JsonFileUnavailable) throw err;
        throw new JsonFileUnavailable((err as Error).message);
      }
      await closeParts(parts);
      if (attempt >= 2) throw new JsonFileUnavailable('the log files kept rotating while being opened');
    }
  }

  /** Decode the first entry to be read, so that a format we do not know is found before anything is handed on. */
  private async probe(): Promise<void> {
    const first = this.parts.find((p) => p.include && (p.gz || p.end > p.start));
    if (first === undefined || this.nothing) return;
    const conv = new JsonLogConverter();
    const chunks = first.gz ? gunzipChunks(first.handle, first.end) : plainChunks(first.handle, first.start, Math.min(first.end, first.start + SCAN_BYTES));
    let carry: Buffer = Buffer.alloc(0);
    let skip = first.gz ? first.skipLines : 0;
    try {
      for await (const chunk of chunks) {
        const buf = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
        let s = 0;
        for (let nl = buf.indexOf(0x0a); nl >= 0; nl = buf.indexOf(0x0a, s)) {
          if (skip > 0) skip--;
          else if (nl > s) {
            conv.entry(buf, s, nl);
            if (conv.entries > 0) return;
          }
          s = nl + 1;
        }
        carry = Buffer.from(buf.subarray(s));
      }
    } catch (err) {
      if (err instanceof JsonFileError) throw new JsonFileUnavailable(`the first entry does not decode: ${err.message}`);
      throw err;
    } finally {
      await chunks.return(undefined);
    }
  }

  /** The log as the demultiplexer's output, in chunks of whole lines of at least 256 KiB (but the last). Throws JsonFileError. */
  async *chunks(): AsyncGenerator<Buffer> {
    if (this.nothing) return;
    const conv = new JsonLogConverter(this.filter);
    try {
      for (const part of this.parts) {
        if (!part.include) continue;
        let carry: Buffer | null = null;
        let skip = part.gz ? part.skipLines : 0;
        const source = part.gz ? gunzipChunks(part.handle, part.end) : plainChunks(part.handle, part.start, part.end);
        for await (const chunk of source) {
          let s = 0;
          if (carry !== null) {
            // An entry across two reads.
            const nl = chunk.indexOf(0x0a);
            if (nl < 0) {
              carry = Buffer.concat([carry, chunk]);
              continue;
            }
            const line = Buffer.concat([carry, chunk.subarray(0, nl)]);
            carry = null;
            if (skip > 0) skip--;
            else if (line.length > 0) conv.entry(line, 0, line.length);
            s = nl + 1;
          }
          for (let nl = chunk.indexOf(0x0a, s); nl >= 0 && !conv.done; nl = chunk.indexOf(0x0a, s)) {
            if (skip > 0) skip--;
            else if (nl > s) conv.entry(chunk, s, nl);
            s = nl + 1;
          }
          if (conv.done) break;
          if (s < chunk.length) carry = Buffer.from(chunk.subarray(s));
          yield* this.handOn(conv.take());
        }
        if (conv.done) break;
        if (carry !== null && !part.current) throw new JsonFileError(`${path.basename(part.path)} ends inside an entry`);
        // (the file being written may end inside an entry still being written: the engine has not finished it)
      }
      yield* this.handOn(conv.finish());
    } finally {
      this.lineCounts = { ...conv.lineCounts };
      this.truncatedLines = conv.truncatedLines;
    }
  }

  /**
   * The chunks as a Readable (object mode, so each chunk stays whole; it reads at most one chunk
   * ahead, so lastLineBefore still knows the chunk a reader stopped after).
   */
  readable(): Readable {
    return Readable.from(this.chunks(), { highWaterMark: 1 });
  }

  /** The last line (with its newline) of the chunk that ends at byte `offset` of the output; null if that is no recent chunk's end. */
  lastLineBefore(offset: number): Buffer | null {
    const hit = this.recent.find((r) => r.end === offset);
    if (hit === undefined) return null;
    const c = hit.chunk;
    const prev = c.length >= 2 ? c.lastIndexOf(0x0a, c.length - 2) : -1;
    return Buffer.from(c.subarray(prev + 1));
  }

  private *handOn(chunks: Buffer[]): Generator<Buffer> {
    for (const c of chunks) {
      if (c.length === 0) continue;
      this.bytesOut += c.length;
      this.recent.push({ chunk: c, end: this.bytesOut });
      if (this.recent.length > 4) this.recent.shift();
      yield c;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await closeParts(this.parts);
  }
}

async function openParts(logPath: string, maxFiles: number): Promise<LogFilePart[]> {
  const parts: LogFilePart[] = [];
  try {
    for (const { plain, gz } of rotatedNames(logPath, maxFiles)) {
      let handle = await openIfThere(plain);
      let isGz = false;
      if (handle === null) {
        handle = await openIfThere(gz);
        isGz = handle !== null;
      }
      if (handle !== null) parts.push({ path: isGz ? gz : plain, handle, gz: isGz, start: 0, end: 0, skipLines: 0, current: false, include: true });
    }
    const current = await openIfThere(logPath);
    if (current === null) throw new JsonFileUnavailable(`${logPath} is not there`);
    parts.push({ path: logPath, handle: current, gz: false, start: 0, end: 0, skipLines: 0, current: true, include: true });
    for (const p of parts) {
      const st = await p.handle.stat();
      if (!st.isFile()) throw new JsonFileUnavailable(`${p.path} is not a regular file`);
      p.end = st.size;
    }
    return parts;
  } catch (err) {
    await closeParts(parts);
    throw err instanceof JsonFileUnavailable ? err : new JsonFileUnavailable((err as Error).message);
  }
}

/** Every opened file is still the one at its name (no rotation happened while they were opened). */
async function stillInPlace(parts: LogFilePart[]): Promise<boolean> {
  for (const p of parts) {
    const [byFd, byName] = await Promise.all([p.handle.stat(), stat(p.path).catch(() => null)]);
    if (byName === null || byName.ino !== byFd.ino || byName.dev !== byFd.dev) return false;
  }
  return true;
}

/** Set each part's range for --tail (or all), as pkg/tailfile counts lines; parts not reached are emptied. */
async function planRanges(parts: LogFilePart[], tail: number | undefined): Promise<void> {
  for (const p of parts) {
    if (p.gz) continue;
    const end = await lastNewlineEnd(p.handle, p.end);
    // The file being written may end inside an entry still being written; a rotated one may not.
    if (!p.current && end !== p.end) throw new JsonFileUnavailable(`${p.path} ends inside an entry`);
    p.end = end;
  }
  if (tail === undefined) return;
  let want = tail;
  for (let i = parts.length - 1; i >= 0; i--) {
    const p = parts[i]!;
    if (want <= 0) {
      p.include = false;
      continue;
    }
    if (p.gz) {
      const lines = await countGzLines(p.handle, p.end);
      const found = Math.min(lines, want);
      p.skipLines = lines - found;
      want -= found;
    } else {
      // tailfile sees nothing in a file of one byte or less
      if (p.end <= 1) p.end = 0;
      if (p.end === 0) continue;
      const { start, found } = await tailPlain(p.handle, p.end, want);
      p.start = found < want ? 0 : start;
      want -= found;
    }
  }
}

async function closeParts(parts: LogFilePart[]): Promise<void> {
  await Promise.all(parts.map((p) => p.handle.close().catch(() => undefined)));
}
