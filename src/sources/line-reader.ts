// Splits a byte stream into lines on Buffers: CRLF, BOMs and UTF-16, invalid UTF-8, NUL bytes,
// binary data and very long lines are handled here, so parsers only ever see sane text.
//
// Why not split2: we need a per-line cap that keeps the head of a 50 MB line instead of
// failing the stream, byte counts for progress, and encoding detection from the first bytes;
// scanning Buffers with indexOf is also what keeps the whole pipeline near grep's speed.
import type { Readable } from 'node:stream';
import { isUtf8 } from 'node:buffer';
import { TextDecoder } from 'node:util';

export interface LineReaderOptions {
  /** Longest line kept; the rest of a longer line is skipped and counted. */
  maxLineBytes?: number;
  /** Called with the byte count as chunks arrive, for progress. */
  onBytes?: (total: number) => void;
  /** Takes routine lines straight from the bytes; they are counted but not decoded or yielded. */
  quiet?: QuietLineFilter;
}

/**
 * A consumer that handles some lines on raw bytes (see pipeline/analyze.ts). Only whole lines
 * inside one chunk are offered, never one that needs CR, NUL, invalid-UTF-8 or length handling.
 */
export interface QuietLineFilter {
  /** A region of whole lines of valid UTF-8 with no NUL is about to be offered, line by line. */
  chunk(buf: Buffer, start: number, end: number): void;
  /** True when the line buf[start, end) (no newline) was taken; it is then only counted. */
  line(buf: Buffer, start: number, end: number): boolean;
  /** The chunk is done: nothing taken may point into its memory any more. */
  endChunk(): void;
}

export interface LineReaderStats {
  bytes: number;
  lines: number;
  truncatedLines: number;
  invalidUtf8Lines: number;
  nulLines: number;
  encoding: 'utf-8' | 'utf-16le' | 'utf-16be';
  binary: boolean;
}

export interface TextLine {
  lineNo: number;
  text: string;
}

const DEFAULT_MAX_LINE = 1024 * 1024;

/** True when a first chunk looks like binary data rather than text. */
export function looksBinary(head: Buffer): boolean {
  const n = Math.min(head.length, 8192);
  if (n === 0) return false;
  let suspicious = 0;
  for (let i = 0; i < n; i++) {
    const b = head[i]!;
    if (b === 0 || (b < 0x09) || (b > 0x0d && b < 0x20 && b !== 0x1b)) suspicious++;
  }
  return suspicious > 8 && suspicious / n > 0.1;
}

