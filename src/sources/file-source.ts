// Files, folders and stdin as line sources. Folders are read recursively, in name order.
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { NodeOrigin, RawLine } from '../model/event.js';
import { describeFsError, SourceError } from './errors.js';
import { chunkPool, readFileChunks } from './chunk-pool.js';
import { type ChunkPlanner, type LineReaderStats, newReaderStats, type PlannedChunk, type QuietLineFilter, readLineBatches } from './line-reader.js';
import { nodeFromPath } from './node-name.js';
import type { LineSource } from './source.js';

export interface InputSpec {
  /** A path, or '-' for stdin. */
  input: string;
  /** A node forced with --node NAME=PATH. */
  node?: string;
}

export interface ExpandedInputs {
  sources: LineSource[];
  /** Inputs that could not be read at all, one clear line each, keyed by the input. */
  errors: { input: string; message: string }[];
}

/** File endings read from a folder; files with other endings are passed over. */
const LOG_FILE_RE = /(\.(log|txt|json|jsonl|out|err|ndjson)(\.\d+)?(\.gz)?|\.gz)$/i;
const MAX_DEPTH = 6;

function isLogFileName(name: string): boolean {
  if (name.startsWith('.')) return false;
  return LOG_FILE_RE.test(name) || !name.includes('.');
}

/** A source's bytes: a stream, or pool chunks of a regular file (see chunk-pool.ts). */
interface StreamFactory {
  (): Readable | AsyncGenerator<Buffer>;
}

class StreamSource implements LineSource {
  readonly takesQuiet = true;
  readonly stats: LineReaderStats = newReaderStats();
  readonly warnings: string[] = [];

  constructor(
    readonly name: string,
    readonly kind: 'file' | 'stdin',
    private readonly open: StreamFactory,
    readonly node: string | undefined,
    readonly nodeOrigin: NodeOrigin | undefined,
    readonly size: number | undefined,
    /** A regular (not gzipped) file's path: a planner may read it itself (ChunkPlanner.readFile). */
    private readonly regularFile?: string,
  ) {}

  /**
   * With `quiet`, routine lines are handed to it on raw bytes and not yielded (see analyze);
   * `planner` plans its regions ahead.
   */
  async *lines(quiet?: QuietLineFilter, planner?: ChunkPlanner): AsyncIterable<RawLine> {
    for await (const batch of this.lineBatches(quiet, planner)) yield* batch;
  }

  /** lines() a chunk at a time (line-reader.ts readLineBatches: iterate each batch to its end). */
  async *lineBatches(quiet?: QuietLineFilter, planner?: ChunkPlanner): AsyncIterable<Iterable<RawLine>> {
    let stream: Readable | AsyncIterable<Buffer | PlannedChunk>;
    try {
      const readFile = quiet !== undefined && this.regularFile !== undefined && this.size !== undefined ? planner?.readFile : undefined;
      stream = readFile !== undefined ? readFile(this.regularFile!, this.size!) : this.open();
      // chunks the planner reads come planned: planning them again would only hold them back
      if (readFile !== undefined) planner = undefined;
    } catch (err) {
      throw new SourceError(this.name, describeFsError(err));
    }
    try {
      const release = (chunk: Buffer): void => chunkPool.give(chunk);
      const source = this.name;
      const node = this.node;
      const nodeOrigin = this.nodeOrigin;
      const line = node !== undefined
        ? (lineNo: number, text: string): RawLine => ({ source, lineNo, text, node, nodeOrigin })
        : (lineNo: number, text: string): RawLine => ({ source, lineNo, text });
      yield* readLineBatches(stream, this.stats, quiet ? { quiet, planner, release, line } : { release, line });
    } catch (err) {
      if (err instanceof SourceError) throw err;
      const code = (err as NodeJS.ErrnoException)?.code;
      if (code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR') {
        throw new SourceError(this.name, 'not a valid gzip file, or truncated');
      }
      throw new SourceError(this.name, describeFsError(err));
    } finally {
      if ('destroy' in stream) stream.destroy();
      else await (stream as AsyncGenerator<unknown>).return?.(undefined);
    }
    if (this.stats.binary) throw new SourceError(this.name, 'binary data, not a log; skipped');
    if (this.stats.truncatedLines > 0) {
      this.warnings.push(`${this.stats.truncatedLines} line(s) longer than 1 MiB were cut to their first 1 MiB`);
    }
    if (this.stats.invalidUtf8Lines > 0) {
      this.warnings.push(`${this.stats.invalidUtf8Lines} line(s) were not valid UTF-8; bad bytes shown as \ufffd`);
    }
    if (this.stats.nulLines > 0) this.warnings.push(`${this.stats.nulLines} line(s) held NUL bytes, removed`);
    if (this.stats.encoding !== 'utf-8') this.warnings.push(`read as ${this.stats.encoding.toUpperCase()} (byte order mark)`);
  }
}

