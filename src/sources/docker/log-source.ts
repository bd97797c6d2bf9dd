// One container's log as lines with the engine's timestamps: read from the json-file driver's
// files when the engine is local, else (and on anything unexpected) streamed from the Engine API.
import { pipeline, Readable } from 'node:stream';
import type Docker from 'dockerode';
import type { ContainerInfo } from '../../model/container.js';
import type { RawLine } from '../../model/event.js';
import { SourceError } from '../errors.js';
import { type LineReaderStats, newReaderStats, type QuietLineFilter, readLines, type TextLine } from '../line-reader.js';
import type { LineSource } from '../source.js';
import { engineMessage } from './client.js';
import { DOCKER_STAMP_RE, LogDemuxer } from './demux.js';
import { JsonFileError, JsonFileLog, type JsonFileLogConfig } from './json-file.js';
import type { LogWindow } from './log-window.js';

export interface DockerLogOptions extends LogWindow {
  /** Keep the stream open for new lines (docker logs -f). The reader streams either way. */
  follow?: boolean;
  abortSignal?: AbortSignal;
  /**
   * The container's json-file log (inspect's LogPath and max-file), given only when its files may
   * be read directly: the engine is reached through a local socket and ETCDDOCTOR_DOCKER_LOGS is
   * not `api` (see openDockerSources). Absent: the Engine API is read.
   */
  jsonFile?: JsonFileLogConfig | null;
}

/** Engines from 24.0 (API 1.43) stop checking --since after the first entry at or after it. */
const SINCE_ONCE_API = [1, 43] as const;
const apiVersions = new WeakMap<Docker, Promise<[number, number] | null>>();

/** The engine's API version (major, minor), asked once per client; null when it does not say. */
function engineApiVersion(docker: Docker): Promise<[number, number] | null> {
  let v = apiVersions.get(docker);
  if (v === undefined) {
    v = (docker.version as unknown as (o: { abortSignal: AbortSignal }) => Promise<{ ApiVersion?: string }>)
      .call(docker, { abortSignal: AbortSignal.timeout(5000) })
      .then((r) => {
        const m = /^(\d+)\.(\d+)/.exec(r.ApiVersion ?? '');
        return m ? ([Number(m[1]), Number(m[2])] as [number, number]) : null;
      })
      .catch(() => null);
    apiVersions.set(docker, v);
  }
  return v;
}

/** The API's stream did not start with the lines already read from the files. */
class ResumeMismatch extends Error {}

/**
 * The stream without its first `n` bytes, which must end with `tail` (the last line already read
 * from the files): the API is read from where the direct read broke off.
 */
async function* skipBytes(stream: AsyncIterable<Buffer>, n: number, tail: Buffer): AsyncGenerator<Buffer> {
  let pos = 0;
  const seen = Buffer.alloc(tail.length);
  const from = n - tail.length;
  for await (const chunk of stream) {
    if (pos >= n) {
      yield chunk;
      continue;
    }
    const take = Math.min(n - pos, chunk.length);
    // the part of [from, n) in this chunk
    const a = Math.max(from, pos);
    if (a < pos + take) chunk.copy(seen, a - from, a - pos, take);
    pos += take;
    if (pos === n) {
      if (!seen.equals(tail)) throw new ResumeMismatch();
      if (take < chunk.length) yield chunk.subarray(take);
    }
  }
  if (pos < n) throw new ResumeMismatch();
}

/**
 * A docker stamp in the pipeline's canonical instant form (`2026-11-22T04:01:22.129392Z`: UTC,
 * six fraction digits, as src/parsers/time.ts writes them; the test checks they agree). Kept
 * here so that sources do not depend on parsers.
 */
export function dockerStampToInstant(stamp: string): string | null {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/.exec(stamp);
  if (!m) return null;
  const frac = (m[2] ?? '').slice(0, 6).padEnd(6, '0');
  if (m[3] === 'Z') return `${m[1]}.${frac}Z`;
  // The engine writes UTC; an offset is possible only from an odd proxy. Shift it to UTC.
  const ms = Date.parse(`${m[1]}${m[3]}`);
  if (!Number.isFinite(ms)) return null;
  return `${new Date(ms).toISOString().slice(0, 19)}.${frac}Z`;
}

/** Positions of the digits in `2026-11-22T04:01:22.129392381Z `. */
const FIXED_STAMP_DIGITS = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18, 20, 21, 22, 23, 24, 25, 26, 27, 28];

/**
 * The engine's own stamp (RFC3339NanoFixed: nine fraction digits, Z, then a space), which is what
 * every line from the API or the json-file files starts with, in its canonical instant form;
 * null for anything else (the regular expressions then decide). Two regular expressions a line
 * were a fifth of the time spent reading 600k lines.
 */
