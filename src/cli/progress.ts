// A progress line on stderr while large inputs are read: bytes and lines of the source being
// read, overall percentage and ETA when every size is known. Only on a TTY; the CLI decides.
import type { Writable } from 'node:stream';
import { clip, terminalSafe } from '../report/escape.js';
import type { LineSource } from '../sources/source.js';

export interface ProgressOptions {
  /** Milliseconds between updates (200: five a second). */
  intervalMs?: number;
  /** Nothing is shown before this many milliseconds: small inputs finish without a flicker. */
  delayMs?: number;
  /** Widest line drawn. */
  columns?: number;
  now?: () => number;
}

export interface Progress {
  /** Stop updating and clear the line (safe to call twice). */
  stop(): void;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

function formatCount(n: number): string {
  if (n < 10_000) return String(n);
  if (n < 1_000_000) return `${Math.round(n / 1000)}k`;
  return `${(n / 1_000_000).toFixed(1)}M`;
}

function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${String(s % 60).padStart(2, '0')}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

export interface ProgressSnapshot {
  sources: { name: string; size?: number; bytes: number; lines: number }[];
  elapsedMs: number;
}

/** The progress line for a moment of reading (pure, for tests). */
export function formatProgress(snap: ProgressSnapshot, columns = 100): string {
  const started = snap.sources.filter((s) => s.bytes > 0);
  const current = started[started.length - 1] ?? snap.sources[0];
  if (!current) return '';
  const index = snap.sources.indexOf(current) + 1;
  const parts = [`reading ${terminalSafe(current.name)}`];
  parts.push(current.size ? `${formatBytes(current.bytes)}/${formatBytes(current.size)}` : formatBytes(current.bytes));
  parts.push(`${formatCount(current.lines)} lines`);
  if (snap.sources.length > 1) parts.push(`source ${index}/${snap.sources.length}`);
  if (snap.sources.every((s) => s.size !== undefined)) {
    const total = snap.sources.reduce((a, s) => a + (s.size ?? 0), 0);
    const done = snap.sources.reduce((a, s) => a + Math.min(s.bytes, s.size ?? 0), 0);
    if (total > 0) {
      parts.push(`${Math.floor((done / total) * 100)}%`);
      if (done > 0 && snap.elapsedMs > 0) parts.push(`ETA ${formatDuration(((total - done) * snap.elapsedMs) / done)}`);
    }
  }
  return clip(parts.join(', '), columns);
}

/** Redraw the line every intervalMs from the sources' live stats until stop(). */
export function startProgress(sources: readonly LineSource[], out: Writable, options: ProgressOptions = {}): Progress {
  const now = options.now ?? Date.now;
  const start = now();
  const delay = options.delayMs ?? 500;
  let drawn = false;
  const draw = () => {
    if (now() - start < delay) return;
    const line = formatProgress(
      {
        sources: sources.map((s) => ({ name: s.name, size: s.size, bytes: s.stats.bytes, lines: s.stats.lines })),
        elapsedMs: now() - start,
      },
      options.columns,
    );
    if (line === '') return;
    out.write(`\r\x1b[K${line}`);
    drawn = true;
  };
  const timer = setInterval(draw, options.intervalMs ?? 200);
  timer.unref();
  let stopped = false;
  return {
    stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      if (drawn) out.write('\r\x1b[K');
    },
  };
}