function detectEncoding(head: Buffer): { encoding: LineReaderStats['encoding']; bom: number } {
  if (head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf-8', bom: 3 };
  if (head.length >= 2 && head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le', bom: 2 };
  if (head.length >= 2 && head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf-16be', bom: 2 };
  return { encoding: 'utf-8', bom: 0 };
}

/** Longest byte order mark: the first chunk handed on holds at least this much (or the whole stream). */
const BOM_BYTES = 3;

/**
 * The stream's chunks, with its first bytes held back until a byte order mark can be told: a
 * pipe may hand over a first chunk of one byte, which would read a UTF-16 file as UTF-8.
 */
async function* withWholeHead(stream: Readable): AsyncGenerator<Buffer> {
  let head: Buffer[] | null = [];
  let n = 0;
  for await (const chunkIn of stream) {
    const chunk: Buffer = typeof chunkIn === 'string' ? Buffer.from(chunkIn) : (chunkIn as Buffer);
    if (head === null) {
      yield chunk;
      continue;
    }
    head.push(chunk);
    n += chunk.length;
    if (n >= BOM_BYTES) {
      const first = head.length === 1 ? chunk : Buffer.concat(head);
      head = null;
      yield first;
    }
  }
  if (head !== null && n > 0) yield Buffer.concat(head);
}

/**
 * Read lines from a stream. The stats object fills in as reading goes on and is final when the
 * iteration ends. Throws only what the stream itself throws (a read error).
 */
export async function* readLines(
  stream: Readable,
  stats: LineReaderStats,
  options: LineReaderOptions = {},
): AsyncGenerator<TextLine> {
  const maxLine = options.maxLineBytes ?? DEFAULT_MAX_LINE;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let overflow = false;
  let first = true;
  let utf16: TextDecoder | null = null;
  let utf16Carry = '';

  const emit = (buf: Buffer): TextLine => {
    let end = buf.length;
    if (end > 0 && buf[end - 1] === 0x0d) end--;
    let text = buf.toString('utf8', 0, end);
    stats.lines++;
    if (text.includes('\ufffd')) stats.invalidUtf8Lines++;
    if (text.includes('\u0000')) {
      stats.nulLines++;
      text = text.replace(/\u0000+/g, '');
    }
    return { lineNo: stats.lines, text };
  };

  const emitString = (s: string): TextLine => {
    stats.lines++;
    let text = s.endsWith('\r') ? s.slice(0, -1) : s;
    if (text.includes('\u0000')) {
      stats.nulLines++;
      text = text.replace(/\u0000+/g, '');
    }
    return { lineNo: stats.lines, text };
  };

  for await (const chunkIn of withWholeHead(stream)) {
    let chunk: Buffer = chunkIn;
    stats.bytes += chunk.length;
    options.onBytes?.(stats.bytes);
    if (first) {
      first = false;
      const { encoding, bom } = detectEncoding(chunk);
      stats.encoding = encoding;
      if (bom) chunk = chunk.subarray(bom);
      if (encoding === 'utf-16le' || encoding === 'utf-16be') {
        // The decoder carries a code unit split across chunks (an odd byte, a surrogate half).
        utf16 = new TextDecoder(encoding);
      } else if (looksBinary(chunk)) {
        stats.binary = true;
        return;
      }
    }

    if (utf16) {
      // UTF-16 files are rare and small (Windows exports): decode to text, then split.
      const decoded = utf16.decode(chunk, { stream: true });
      const parts = (utf16Carry + decoded).split('\n');
      utf16Carry = parts.pop() ?? '';
      for (const p of parts) yield emitString(p);
      continue;
    }

    let start = 0;
    // the whole lines of this chunk that start in it: offered to the quiet filter when clean
    let quietFrom = -1;
    let quietTo = -1;
    const quiet = options.quiet;
    if (quiet !== undefined) {
      const firstNl = pendingBytes > 0 || overflow ? chunk.indexOf(0x0a) : -1;
      const from = pendingBytes > 0 || overflow ? (firstNl < 0 ? chunk.length : firstNl + 1) : 0;
      const to = chunk.lastIndexOf(0x0a);
      if (to > from) {
        const region = chunk.subarray(from, to);
        if (region.indexOf(0) < 0 && isUtf8(region)) {
          quietFrom = from;
          quietTo = to;
          quiet.chunk(chunk, from, to);
        }
      }
    }
    for (;;) {
      const nl = chunk.indexOf(0x0a, start);
      if (nl < 0) break;
      if (start >= quietFrom && nl <= quietTo && !overflow && pendingBytes === 0 && nl - start <= maxLine && quiet!.line(chunk, start, nl)) {
        stats.lines++;
        start = nl + 1;
        continue;
      }
      if (overflow) {
        // The end of an over-long line whose head was already emitted: count it, nothing more.
        overflow = false;
        stats.lines++;
        start = nl + 1;
        continue;
      }
      let lineBuf: Buffer;
      if (pendingBytes > 0) {
        pending.push(chunk.subarray(start, nl));
        lineBuf = Buffer.concat(pending);
        pending = [];
        pendingBytes = 0;
      } else {
        lineBuf = chunk.subarray(start, nl);
      }
      if (lineBuf.length > maxLine) {
        stats.truncatedLines++;
        lineBuf = lineBuf.subarray(0, maxLine);
      }
      yield emit(lineBuf);
      start = nl + 1;
    }
    if (start < chunk.length && !overflow) {
      const rest = chunk.subarray(start);
      if (pendingBytes + rest.length > maxLine) {
        // Keep the head of an over-long line and emit it now; skip to its end.
        pending.push(rest.subarray(0, Math.max(0, maxLine - pendingBytes)));
        const head = Buffer.concat(pending);
        pending = [];
        pendingBytes = 0;
        stats.truncatedLines++;
        overflow = true;
        // Emit the head now; the line is counted when its end is reached.
        const line = emit(head);
        stats.lines--;
        yield { lineNo: stats.lines + 1, text: line.text };
      } else {
        // Copy: the stream may reuse the chunk's memory.
        pending.push(Buffer.from(rest));
        pendingBytes += rest.length;
      }
    }
    if (quietFrom >= 0) quiet!.endChunk();
  }
  if (utf16) {
    const tail = utf16Carry + utf16.decode();
    if (tail !== '') yield emitString(tail);
    return;
  }
  if (overflow) {
    stats.lines++;
    return;
  }
  if (pendingBytes > 0) {
    yield emit(Buffer.concat(pending));
  }
}

export function newReaderStats(): LineReaderStats {
  return { bytes: 0, lines: 0, truncatedLines: 0, invalidUtf8Lines: 0, nulLines: 0, encoding: 'utf-8', binary: false };
}