function fixedStampInstant(text: string): string | null {
  if (text.length < 31 || text.charCodeAt(30) !== 0x20 || text.charCodeAt(29) !== 0x5a || text.charCodeAt(19) !== 0x2e) return null;
  if (text.charCodeAt(4) !== 0x2d || text.charCodeAt(7) !== 0x2d || text.charCodeAt(10) !== 0x54 || text.charCodeAt(13) !== 0x3a || text.charCodeAt(16) !== 0x3a) return null;
  for (const k of FIXED_STAMP_DIGITS) {
    const c = text.charCodeAt(k);
    if (c < 0x30 || c > 0x39) return null;
  }
  return `${text.slice(0, 26)}Z`;
}

/**
 * The docker stamp is taken off every line into `transportTs`, so parsers see etcd's own line
 * and use the stamp only when the line has no time of its own.
 */
export function splitDockerStamp(text: string): { text: string; ts: string | undefined } {
  const fixed = fixedStampInstant(text);
  if (fixed !== null) return { text: text.slice(31), ts: fixed };
  const m = DOCKER_STAMP_RE.exec(text);
  if (!m) return { text, ts: undefined };
  const ts = dockerStampToInstant(m[1]!);
  if (ts === null) return { text, ts: undefined };
  return { text: text.slice(m[0].length), ts };
}

export class DockerLogSource implements LineSource {
  readonly kind = 'docker' as const;
  readonly takesQuiet = true;
  readonly nodeOrigin = 'docker' as const;
  readonly stats: LineReaderStats = newReaderStats();
  readonly warnings: string[] = [];
  readonly meta: { container: ContainerInfo };
  /** Whole lines per stream once read: both should show for a container that writes to both. */
  readonly streamLines = { stdout: 0, stderr: 0 };
  /** How the log was read: from the json-file driver's files, the Engine API, or both (the API took over mid-way). */
  readVia: 'json-file' | 'api' | 'json-file+api' | null = null;
  /** Why the files were not read directly, when they could have been (for debugging and tests). */
  jsonFileNote: string | null = null;
  readonly name: string;
  readonly node: string;

  constructor(
    private readonly docker: Docker,
    readonly container: ContainerInfo,
    private readonly options: DockerLogOptions,
  ) {
    this.name = `docker:${container.name}`;
    this.node = container.name;
    this.meta = { container };
  }

  /** Open the Engine API's log stream. dockerode's own logs() buffers the whole log unless following, so dial directly. */
  private openStream(): Promise<Readable> {
    const o = this.options;
    const query: Record<string, unknown> = {
      stdout: true,
      stderr: true,
      timestamps: true,
      follow: o.follow ?? false,
    };
    if (o.since !== undefined) query.since = o.since;
    if (o.until !== undefined) query.until = o.until;
    query.tail = o.tail !== undefined ? String(o.tail) : 'all';
    return new Promise((resolve, reject) => {
      this.docker.modem.dial(
        {
          path: `/containers/${encodeURIComponent(this.container.id)}/logs?`,
          method: 'GET',
          isStream: true,
          abortSignal: o.abortSignal,
          statusCodes: { 200: true, 404: 'no such container', 501: 'not implemented', 500: 'server error' },
          options: query,
        },
        (err: unknown, stream: unknown) => (err ? reject(err) : resolve(stream as Readable)),
      );
    });
  }

  /**
   * The log's lines. With `quiet`, routine lines are handed to it on raw bytes and not yielded
   * (see pipeline/analyze.ts).
   *
   * The json-file driver's files are read directly, with no Engine API round trip, when all of
   * these hold (else the API is read, as it always was):
   * - not --follow, and the container has no TTY (its raw stream keeps every piece's stamp);
   * - `options.jsonFile` was given: the engine is reached through a unix socket (a local engine,
   *   not tcp:// or a forwarded remote one: the files must be this machine's) and
   *   ETCDDOCTOR_DOCKER_LOGS is not `api`; the driver is json-file with a sane max-file;
   * - the dockerode client itself talks through a socket path;
   * - LogPath is `<id>-json.log` of this container and it, and every rotated file the engine
   *   would read, opens (root or rootless docker) and stays in place while they are opened;
   *   no rotated file is beyond max-file and none ends inside an entry;
   * - with --since: the engine says its API version (the --since rule changed in 24.0) and no
   *   rotated file is compressed (engines skip those by the time in their gzip header);
   * - the first entry to be read decodes.
   * They give exactly the lines, stamps and stats the API gives (test/sources/docker-json-file
   * .test.ts compares them). Should anything go wrong later (a read error, an entry that does not
   * decode), a warning says so and the API is read from the byte where the files broke off, so
   * no line is read twice.
   */
  async *lines(quiet?: QuietLineFilter): AsyncIterable<RawLine> {
    const direct = await this.openJsonFile();
    let resume: { bytes: number; tail: Buffer } | null = null;
    if (direct !== null) {
      this.readVia = 'json-file';
      let failure: JsonFileError | null = null;
      try {
        for await (const line of readLines(direct.readable(), this.stats, quiet ? { quiet } : {})) yield this.rawLine(line);
      } catch (err) {
        if (!(err instanceof JsonFileError)) throw new SourceError(this.name, `could not read its json-file log: ${(err as Error).message}`);
        failure = err;
      } finally {
        await direct.close();
      }
      if (failure === null) {
        this.streamLines.stdout = direct.lineCounts.stdout;
        this.streamLines.stderr = direct.lineCounts.stderr;
        this.finish(direct.truncatedLines);
        return;
      }
      // Every chunk ends with a whole line, and the reader had read whole every chunk it took.
      const tail = this.stats.bytes === 0 ? Buffer.alloc(0) : direct.lastLineBefore(this.stats.bytes);
      if (tail === null) throw new SourceError(this.name, `its json-file log could not be read to the end: ${failure.message}`);
      this.warnings.push(`its json-file log could not be read directly to the end (${failure.message}); the rest was read through the Engine API`);
      this.readVia = 'json-file+api';
      if (this.stats.bytes > 0) resume = { bytes: this.stats.bytes, tail };
    } else {
      this.readVia = 'api';
    }
    yield* this.readApi(quiet, resume);
  }

