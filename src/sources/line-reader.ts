// Splits a byte stream into lines on Buffers: CRLF, BOMs and UTF-16, invalid UTF-8, NUL bytes,
// binary data and very long lines are handled here, so parsers only ever see sane text.
//
// Why not split2: we need a per-line cap that keeps the head of a 50 MB line instead of
// failing the stream, byte counts for progress, and encoding detection from the first bytes;
// scanning Buffers with indexOf is also what keeps the whole pipeline near grep's speed.
import { isUtf8 } from 'node:buffer';
import { TextDecoder } from 'node:util';

export interface LineReaderOptions<T extends TextLine = TextLine> {
  /** Makes the object a line is handed on as (default: a TextLine), so a source need not copy it. */
  line?: (lineNo: number, text: string) => T;
  /** Longest line kept; the rest of a longer line is skipped and counted. */
  maxLineBytes?: number;
  /** Called with the byte count as chunks arrive, for progress. */
  onBytes?: (total: number) => void;
  /** Takes routine lines straight from the bytes; they are counted but not decoded or yielded. */
  quiet?: QuietLineFilter;
  /** Plans the quiet filter's regions ahead (only used with `quiet`). */
  planner?: ChunkPlanner;
  /** Called with each chunk once nothing refers to its memory any more (buffer reuse). */
  release?: (chunk: Buffer) => void;
}

/**
 * A consumer that handles some lines on raw bytes (see pipeline/analyze.ts). It is handed
 * regions of whole lines inside one chunk, never a line that needs CR-less, NUL, invalid-UTF-8
 * handling, and says which of the region's lines must still be decoded and yielded.
 */
export interface QuietLineFilter {
  /**
   * A region buf[from, to) of whole lines (`to` is the last one's newline) of valid UTF-8 with no
   * NUL; `plan` is its plan when a ChunkPlanner made one ahead (pipeline/quiet-plan.ts).
   */
  chunk(buf: Buffer, from: number, to: number, plan: Int32Array | null): void;
  /**
   * Move to the region's next line that must be yielded: true with it in lineStart/lineEnd (no
   * newline), false when the region is done. `taken` counts the lines taken on the way.
   */
  next(): boolean;
  readonly lineStart: number;
  readonly lineEnd: number;
  /** Lines taken (counted, not yielded) since the reader last reset it to 0. */
  taken: number;
  /** The chunk is done: nothing taken may point into its memory any more. */
  endChunk(): void;
}

/** A chunk with the region a planner looked at (from/to as the reader computes them) and its plan, if any. */
export interface PlannedChunk {
  chunk: Buffer;
  from: number;
  to: number;
  plan: Int32Array | null;
  /** Give the chunk's memory back (instead of LineReaderOptions.release) once it is done. */
  release?: () => void;
}

/** Plans chunks ahead of the reader (in worker threads, pipeline/plan-workers.ts). */
export interface ChunkPlanner {
  /** The UTF-8 chunks in order, each given back in the same order, planned when it can be. */
  plan(chunks: AsyncIterable<Buffer | PlannedChunk>): AsyncIterable<Buffer | PlannedChunk>;
  /** A regular file of `size` bytes read and planned ahead, as readLines' input. */
  readFile?(file: string, size: number): AsyncIterable<Buffer | PlannedChunk>;
}

/** Text a quiet filter may take on raw bytes: no NUL (removed when decoded) and valid UTF-8. */
export function isCleanText(bytes: Buffer): boolean {
  return bytes.indexOf(0) < 0 && isUtf8(bytes);
}

/**
 * The region of whole lines of a chunk the quiet filter is offered: from the first line that
 * starts in it (after the end of a line carried over from the previous chunk) to its last newline.
 * `carried`: the previous chunk did not end with a newline. Null when there is no whole line.
 */
