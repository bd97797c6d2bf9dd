// `--since`, `--until` and `--tail` read as `docker logs` reads them, turned into what the Engine
// API takes (the docker CLI converts them client-side; the API wants unix seconds).
import { UsageError } from '../errors.js';

const DURATION_UNITS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  'µs': 1e-3,
  'μs': 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};
const DURATION_RE = /^(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h)/;

/** A Go duration (`10m`, `1h30m`, `1.5h`, `300ms`) in milliseconds, or null. */
export function parseGoDuration(text: string): number | null {
  let rest = text.trim();
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    sign = rest.startsWith('-') ? -1 : 1;
    rest = rest.slice(1);
  }
  if (rest === '') return null;
  let total = 0;
  while (rest !== '') {
    const m = DURATION_RE.exec(rest);
    if (!m) return null;
    const unit = /(ns|us|µs|μs|ms|s|m|h)$/.exec(m[0])![1]!;
    total += Number(m[0].slice(0, -unit.length)) * DURATION_UNITS[unit]!;
    rest = rest.slice(m[0].length);
  }
  return sign * total;
}

const RFC3339_RE = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|[+-]\d{2}:\d{2})?$/;

/**
 * A `docker logs --since/--until` value as unix `seconds.nanoseconds`: a duration before `now`,
 * an RFC 3339 date or time (local time when it has no zone, as docker reads it), or unix
 * seconds. Null when it is none of those.
 */
export function toDockerTimestamp(value: string, now: Date = new Date()): string | null {
  const v = value.trim();
  if (v === '') return null;
  if (v !== '0') {
    const ms = parseGoDuration(v);
    if (ms !== null) return formatUnix(now.getTime() - ms, 0);
  }
  const m = RFC3339_RE.exec(v);
  if (m) {
    const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = m;
    const nanos = Number(frac.padEnd(9, '0'));
    let ms: number;
    if (zone) {
      const offset = zone === 'Z' ? 0 : (zone.startsWith('-') ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
      ms = Date.UTC(+y!, +mo! - 1, +d!, +h, +mi, +s) - offset * 60_000;
    } else {
      ms = new Date(+y!, +mo! - 1, +d!, +h, +mi, +s).getTime();
    }
    if (!Number.isFinite(ms)) return null;
    return formatUnix(ms + Math.floor(nanos / 1_000_000), nanos % 1_000_000);
  }
  if (/^\d+(\.\d{1,9})?$/.test(v)) {
    const [sec, frac = ''] = v.split('.');
    return `${sec}.${frac.padEnd(9, '0')}`;
  }
  return null;
}

/** Unix seconds with nine fraction digits from epoch milliseconds plus sub-millisecond nanos. */
function formatUnix(ms: number, subMsNanos: number): string {
  const wholeMs = Math.floor(ms);
  const sec = Math.floor(wholeMs / 1000);
  const nanos = (wholeMs - sec * 1000) * 1_000_000 + subMsNanos;
  return `${sec}.${String(nanos).padStart(9, '0')}`;
}

export interface LogWindow {
  since?: string;
  until?: string;
  /** A line count, or undefined for all. */
  tail?: number;
}

/** Check and convert the three options; a bad value is a usage error naming the option. */
export function parseLogWindow(opts: { since?: string; until?: string; tail?: string }, now: Date = new Date()): LogWindow {
  const w: LogWindow = {};
  for (const key of ['since', 'until'] as const) {
    const raw = opts[key];
    if (raw === undefined) continue;
    const ts = toDockerTimestamp(raw, now);
    if (ts === null) {
      throw new UsageError(
        `--${key} "${raw}": expected a duration (10m, 2h), an RFC 3339 time (2026-11-22T02:33:25Z) or unix seconds`,
      );
    }
    w[key] = ts;
  }
  if (opts.tail !== undefined) {
    const t = opts.tail.trim();
    if (t !== 'all' && !/^\d+$/.test(t)) throw new UsageError(`--tail "${opts.tail}": expected a number of lines or "all"`);
    if (t !== 'all') w.tail = Number(t);
  }
  return w;
}