  /** The json-file log opened for reading, or null (with the reason in jsonFileNote) when the API must be read. */
  private async openJsonFile(): Promise<JsonFileLog | null> {
    const o = this.options;
    const config = o.jsonFile;
    if (!config || o.follow || this.container.tty) return null;
    // docker-modem keeps a socket path, or a function finding the default socket; tcp and ssh have none.
    const socketPath = (this.docker.modem as { socketPath?: unknown }).socketPath;
    if (typeof socketPath !== 'string' && typeof socketPath !== 'function') {
      this.jsonFileNote = 'the engine is not reached through a local socket';
      return null;
    }
    let sinceOnce = false;
    if (o.since !== undefined) {
      const v = await engineApiVersion(this.docker);
      if (v === null) {
        this.jsonFileNote = 'the engine did not say its API version (needed for --since)';
        return null;
      }
      sinceOnce = v[0] > SINCE_ONCE_API[0] || (v[0] === SINCE_ONCE_API[0] && v[1] >= SINCE_ONCE_API[1]);
    }
    try {
      return await JsonFileLog.open(config, { since: o.since, until: o.until, tail: o.tail, sinceOnce });
    } catch (err) {
      this.jsonFileNote = (err as Error).message;
      return null;
    }
  }

  private rawLine(line: TextLine): RawLine {
    const { text, ts } = splitDockerStamp(line.text);
    const raw: RawLine = { source: this.name, lineNo: line.lineNo, text, node: this.node, nodeOrigin: 'docker' };
    if (ts !== undefined) raw.transportTs = ts;
    return raw;
  }

  /** Warnings on what the reader met, once the log is read. */
  private finish(demuxTruncated: number): void {
    if (demuxTruncated > 0) {
      this.stats.truncatedLines += demuxTruncated;
      this.warnings.push(`${demuxTruncated} line(s) longer than 1 MiB were cut to their first 1 MiB`);
    }
    if (this.stats.invalidUtf8Lines > 0) {
      this.warnings.push(`${this.stats.invalidUtf8Lines} line(s) were not valid UTF-8; bad bytes shown as \ufffd`);
    }
    if (this.stats.nulLines > 0) this.warnings.push(`${this.stats.nulLines} line(s) held NUL bytes, removed`);
  }

  /** The log through the Engine API; with `resume`, from the byte where reading the files broke off. */
  private async *readApi(quiet: QuietLineFilter | undefined, resume: { bytes: number; tail: Buffer } | null): AsyncIterable<RawLine> {
    let response: Readable;
    try {
      response = await this.openStream();
    } catch (err) {
      throw new SourceError(this.name, this.describeOpenError(err));
    }
    const demux = new LogDemuxer({ tty: this.container.tty, timestamps: true });
    let streamError: Error | null = null;
    pipeline(response, demux, (err) => {
      if (err) streamError = err;
    });
    const input: Readable = resume === null ? demux : Readable.from(skipBytes(demux, resume.bytes, resume.tail), { highWaterMark: 1 });
    try {
      for await (const line of readLines(input, this.stats, quiet ? { quiet } : {})) yield this.rawLine(line);
    } catch (err) {
      if (err instanceof ResumeMismatch) {
        throw new SourceError(this.name, 'its log changed while being read (rotated?) and could not be read on through the Engine API; read it again');
      }
      throw new SourceError(this.name, this.describeStreamError(streamError ?? err));
    } finally {
      response.destroy();
      demux.destroy();
      this.streamLines.stdout = demux.lineCounts.stdout;
      this.streamLines.stderr = demux.lineCounts.stderr;
    }
    if (streamError) throw new SourceError(this.name, this.describeStreamError(streamError));
    this.finish(demux.truncatedLines);
  }

  private describeOpenError(err: unknown): string {
    const status = (err as { statusCode?: number }).statusCode;
    if (status === 404) return 'no such container (removed while being read?)';
    if (status === 501 || /does not support reading/i.test(engineMessage(err))) {
      return `its logging driver (${this.container.logDriver ?? 'unknown'}) keeps no logs the engine can read back; read them where that driver sends them`;
    }
    return `could not open the log stream: ${engineMessage(err)}`;
  }

  private describeStreamError(err: unknown): string {
    return `log stream broke off after ${this.stats.lines} line(s): ${engineMessage(err)}`;
  }
}
