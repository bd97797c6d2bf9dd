// Transport prefixes that wrappers put in front of etcd's own line: docker --timestamps, the CRI
// pod-log form, docker compose, kubectl --prefix and journald. They carry the node and the time.
import type { NodeOrigin } from '../model/event.js';
import { stripAnsi } from './ansi.js';
import { flatCopy } from './flat.js';
import { isoToInstant, isPlainUtcSecond, plainUtcInstant, syslogToInstant, type TimeZoneSpec, UTC } from './time.js';

export interface Unwrapped {
  /** etcd's own line, with every recognised prefix removed. */
  text: string;
  node?: string;
  nodeOrigin?: NodeOrigin;
  /** A time from a prefix (docker, CRI, compose -t, kubectl --timestamps, journald). */
  transportTs?: string;
  /** Whether transportTs came with a zone (docker, CRI, kubectl, journald -o short-iso): then it is exact UTC. */
  transportZoned?: boolean;
  /** The prefixes found, outermost first, for the input summary. */
  prefixes: string[];
}

export interface UnwrapOptions {
  tz?: TimeZoneSpec;
  /** Year for journald/syslog stamps, which carry none. */
  yearHint?: number;
}

// 2026-11-22T02:33:25.764708123Z stderr F <line>   (Kubernetes CRI log files; P marks a partial line)
//   /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})) (stdout|stderr) ([FP]) ?/
// 2026-11-22T02:33:25.764708123Z <line>   (docker logs --timestamps; also after compose/kubectl prefixes)
//   /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})) /
// Both are read by hand (zonedStampEnd, criPrefixEnd; test/parsers/prefixes-fast.test.ts holds
// them equal to these regexes): one of them starts every line docker or Kubernetes hands over.
// etcd1  | <line>   and compose v2   etcd1-1  | <line>
const COMPOSE_RE = /^([A-Za-z0-9][A-Za-z0-9_.-]{0,127}?)\s+\| ?/;
// [pod/etcd-0/etcd] <line>   (kubectl logs --prefix; also [etcd-0/etcd] in older kubectl)
const KUBECTL_RE = /^\[(?:pod\/)?([a-z0-9][a-z0-9.-]{0,252})\/([a-z0-9][a-z0-9-]{0,62})\] ?/;
// Nov 22 02:33:25 host etcd[123]: <line>   (journalctl short, syslog); also short-precise
const JOURNALD_RE =
  /^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) {1,2}(\d{1,2}) (\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?) (\S+) ([^\s:[]+)(?:\[(\d+)\])?: ?/;
// 2026-11-22T02:33:25+0000 host etcd[123]: <line>   (journalctl -o short-iso / short-iso-precise)
const JOURNALD_ISO_RE =
  /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?(?:Z|[+-]\d{2}:?\d{2})) (\S+) ([^\s:[]+)(?:\[(\d+)\])?: ?/;

/** Words compose would never print as a service name but that can start an etcd line. */
const NOT_A_SERVICE = new Set(['panic', 'goroutine', 'error', 'warning', 'info']);

/** Whether text could begin with an ISO stamp (`YYYY-MM-DDT`): CRI_RE, DOCKER_TS_RE and JOURNALD_ISO_RE need it. */
function mayStartIso(text: string): boolean {
  const c = text.charCodeAt(0);
  return c >= 0x30 && c <= 0x39 && text.charCodeAt(10) === 0x54;
}

/**
 * The compose service name, or null when the word is none. The last names are kept and returned
 * as the same strings: a log repeats its few names, and every map keyed by node then finds a
 * string whose hash is known instead of hashing a fresh slice on every line.
 */
const services = new Map<string, string | null>();
function serviceName(name: string): string | null {
  let known = services.get(name);
  if (known === undefined) {
    if (services.size >= 256) services.clear();
    const own = flatCopy(name);
    known = !NOT_A_SERVICE.has(own.toLowerCase()) && !/^\d+$/.test(own) ? own : null;
    services.set(own, known);
  }
  return known;
}

const isDigitAt = (t: string, i: number): boolean => {
  const c = t.charCodeAt(i);
  return c >= 0x30 && c <= 0x39;
};

/** Where the zoned stamp CRI_RE and DOCKER_TS_RE begin with ends (its group 1's length), or -1. */
export function zonedStampEnd(t: string): number {
  if (t.length < 20) return -1;
  for (const i of STAMP_DIGITS) if (!isDigitAt(t, i)) return -1;
  if (t.charCodeAt(4) !== 0x2d || t.charCodeAt(7) !== 0x2d || t.charCodeAt(10) !== 0x54 || t.charCodeAt(13) !== 0x3a || t.charCodeAt(16) !== 0x3a) return -1;
  let p = 19;
  if (t.charCodeAt(p) === 0x2e) {
    let q = p + 1;
    while (q - p - 1 < 10 && isDigitAt(t, q)) q++;
    const n = q - p - 1;
    if (n === 0 || n > 9) return -1;
    p = q;
  }
  const z = t.charCodeAt(p);
  if (z === 0x5a /* Z */) return p + 1;
  if ((z === 0x2b || z === 0x2d) && isDigitAt(t, p + 1) && isDigitAt(t, p + 2) && t.charCodeAt(p + 3) === 0x3a && isDigitAt(t, p + 4) && isDigitAt(t, p + 5)) return p + 6;
  return -1;
}
const STAMP_DIGITS = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18];

