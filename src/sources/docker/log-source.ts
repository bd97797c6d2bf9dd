// One container's log, streamed from the Engine API as lines with the engine's timestamps.
import { pipeline, type Readable } from 'node:stream';
import type Docker from 'dockerode';
import type { ContainerInfo } from '../../model/container.js';
import type { RawLine } from '../../model/event.js';
import { SourceError } from '../errors.js';
import { type LineReaderStats, newReaderStats, readLines } from '../line-reader.js';
import type { LineSource } from '../source.js';
import { engineMessage } from './client.js';
import { DOCKER_STAMP_RE, LogDemuxer } from './demux.js';
import type { LogWindow } from './log-window.js';

export interface DockerLogOptions extends LogWindow {
  /** Keep the stream open for new lines (docker logs -f). The reader streams either way. */
  follow?: boolean;
  abortSignal?: AbortSignal;
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

/**
 * The docker stamp is taken off every line into `transportTs`, so parsers see etcd's own line
 * and use the stamp only when the line has no time of its own.
 */
export function splitDockerStamp(text: string): { text: string; ts: string | undefined } {
  const m = DOCKER_STAMP_RE.exec(text);
  if (!m) return { text, ts: undefined };
  const ts = dockerStampToInstant(m[1]!);
  if (ts === null) return { text, ts: undefined };
  return { text: text.slice(m[0].length), ts };
}

export class DockerLogSource implements LineSource {
  readonly kind = 'docker' as const;
  readonly nodeOrigin = 'docker' as const;
  readonly stats: LineReaderStats = newReaderStats();
  readonly warnings: string[] = [];
  readonly meta: { container: ContainerInfo };
  /** Whole lines per stream once read: both should show for a container that writes to both. */
  readonly streamLines = { stdout: 0, stderr: 0 };
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

  async *lines(): AsyncIterable<RawLine> {
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
    try {
      for await (const line of readLines(demux, this.stats)) {
        const { text, ts } = splitDockerStamp(line.text);
        const raw: RawLine = { source: this.name, lineNo: line.lineNo, text, node: this.node, nodeOrigin: 'docker' };
        if (ts !== undefined) raw.transportTs = ts;
        yield raw;
      }
    } catch (err) {
      throw new SourceError(this.name, this.describeStreamError(streamError ?? err));
    } finally {
      response.destroy();
      demux.destroy();
      this.streamLines.stdout = demux.lineCounts.stdout;
      this.streamLines.stderr = demux.lineCounts.stderr;
    }
    if (streamError) throw new SourceError(this.name, this.describeStreamError(streamError));
    if (demux.truncatedLines > 0) {
      this.stats.truncatedLines += demux.truncatedLines;
      this.warnings.push(`${demux.truncatedLines} line(s) longer than 1 MiB were cut to their first 1 MiB`);
    }
    if (this.stats.invalidUtf8Lines > 0) {
      this.warnings.push(`${this.stats.invalidUtf8Lines} line(s) were not valid UTF-8; bad bytes shown as \ufffd`);
    }
    if (this.stats.nulLines > 0) this.warnings.push(`${this.stats.nulLines} line(s) held NUL bytes, removed`);
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
