// What every source gives the pipeline: a name, the node it knows, and its lines.
import type { NodeOrigin, RawLine } from '../model/event.js';
import type { LineReaderStats } from './line-reader.js';

export interface LineSource {
  /** The name reports use: a path, '-' for stdin, docker:NAME. */
  name: string;
  kind: 'file' | 'stdin' | 'docker';
  /** The node this source's lines belong to unless a line's prefix says otherwise. */
  node?: string;
  nodeOrigin?: NodeOrigin;
  /** Size in bytes when known ahead (files), for progress. */
  size?: number;
  /**
   * True when `lines(quiet)` takes a quiet-line filter (line-reader.ts QuietLineFilter): routine
   * lines are then handed to it on raw bytes instead of being yielded.
   */
  readonly takesQuiet?: boolean;
  /** Lines as read; stats and warnings are final once the iteration ends. May throw SourceError. */
  lines(): AsyncIterable<RawLine>;
  /**
   * The same lines a chunk at a time, when the source can (one await per chunk, not per line).
   * Each batch must be iterated to its end before the next is asked for.
   */
  lineBatches?(): AsyncIterable<Iterable<RawLine>>;
  readonly stats: LineReaderStats;
  readonly warnings: string[];
  /** Extra facts a source knows (a container's inspected configuration), for later stages. */
  readonly meta?: Record<string, unknown>;
}
