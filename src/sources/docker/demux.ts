// Demultiplexes the Docker Engine API's log and exec streams: 8-byte frame headers when the
// container has no TTY, raw bytes when it has one.
//
// A frame is `[stream, 0, 0, 0, size(uint32 BE)]` then `size` bytes; stream 1 is stdout, 2 is
// stderr (0, stdin, is read as stdout). With `timestamps=true` the engine puts one
// RFC3339Nano stamp and a space in front of every log *message*, and a message is a line or,
// for lines over 16 KiB, a piece of one. So a line can span several frames (each with its own
// stamp) and stdout and stderr frames interleave. The demuxer keeps a partial line per stream
// and writes only whole lines, so that the merged output can go through readLines unchanged;
// a continuation frame's stamp is dropped and the line keeps the stamp of its first piece.
//
// Why not docker-modem's demuxStream: it concatenates its whole pending buffer on every chunk,
// ignores back-pressure, and knows nothing of lines split across frames.
import { Transform, type TransformCallback } from 'node:stream';

export type StdStream = 'stdout' | 'stderr';

/** A frame larger than this is passed on in pieces instead of being held whole. */
const MAX_HELD_FRAME = 1024 * 1024;
const DEFAULT_MAX_LINE = 1024 * 1024;

/** `2026-11-22T04:01:22.129392381Z ` and offsets; the engine's stamp at the start of a message. */
export const DOCKER_STAMP_RE = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})) ?/;
const MAX_STAMP_BYTES = 36;

/**
 * Splits a multiplexed byte stream into frames. `onFrame` gets whole frames (or, for frames over
 * 1 MiB, pieces of one: `first` marks the first piece). When a header is not a valid frame
 * header the stream was not multiplexed after all (a TTY container): from there on every byte
 * goes to `onRaw`.
 */
export class FrameSplitter {
  private header = Buffer.alloc(8);
  private headerBytes = 0;
  private remaining = 0;
  private stream: StdStream = 'stdout';
  private held: Buffer[] = [];
  private holding = false;
  private firstPiece = true;
  raw = false;

  constructor(
    private readonly onFrame: (stream: StdStream, payload: Buffer, first: boolean) => void,
    private readonly onRaw: (bytes: Buffer) => void,
  ) {}

  push(chunk: Buffer): void {
    if (this.raw) {
      this.onRaw(chunk);
      return;
    }
    let pos = 0;
    while (pos < chunk.length) {
      if (this.remaining === 0) {
        const take = Math.min(8 - this.headerBytes, chunk.length - pos);
        chunk.copy(this.header, this.headerBytes, pos, pos + take);
        this.headerBytes += take;
        pos += take;
        if (this.headerBytes < 8) return;
        this.headerBytes = 0;
        const type = this.header[0]!;
        if (type > 2 || this.header[1] !== 0 || this.header[2] !== 0 || this.header[3] !== 0) {
          this.raw = true;
          this.onRaw(Buffer.concat([this.header, chunk.subarray(pos)]));
          return;
        }
        this.stream = type === 2 ? 'stderr' : 'stdout';
        this.remaining = this.header.readUInt32BE(4);
        this.holding = this.remaining <= MAX_HELD_FRAME;
        this.firstPiece = true;
        this.held = [];
        if (this.remaining === 0) continue;
      }
      const take = Math.min(this.remaining, chunk.length - pos);
      // Copy: the source may reuse the chunk's memory.
      const piece = Buffer.from(chunk.subarray(pos, pos + take));
      pos += take;
      this.remaining -= take;
      if (this.holding) {
        this.held.push(piece);
        if (this.remaining === 0) {
          const whole = this.held.length === 1 ? this.held[0]! : Buffer.concat(this.held);
          this.held = [];
          this.onFrame(this.stream, whole, true);
        }
      } else {
        this.onFrame(this.stream, piece, this.firstPiece);
        this.firstPiece = false;
      }
    }
  }

  /** True when the stream ended in the middle of a frame. */
  get midFrame(): boolean {
    return this.remaining > 0 || this.headerBytes > 0;
  }
}

export interface LogDemuxOptions {
  /** The container has a TTY: the stream is raw, not framed. */
  tty: boolean;
  /** The stream was asked for with timestamps=true. */
  timestamps: boolean;
  /** Longest line kept (its head); the rest is dropped and counted. */
  maxLineBytes?: number;
}

interface StreamState {
  pending: Buffer[];
  pendingBytes: number;
  /** Dropping the rest of an over-long line until its newline. */
  dropping: boolean;
}

/**
 * A Transform from the Engine API's log stream to whole lines (stdout and stderr merged in the
 * order their lines completed), each still starting with its docker stamp when asked for.
 */