export function wholeLineRegion(chunk: Buffer, carried: boolean): { from: number; to: number } | null {
  const firstNl = carried ? chunk.indexOf(0x0a) : -1;
  const from = carried ? (firstNl < 0 ? chunk.length : firstNl + 1) : 0;
  const to = chunk.lastIndexOf(0x0a);
  return to > from ? { from, to } : null;
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
/** Longest line a quiet filter may take (longer ones are yielded, and cut at maxLineBytes). */
export const QUIET_MAX_LINE = 64 * 1024;

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

const EMPTY = Buffer.alloc(0);

/** Longest byte order mark: the first chunk handed on holds at least this much (or the whole stream). */
const BOM_BYTES = 3;

/**
 * The stream's chunks, with its first bytes held back until a byte order mark can be told: a
 * pipe may hand over a first chunk of one byte, which would read a UTF-16 file as UTF-8.
 */
async function* withWholeHead(stream: AsyncIterable<Buffer | string | PlannedChunk>): AsyncGenerator<Buffer | PlannedChunk> {
  let head: Buffer[] | null = [];
  let n = 0;
  for await (const chunkIn of stream) {
    if (typeof chunkIn !== 'string' && !Buffer.isBuffer(chunkIn)) {
      // a planned chunk (a file read ahead): whole from the start, but not after a short head
      if (head !== null && n > 0) {
        const held = Buffer.concat(head);
        head = null;
        yield held;
        chunkIn.plan = null;
      }
      head = null;
      yield chunkIn;
      continue;
    }
    const chunk: Buffer = typeof chunkIn === 'string' ? Buffer.from(chunkIn) : chunkIn;
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
  stream: AsyncIterable<Buffer | string | PlannedChunk>,
  stats: LineReaderStats,
  options: LineReaderOptions = {},
): AsyncGenerator<TextLine> {
  for await (const batch of readLineBatches(stream, stats, options)) yield* batch;
}

/**
 * readLines a chunk at a time: one await per chunk, its lines iterated synchronously (a line
 * through an async generator costs a promise and a turn of the event loop). Each batch must be
 * iterated to its end before the next is asked for: the quiet filter and the reader's state move
 * on only as its lines are taken.
 */
export async function* readLineBatches<T extends TextLine = TextLine>(
  stream: AsyncIterable<Buffer | string | PlannedChunk>,
  stats: LineReaderStats,
  options: LineReaderOptions<T> = {},
): AsyncGenerator<Iterable<T>> {
  const line = options.line ?? ((lineNo: number, text: string) => ({ lineNo, text }) as T);
  const maxLine = options.maxLineBytes ?? DEFAULT_MAX_LINE;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let overflow = false;
  let first = true;
  let utf16: TextDecoder | null = null;
  let utf16Carry = '';

  const emit = (buf: Buffer): T => {
    let end = buf.length;
    if (end > 0 && buf[end - 1] === 0x0d) end--;
    let text = buf.toString('utf8', 0, end);
    stats.lines++;
    if (text.includes('\ufffd')) stats.invalidUtf8Lines++;
    if (text.includes('\u0000')) {
      stats.nulLines++;
      text = text.replace(/\u0000+/g, '');
    }
    return line(stats.lines, text);
  };

  const emitString = (s: string): T => {
    stats.lines++;
    let text = s.endsWith('\r') ? s.slice(0, -1) : s;
    if (text.includes('\u0000')) {
      stats.nulLines++;
      text = text.replace(/\u0000+/g, '');
    }
    return line(stats.lines, text);
  };

  // The stream's chunks after the first has told the encoding; UTF-16 is decoded right here.
  const counted = async function* (): AsyncGenerator<Buffer | PlannedChunk> {
    for await (const item of withWholeHead(stream)) {
      const planned = Buffer.isBuffer(item) ? null : item;
      let chunk: Buffer = planned === null ? (item as Buffer) : planned.chunk;
      stats.bytes += chunk.length;
      options.onBytes?.(stats.bytes);
      if (first) {
        first = false;
        const { encoding, bom } = detectEncoding(chunk);
        stats.encoding = encoding;
        if (bom) {
          chunk = chunk.subarray(bom);
          if (planned !== null) {
            // offsets move: the plan no longer fits
            planned.chunk = chunk;
            planned.plan = null;
          }
        }
        if (encoding === 'utf-16le' || encoding === 'utf-16be') {
          // The decoder carries a code unit split across chunks (an odd byte, a surrogate half).
          utf16 = new TextDecoder(encoding);
        } else if (looksBinary(chunk)) {
          stats.binary = true;
        }
      }
      if (utf16) {
        // UTF-16 files are rare and small (Windows exports): decode to text, split by the caller.
        utf16Parts.push(...(utf16Carry + utf16.decode(chunk, { stream: true })).split('\n'));
        utf16Carry = utf16Parts.pop() ?? '';
        planned?.release?.();
        yield EMPTY; // the caller yields the decoded lines before the next chunk is read
        continue;
      }
      if (stats.binary) {
        planned?.release?.();
        return;
      }
      yield planned ?? chunk;
    }
  };
  const utf16Parts: string[] = [];
  const quiet = maxLine >= QUIET_MAX_LINE ? options.quiet : undefined;
  const chunks: AsyncIterable<Buffer | PlannedChunk> = quiet !== undefined && options.planner !== undefined ? options.planner.plan(counted()) : counted();

  let open = false;
  for await (const item of chunks) {
    if (open) throw new Error('readLineBatches: a batch was left before its end');
    open = true;
    yield linesOf(item);
  }
  yield rest();

  /** The lines of one chunk (and UTF-16 lines decoded before it). */
  function* linesOf(item: Buffer | PlannedChunk): Generator<T> {
    if (utf16Parts.length > 0) {
      for (const p of utf16Parts) yield emitString(p);
      utf16Parts.length = 0;
    }
    const planned = Buffer.isBuffer(item) ? null : item;
    const chunk: Buffer = planned === null ? (item as Buffer) : planned.chunk;

    let start = 0;
    // the whole lines of this chunk that start in it: offered to the quiet filter when clean
    let quietFrom = -1;
    let quietTo = -1;
    let plan: Int32Array | null = null;
    if (quiet !== undefined) {
      const region = wholeLineRegion(chunk, pendingBytes > 0 || overflow);
      if (region !== null) {
        if (planned !== null && planned.plan !== null && planned.from === region.from && planned.to === region.to) {
          // the planner checked the region (no NUL, valid UTF-8) when it planned it
          plan = planned.plan;
          quietFrom = region.from;
          quietTo = region.to;
        } else {
          if (isCleanText(chunk.subarray(region.from, region.to))) {
            quietFrom = region.from;
            quietTo = region.to;
          }
        }
      }
    }
    for (;;) {
      if (start === quietFrom) {
        // the region: the filter takes what it can and hands back the lines to yield
        quiet!.chunk(chunk, quietFrom, quietTo, plan);
        quiet!.taken = 0;
        while (quiet!.next()) {
          stats.lines += quiet!.taken;
          quiet!.taken = 0;
          let lineBuf = chunk.subarray(quiet!.lineStart, quiet!.lineEnd);
          if (lineBuf.length > maxLine) {
            stats.truncatedLines++;
            lineBuf = lineBuf.subarray(0, maxLine);
          }
          yield emit(lineBuf);
        }
        stats.lines += quiet!.taken;
        quiet!.taken = 0;
        start = quietTo + 1;
        continue;
      }
      const nl = chunk.indexOf(0x0a, start);
      if (nl < 0) break;
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
        const cut = emit(head);
        stats.lines--;
        yield line(stats.lines + 1, cut.text);
      } else {
        // Copy: the chunk's memory is reused.
        pending.push(Buffer.from(rest));
        pendingBytes += rest.length;
      }
    }
    if (quietFrom >= 0) quiet!.endChunk();
    if (planned?.release !== undefined) planned.release();
    else options.release?.(chunk);
    open = false;
  }

  /** What is left when the stream ends: decoded UTF-16 lines, a last line with no newline. */
  function* rest(): Generator<T> {
    for (const p of utf16Parts) yield emitString(p);
    if (stats.binary) return;
    const decoder = utf16 as TextDecoder | null; // set inside the chunk generator
    if (decoder !== null) {
      const tail = utf16Carry + decoder.decode();
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
}

export function newReaderStats(): LineReaderStats {
  return { bytes: 0, lines: 0, truncatedLines: 0, invalidUtf8Lines: 0, nulLines: 0, encoding: 'utf-8', binary: false };
}