/** The sources whose `lines(quiet, planner)` take a quiet-line filter (files, stdin, containers). */
export type QuietSource = Omit<LineSource, 'lines' | 'lineBatches'> & {
  lines(quiet?: QuietLineFilter, planner?: ChunkPlanner): AsyncIterable<RawLine>;
  lineBatches?(quiet?: QuietLineFilter, planner?: ChunkPlanner): AsyncIterable<Iterable<RawLine>>;
};

export function takesQuietFilter(source: LineSource): source is LineSource & QuietSource {
  return source.takesQuiet === true;
}

function openFile(file: string, regular: boolean): Readable | AsyncGenerator<Buffer> {
  if (file.toLowerCase().endsWith('.gz')) return createReadStream(file, { highWaterMark: 256 * 1024 }).pipe(createGunzip());
  // FIFOs and devices as streams: a read of them may block for as long as the writer waits
  return regular ? readFileChunks(file) : createReadStream(file, { highWaterMark: 256 * 1024 });
}

async function listFolder(dir: string, depth: number, out: string[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    if (e.name.startsWith('.') || e.name === 'node_modules') continue;
    const full = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (depth < MAX_DEPTH) await listFolder(full, depth + 1, out);
    } else if ((e.isFile() || e.isSymbolicLink()) && isLogFileName(e.name)) {
      out.push(full);
    }
  }
}

/** Parse `--node NAME=PATH` values. */
export function parseNodeFlags(values: string[]): { byPath: Map<string, string>; errors: string[] } {
  const byPath = new Map<string, string>();
  const errors: string[] = [];
  for (const v of values) {
    const eq = v.indexOf('=');
    const name = eq > 0 ? v.slice(0, eq).trim() : '';
    const p = eq > 0 ? v.slice(eq + 1).trim() : '';
    if (!name || !p) {
      errors.push(`--node ${v}: expected NAME=PATH`);
      continue;
    }
    byPath.set(p === '-' ? '-' : path.resolve(p), name);
  }
  return { byPath, errors };
}

/**
 * Turn the user's inputs into sources. Missing paths and empty folders become errors naming
 * the input; everything readable is returned.
 */
export async function expandInputs(
  specs: InputSpec[],
  stdin: () => Readable,
  nodeByPath: Map<string, string> = new Map(),
): Promise<ExpandedInputs> {
  const sources: LineSource[] = [];
  const errors: ExpandedInputs['errors'] = [];
  const seen = new Set<string>();

  const addFile = (file: string, display: string, forced: string | undefined, size: number | undefined): void => {
    const abs = path.resolve(file);
    if (seen.has(abs)) return;
    seen.add(abs);
    const flagged = forced ?? nodeByPath.get(abs);
    const fromName = flagged === undefined ? nodeFromPath(file) : undefined;
    sources.push(
      new StreamSource(
        display,
        'file',
        () => openFile(file, size !== undefined),
        flagged ?? fromName,
        flagged !== undefined ? 'flag' : fromName !== undefined ? 'filename' : undefined,
        size,
        size !== undefined && !file.toLowerCase().endsWith('.gz') ? file : undefined,
      ),
    );
  };

  for (const spec of specs) {
    if (spec.input === '-') {
      const forced = spec.node ?? nodeByPath.get('-');
      sources.push(new StreamSource('-', 'stdin', stdin, forced, forced !== undefined ? 'flag' : undefined, undefined));
      continue;
    }
    let st;
    try {
      st = await stat(spec.input);
    } catch (err) {
      errors.push({ input: spec.input, message: describeFsError(err) });
      continue;
    }
    if (st.isDirectory()) {
      const files: string[] = [];
      try {
        await listFolder(spec.input, 0, files);
      } catch (err) {
        errors.push({ input: spec.input, message: describeFsError(err) });
        continue;
      }
      if (files.length === 0) {
        errors.push({ input: spec.input, message: 'folder holds no log files (.log, .txt, .json, .gz or no extension)' });
        continue;
      }
      for (const f of files) {
        let size: number | undefined;
        try {
          const fst = await stat(f);
          size = fst.isFile() ? fst.size : undefined;
        } catch {
          size = undefined;
        }
        addFile(f, f, spec.node, size);
      }
    } else if (st.isFile() || st.isFIFO() || st.isCharacterDevice()) {
      addFile(spec.input, spec.input, spec.node, st.isFile() ? st.size : undefined);
    } else {
      errors.push({ input: spec.input, message: 'not a file or folder' });
    }
  }
  return { sources, errors };
}