export class LogDemuxer extends Transform {
  /** Whole lines seen per stream. */
  readonly lineCounts = { stdout: 0, stderr: 0 };
  truncatedLines = 0;
  private readonly splitter: FrameSplitter;
  private readonly states: Record<StdStream, StreamState> = {
    stdout: { pending: [], pendingBytes: 0, dropping: false },
    stderr: { pending: [], pendingBytes: 0, dropping: false },
  };
  private readonly maxLine: number;
  private rawMode: boolean;

  constructor(private readonly options: LogDemuxOptions) {
    super();
    this.maxLine = options.maxLineBytes ?? DEFAULT_MAX_LINE;
    this.rawMode = options.tty;
    this.splitter = new FrameSplitter(
      (stream, payload, first) => this.onFrame(stream, payload, first),
      (bytes) => {
        this.flushPartials();
        this.rawMode = true;
        this.push(bytes);
      },
    );
  }

  /** True once the stream turned out to be (or was declared) raw. */
  get raw(): boolean {
    return this.rawMode;
  }

  override _transform(chunk: Buffer | string, _enc: BufferEncoding, done: TransformCallback): void {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    if (this.rawMode) {
      // readLines splits raw TTY output itself; newline counts are for the stats only.
      this.lineCounts.stdout += countNewlines(buf);
      this.push(buf);
    } else {
      this.splitter.push(buf);
    }
    done();
  }

  override _flush(done: TransformCallback): void {
    this.flushPartials();
    done();
  }

  private flushPartials(): void {
    for (const s of ['stdout', 'stderr'] as const) {
      const st = this.states[s];
      if (st.pendingBytes > 0) this.emitLine(s, []);
      st.dropping = false;
    }
  }

  private onFrame(stream: StdStream, payloadIn: Buffer, first: boolean): void {
    const st = this.states[stream];
    let payload = payloadIn;
    if (first && this.options.timestamps && (st.pendingBytes > 0 || st.dropping)) {
      // A continuation of a long line: its own stamp goes, the line keeps its first one.
      const head = payload.toString('latin1', 0, Math.min(payload.length, MAX_STAMP_BYTES));
      const m = DOCKER_STAMP_RE.exec(head);
      if (m) payload = payload.subarray(m[0].length);
    }
    let start = 0;
    for (;;) {
      const nl = payload.indexOf(0x0a, start);
      if (nl < 0) break;
      if (st.dropping) {
        st.dropping = false;
      } else {
        this.emitLine(stream, [payload.subarray(start, nl)]);
      }
      start = nl + 1;
    }
    if (start < payload.length && !st.dropping) {
      const rest = payload.subarray(start);
      if (st.pendingBytes + rest.length > this.maxLine) {
        st.pending.push(rest.subarray(0, this.maxLine - st.pendingBytes));
        st.pendingBytes = this.maxLine;
        this.truncatedLines++;
        this.emitLine(stream, []);
        st.dropping = true;
      } else {
        st.pending.push(rest);
        st.pendingBytes += rest.length;
      }
    }
  }

  private emitLine(stream: StdStream, tail: Buffer[]): void {
    const st = this.states[stream];
    const parts = st.pending.length > 0 ? [...st.pending, ...tail] : tail;
    st.pending = [];
    st.pendingBytes = 0;
    parts.push(NEWLINE);
    this.lineCounts[stream]++;
    this.push(Buffer.concat(parts));
  }
}

const NEWLINE = Buffer.from('\n');

function countNewlines(buf: Buffer): number {
  let n = 0;
  let i = buf.indexOf(0x0a);
  while (i >= 0) {
    n++;
    i = buf.indexOf(0x0a, i + 1);
  }
  return n;
}

/** Collects the stdout and stderr of a (small) exec stream, each capped at `cap` bytes. */
export class ExecCollector {
  readonly out: Record<StdStream, Buffer[]> = { stdout: [], stderr: [] };
  readonly bytes: Record<StdStream, number> = { stdout: 0, stderr: 0 };
  truncated = false;
  private readonly splitter: FrameSplitter;

  constructor(
    tty: boolean,
    private readonly cap: number,
  ) {
    this.splitter = new FrameSplitter(
      (stream, payload) => this.add(stream, payload),
      (bytes) => this.add('stdout', bytes),
    );
    if (tty) this.splitter.raw = true;
  }

  push(chunk: Buffer): void {
    this.splitter.push(chunk);
  }

  text(stream: StdStream): string {
    return Buffer.concat(this.out[stream]).toString('utf8');
  }

  buffer(stream: StdStream): Buffer {
    return Buffer.concat(this.out[stream]);
  }

  private add(stream: StdStream, payload: Buffer): void {
    const room = this.cap - this.bytes[stream];
    if (room <= 0) {
      this.truncated = true;
      return;
    }
    const piece = payload.length > room ? payload.subarray(0, room) : payload;
    if (piece.length < payload.length) this.truncated = true;
    this.out[stream].push(piece);
    this.bytes[stream] += piece.length;
  }
}