/** The length of CRI_RE's whole match, given where its stamp ends (zonedStampEnd), or -1. */
export function criPrefixEnd(t: string, stampEnd: number): number {
  if (t.charCodeAt(stampEnd) !== 0x20) return -1;
  const s = stampEnd + 1;
  if (!t.startsWith('stdout ', s) && !t.startsWith('stderr ', s)) return -1;
  const fp = t.charCodeAt(s + 7);
  if (fp !== 0x46 && fp !== 0x50) return -1;
  return t.charCodeAt(s + 8) === 0x20 ? s + 9 : s + 8;
}

/** isoToInstant of the stamp t[0, end) that zonedStampEnd found, without slicing a plain UTC one. */
function zonedStampInstant(t: string, end: number): string | null {
  if (t.charCodeAt(end - 1) === 0x5a && isPlainUtcSecond(t, 0, 0x54)) return plainUtcInstant(t, 0, t.charCodeAt(19) === 0x2e ? 20 : 19, end - 1);
  return isoToInstant(t.slice(0, end));
}

function takeDockerTs(u: Unwrapped, tag: string): void {
  if (!mayStartIso(u.text)) return;
  const end = zonedStampEnd(u.text);
  if (end < 0 || u.text.charCodeAt(end) !== 0x20) return;
  const ts = zonedStampInstant(u.text, end);
  if (ts === null) return;
  if (u.transportTs === undefined) {
    u.transportTs = ts;
    u.transportZoned = true;
  }
  u.text = u.text.slice(end + 1);
  u.prefixes.push(tag);
}

/**
 * Remove the wrappers' prefixes from one line. Only the line's own start is looked at, so a
 * message that merely contains `|` or `[` is left alone.
 */
export function unwrapLine(line: string, options: UnwrapOptions = {}): Unwrapped {
  const tz = options.tz ?? UTC;
  const u: Unwrapped = { text: line, prefixes: [] };

  // The CRI form first: it is the whole line's outer layer on a Kubernetes node.
  const stampEnd = mayStartIso(u.text) ? zonedStampEnd(u.text) : -1;
  const criEnd = stampEnd >= 0 ? criPrefixEnd(u.text, stampEnd) : -1;
  if (criEnd >= 0) {
    const ts = zonedStampInstant(u.text, stampEnd);
    if (ts !== null) {
      u.transportTs = ts;
      u.transportZoned = true;
      u.text = u.text.slice(criEnd);
      u.prefixes.push('cri');
    }
  } else {
    takeDockerTs(u, 'docker-timestamps');
  }

  // Compose and kubectl colour their prefixes on a terminal.
  if (u.text.charCodeAt(0) === 0x1b) u.text = stripAnsi(u.text);

  const c0 = u.text.charCodeAt(0);
  const kube = c0 === 0x5b /* [ */ ? KUBECTL_RE.exec(u.text) : null;
  if (kube) {
    u.node = kube[1]!;
    u.nodeOrigin = 'kubectl';
    u.text = u.text.slice(kube[0].length);
    u.prefixes.push('kubectl');
    takeDockerTs(u, 'kubectl-timestamps');
  } else {
    const alnum = (c0 >= 0x30 && c0 <= 0x39) || (c0 >= 0x41 && c0 <= 0x5a) || (c0 >= 0x61 && c0 <= 0x7a);
    const compose = alnum ? COMPOSE_RE.exec(u.text) : null;
    const service = compose ? serviceName(compose[1]!) : null;
    if (compose && service !== null) {
      u.node = service;
      u.nodeOrigin = 'compose';
      u.text = u.text.slice(compose[0].length);
      u.prefixes.push('compose');
      takeDockerTs(u, 'compose-timestamps');
    }
  }

  if (u.nodeOrigin === undefined) {
    const m0 = u.text.charCodeAt(0);
    // month names start with one of J F M A S O N D
    const j = m0 === 0x4a || m0 === 0x46 || m0 === 0x4d || m0 === 0x41 || m0 === 0x53 || m0 === 0x4f || m0 === 0x4e || m0 === 0x44 ? JOURNALD_RE.exec(u.text) : null;
    if (j) {
      const ts = syslogToInstant(j[1]!, Number(j[2]), j[3]!, options.yearHint ?? new Date().getUTCFullYear(), tz);
      u.node = j[4]!;
      u.nodeOrigin = 'journald';
      u.transportTs ??= ts ?? undefined;
      u.text = u.text.slice(j[0].length);
      u.prefixes.push(`journald:${j[5]!}`);
    } else {
      const ji = mayStartIso(u.text) ? JOURNALD_ISO_RE.exec(u.text) : null;
      if (ji) {
        const ts = isoToInstant(ji[1]!);
        u.node = ji[2]!;
        u.nodeOrigin = 'journald';
        if (u.transportTs === undefined && ts !== null) {
          u.transportTs = ts;
          u.transportZoned = true;
        }
        u.text = u.text.slice(ji[0].length);
        u.prefixes.push(`journald:${ji[3]!}`);
      }
    }
  }
  return u;
}

/** The program name a journald prefix named, or null when the line had none. */
export function journaldProgram(u: Unwrapped): string | null {
  const p = u.prefixes.find((x) => x.startsWith('journald:'));
  return p ? p.slice('journald:'.length) : null;
}
