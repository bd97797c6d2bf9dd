// The stateless half of the quiet path (see QuietPath in analyze.ts): which lines of a region of
// whole lines might be taken on raw bytes without parsing, grouped into batches. It depends only
// on the bytes and the trigger literals, so it runs the same inline or in a worker thread
// (plan-worker.ts) while the main thread parses the lines before it. The plan is an Int32Array of
// records, in line order:
//
//   PARSE  [0, start, end]                      a line that must be parsed
//   BATCH  [1, start, end, lines, groups, ...]  a run of candidate lines (end: the last one's end)
//          then per group (one per distinct compose prefix name in the run, GROUP_INTS each):
//          nameStart, nameEnd (-1, -1: no prefix), the local-member-id value's start and end
//          (-1, -1: none in the group's lines), then per
//          stamp kind (STAMP_KINDS: capnslog's own, zap's, a docker stamp before a capnslog line)
//          the count of lines and the offsets of the earliest and latest stamp
//
// The main thread accepts a batch when every group's node is already known and its local member
// ID agrees, which depends on state only at the batch's start: nothing inside a batch is parsed.
import { LiteralScanner } from '../engine/literal-scanner.js';
import { QUIET_MAX_LINE } from '../sources/line-reader.js';

export const PLAN_PARSE = 0;
export const PLAN_BATCH = 1;
export const BATCH_HEAD = 5;
/** The time of a quiet line: capnslog's own stamp, zap's ts, or the docker stamp before a capnslog line. */
export const STAMP_CAPNSLOG = 0;
export const STAMP_ZAP = 1;
export const STAMP_DOCKER = 2;
export const STAMP_KINDS = 3;
export const G_ID = 2;
export const G_RUNS = 4;
export const GROUP_INTS = G_RUNS + 3 * STAMP_KINDS;
/** A batch ends when it would hold more distinct prefix names than this. */
const MAX_GROUPS = 8;

export interface PlanOptions {
  /** capnslog stamps are read as UTC (no --tz, or a zero offset): only then can capnslog lines be quiet. */
  capnslogUtc: boolean;
  /** No --tz: a zoned transport stamp (docker's) is the time of a zone-less capnslog line (line-parser.ts). */
  transportWins: boolean;
}

/** Words compose never prints as a service name (prefixes.ts NOT_A_SERVICE). */
const NOT_A_SERVICE = new Set(['panic', 'goroutine', 'error', 'warning', 'info']);

const ZAP_HEAD = Buffer.from('{"level":"');
const REPLACEMENT = Buffer.from('\ufffd');
const ZAP_TS = Buffer.from('","ts":"');
const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

const CAPNSLOG_TS_LEN = 26; // 2026-11-22 03:59:42.989189
const ZAP_TS_LEN = 24; // 2026-11-22T04:06:51.476Z

const digit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const num2 = (b: Uint8Array, i: number): number => (b[i]! - 0x30) * 10 + (b[i + 1]! - 0x30);

/** `YYYY-MM-DD?HH:MM:SS.` at i: digits where digits go, and a real date (localToInstant's checks plus the day of month). */
function validStamp(b: Uint8Array, i: number, sep: number): boolean {
  if (!(digit(b[i]!) && digit(b[i + 1]!) && digit(b[i + 2]!) && digit(b[i + 3]!) && digit(b[i + 5]!) && digit(b[i + 6]!) && digit(b[i + 8]!))) return false;
  if (!(digit(b[i + 9]!) && digit(b[i + 11]!) && digit(b[i + 12]!) && digit(b[i + 14]!) && digit(b[i + 15]!) && digit(b[i + 17]!) && digit(b[i + 18]!))) return false;
  if (b[i + 4] !== 0x2d || b[i + 7] !== 0x2d || b[i + 10] !== sep || b[i + 13] !== 0x3a || b[i + 16] !== 0x3a || b[i + 19] !== 0x2e) return false;
  const year = num2(b, i) * 100 + num2(b, i + 2);
  const month = num2(b, i + 5);
  const day = num2(b, i + 8);
  if (year < 1970 || month < 1 || month > 12 || day < 1) return false;
  const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > DAYS[month - 1]! + (leap ? 1 : 0)) return false;
  return num2(b, i + 11) <= 23 && num2(b, i + 14) <= 59 && num2(b, i + 17) <= 59;
}

/** Byte-wise a < b for two equal-length ranges of one buffer. */
function less(b: Uint8Array, x: number, y: number, len: number): boolean {
  for (let k = 0; k < len; k++) {
    const d = b[x + k]! - b[y + k]!;
    if (d !== 0) return d < 0;
  }
  return false;
}

/** Docker stamps (`2026-11-22T04:06:51.47Z`: trailing zeros of the fraction dropped) as instants: x < y. */
function dockerLess(b: Uint8Array, x: number, y: number): boolean {
  for (let k = 0; k < 20; k++) {
    const d = b[x + k]! - b[y + k]!;
    if (d !== 0) return d < 0;
  }
  // the fractions, digit by digit, a shorter one padded with zeros (both end at their Z)
  let endX = false;
  let endY = false;
  for (let k = 20; k < 29; k++) {
    if (!endX && b[x + k] === 0x5a) endX = true;
    if (!endY && b[y + k] === 0x5a) endY = true;
    const dx = endX ? 0x30 : b[x + k]!;
    const dy = endY ? 0x30 : b[y + k]!;
    if (dx !== dy) return dx < dy;
  }
  return false;
}

/** Stamp x before stamp y (of one kind, in one buffer). */
export function stampLess(b: Uint8Array, kind: number, x: number, y: number): boolean {
  if (kind === STAMP_DOCKER) return dockerLess(b, x, y);
  return less(b, x, y, kind === STAMP_ZAP ? ZAP_TS_LEN : CAPNSLOG_TS_LEN);
}

/** The stamp at `at` in the pipeline's instant form (src/parsers/time.ts). */
export function stampInstant(b: Buffer, kind: number, at: number): string {
  if (kind === STAMP_ZAP) return b.toString('latin1', at, at + 23) + '000Z';
  if (kind === STAMP_CAPNSLOG) return b.toString('latin1', at, at + 10) + 'T' + b.toString('latin1', at + 11, at + 26) + 'Z';
  let z = at + 20;
  while (b[z] !== 0x5a) z++;
  // the first six digits of the fraction, zeros after it (isoToInstant's form; the parser's docker stamps agree)
  const frac = b.toString('latin1', at + 20, z);
  return b.toString('latin1', at, at + 19) + '.' + (frac + '000000').slice(0, 6) + 'Z';
}

/** Equal byte ranges (of one buffer or two). */
function sameBytes(a: Uint8Array, as: number, ae: number, b: Uint8Array, bs: number, be: number): boolean {
  if (ae - as !== be - bs) return false;
  for (let k = 0; k < ae - as; k++) if (a[as + k] !== b[bs + k]) return false;
  return true;
}

/** What classify() found about a candidate line. */
export interface LineShape {
  /** The compose prefix name, or -1, -1. */
  nameStart: number;
  nameEnd: number;
  /** Where the etcd line starts (after any prefix). */
  text: number;
  /** STAMP_CAPNSLOG, STAMP_ZAP or STAMP_DOCKER: which stamp is the line's time. */
  kind: number;
  /** The stamp's offset. */
  ts: number;
  /** The local-member-id value, or -1, -1. */
  idStart: number;
  idEnd: number;
  /** Index of the prefix name among the planner's names (-1: none), for grouping. */
  nameId: number;
}

// the zap keys whose count matters, as bytes
const K_LEVEL = [0x6c, 0x65, 0x76, 0x65, 0x6c];
const K_MSG = [0x6d, 0x73, 0x67];
const K_LOCAL = [...Buffer.from('local-member-id')];

function tokenIs(b: Uint8Array, at: number, word: readonly number[]): boolean {
  for (let k = 0; k < word.length; k++) if (b[at + k] !== word[k]) return false;
  return true;
}

/** Bytes a compose service name may hold (letters, digits, `_`, `.`, `-`): 1. */
const NAME_BYTE = new Uint8Array(256);
for (let c = 0; c < 256; c++) {
  if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || digit(c) || c === 0x5f || c === 0x2e || c === 0x2d) NAME_BYTE[c] = 1;
}

/** A name's hash as the planner's prefix walk computes it, byte by byte. */
const nameHashStep = (h: number, c: number): number => (Math.imul(h, 31) + c) | 0;

/** The hash of b[s, e), as nameHashStep over its bytes. */
export function nameHash(b: Uint8Array, s: number, e: number): number {
  let h = 0;
  for (let k = s; k < e; k++) h = nameHashStep(h, b[k]!);
  return h;
}

/**
 * The compose prefix names a log's lines carry (a few nodes, interleaved), each read into a
 * string once. An id stays unique for the instance's life, even after the table is emptied (a
 * log with more than PREFIX_NAMES names): a batch groups its lines by id.
 */
export class PrefixNames {
  private readonly bytes: Buffer[] = [];
  private readonly hashes: number[] = [];
  private readonly strings: string[] = [];
  private readonly ok: boolean[] = [];
  /** Bumped each time the table is emptied: ids handed out before stay unique but are not found again. */
  generation = 0;

  /** The id of the name b[s, e) whose nameHash is h, added when new. */
  id(b: Uint8Array, s: number, e: number, h: number): number {
    const hashes = this.hashes;
    for (let k = 0; k < hashes.length; k++) {
      if (hashes[k] === h && sameBytes(this.bytes[k]!, 0, this.bytes[k]!.length, b, s, e)) return this.generation * PREFIX_NAMES + k;
    }
    if (hashes.length >= PREFIX_NAMES) {
      this.bytes.length = 0;
      hashes.length = 0;
      this.strings.length = 0;
      this.ok.length = 0;
      this.generation++;
    }
    const name = Buffer.from(b.subarray(s, e));
    const text = name.toString('latin1');
    this.bytes.push(name);
    hashes.push(h);
    this.strings.push(text);
    this.ok.push(!NOT_A_SERVICE.has(text.toLowerCase()));
    return this.generation * PREFIX_NAMES + hashes.length - 1;
  }

  /** The name of an id just returned by id(). */
  name(id: number): string {
    return this.strings[id % PREFIX_NAMES]!;
  }

  /** Whether compose could print it as a service name (prefixes.ts NOT_A_SERVICE). */
  composeName(id: number): boolean {
    return this.ok[id % PREFIX_NAMES]!;
  }
}

const PREFIX_NAMES = 64;

/** Most whole compose prefixes (`etcd1_1  | `) a PrefixCache keeps, and their longest length. */
const CACHED_PREFIXES = 8;
const CACHED_PREFIX_BYTES = 16;

/**
 * The whole compose prefixes (name, padding, `|`, space) lines started with lately, as up to four
 * big-endian words each: a line that starts with one is matched by a few word compares instead of
 * a walk over its name, a hash and a byte compare (the planner's hottest part after the zap walk).
 * Only prefixes of names compose could print are kept.
 */
class PrefixCache {
  private readonly words = new Int32Array(CACHED_PREFIXES * 4);
  private readonly masks = new Int32Array(CACHED_PREFIXES * 4);
  /** Per entry: the prefix's length, its name's length, the name's id. */
  readonly lengths = new Int32Array(CACHED_PREFIXES);
  readonly nameLengths = new Int32Array(CACHED_PREFIXES);
  readonly ids = new Float64Array(CACHED_PREFIXES);
  private n = 0;
  private next = 0;
  /** PrefixNames.generation the ids belong to. */
  generation = 0;

  clear(): void {
    this.n = 0;
    this.next = 0;
  }

  /** The entry the bytes at s start with (dv: a view of the buffer; s + 16 within it), or -1. */
  find(dv: DataView<ArrayBufferLike>, s: number): number {
    const words = this.words, masks = this.masks;
    for (let k = 0; k < this.n; k++) {
      const w = k * 4;
      if ((dv.getInt32(s) & masks[w]!) === words[w] && (dv.getInt32(s + 4) & masks[w + 1]!) === words[w + 1] &&
        (dv.getInt32(s + 8) & masks[w + 2]!) === words[w + 2] && (dv.getInt32(s + 12) & masks[w + 3]!) === words[w + 3]) return k;
    }
    return -1;
  }

  /** Keep the prefix b[s, p) whose name b[s, nameEnd) has id `id` (p - s <= CACHED_PREFIX_BYTES). */
  add(b: Uint8Array, s: number, nameEnd: number, p: number, id: number): void {
    const k = this.n < CACHED_PREFIXES ? this.n++ : this.next++ % CACHED_PREFIXES;
    for (let word = 0; word < 4; word++) {
      let value = 0;
      let mask = 0;
      for (let i = 0; i < 4; i++) {
        const at = word * 4 + i;
        value = (value << 8) | (at < p - s ? b[s + at]! : 0);
        mask = (mask << 8) | (at < p - s ? 0xff : 0);
      }
      this.words[k * 4 + word] = value;
      this.masks[k * 4 + word] = mask;
    }
    this.lengths[k] = p - s;
    this.nameLengths[k] = nameEnd - s;
    this.ids[k] = id;
  }
}

/**
 * Classifies lines of regions. One instance per thread; `begin` prepares a region, `classify`
 * then takes its lines in order, `plan` does both for a whole region.
 */
export class RegionPlanner {
  private readonly scanner: LiteralScanner;
  private readonly hits: number[] = [];
  private hit = 0;
  /**
   * Where a backslash or U+FFFD stands in the region, in order: a line holding one is parsed (a
   * backslash escapes in JSON and is rare in routine lines; the reader counts U+FFFD as not valid
   * UTF-8). Found region-wide by memchr, so the per-line walks need not look for them.
   */
  private readonly spoilers: number[] = [];
  private spoiler = 0;
  private readonly names = new PrefixNames();
  private readonly prefixes = new PrefixCache();
  /** A view of the region's buffer (PrefixCache reads words), and its length. */
  private view: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));
  private viewEnd = 0;
  readonly shape: LineShape = { nameStart: -1, nameEnd: -1, text: 0, kind: 0, ts: 0, idStart: -1, idEnd: -1, nameId: -1 };
  /** The end (newline) of the line classify() looked at last. */
  lineEnd = 0;
  private out = new Int32Array(1 << 16);
  private n = 0;
  private readonly groupNames: number[] = [];

  constructor(
    triggers: readonly string[],
    private readonly options: PlanOptions,
  ) {
    this.scanner = new LiteralScanner(triggers);
  }

  /** Prepare the region buf[start, end] of whole lines (end: the last one's newline). */
  begin(buf: Buffer, start: number, end: number): void {
    if (this.view.buffer !== buf.buffer || this.view.byteOffset !== buf.byteOffset || this.view.byteLength !== buf.byteLength) {
      this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    }
    this.viewEnd = buf.length;
    this.scanner.scan(buf, start, end, this.hits);
    this.hit = 0;
    const r = this.spoilers;
    r.length = 0;
    this.spoiler = 0;
    const region = buf.subarray(start, end);
    for (let i = region.indexOf(0x5c); i >= 0; i = region.indexOf(0x5c, i + 1)) r.push(start + i);
    const backslashes = r.length;
    // U+FFFD by its first byte (memchr; a 3-byte needle takes a much slower search), then the other two
    for (let i = region.indexOf(0xef); i >= 0; i = region.indexOf(0xef, i + 1)) {
      if (region[i + 1] === REPLACEMENT[1] && region[i + 2] === REPLACEMENT[2]) r.push(start + i);
    }
    if (backslashes > 0 && r.length > backslashes) r.sort((x, y) => x - y);
  }

  /**
   * Whether the line starting at s could be quiet: a capnslog or zap JSON line at info level or
   * below, holding no backslash and no trigger literal, with a sane stamp and, for zap, one
   * level, one ts, one string msg and at most one local-member-id (what JSON.parse would keep).
   * Sets lineEnd (the line's newline; the region must end with one) and, when true, `shape`.
   * Lines must be offered in order within the region given to `begin`.
   */
  classify(b: Buffer, s: number): boolean {
    const ok = this.shapeOf(b, s);
    const e = this.lineEnd;
    if (!ok) return false;
    const hits = this.hits;
    while (this.hit < hits.length && hits[this.hit]! < s) this.hit++;
    if (this.hit < hits.length && hits[this.hit]! < e) return false;
    const r = this.spoilers;
    if (r.length > 0) {
      while (this.spoiler < r.length && r[this.spoiler]! < s) this.spoiler++;
      if (this.spoiler < r.length && r[this.spoiler]! < e) return false;
    }
    return e - s >= 40 && e - s <= QUIET_MAX_LINE && b[e - 1] !== 0x0d;
  }

  /** The end of the line from q on; false (never quiet) whatever it holds. */
  private skip(b: Uint8Array, q: number): false {
    while (b[q] !== 0x0a) q++;
    this.lineEnd = q;
    return false;
  }

  private shapeOf(b: Buffer, line: number): boolean {
    const shape = this.shape;
    let s = line;
    // docker --timestamps: `2026-11-22T04:06:51.476112079Z ` (RFC 3339, nanoseconds, trailing zeros dropped)
    let docker = -1;
    if (b[s + 10] === 0x54 && digit(b[s]!)) {
      if (!validStamp(b, s, 0x54)) return this.skip(b, s);
      let j = s + 20;
      while (j < s + 29 && digit(b[j]!)) j++;
      if (j === s + 20 || b[j] !== 0x5a || b[j + 1] !== 0x20) return this.skip(b, s);
      docker = s;
      s = j + 2;
    }
    // a compose prefix (`etcd1_1  | `), or none
    let p = s;
    shape.nameStart = -1;
    shape.nameEnd = -1;
    shape.nameId = -1;
    const c0 = b[s]!;
    const cache = this.prefixes;
    const known = c0 !== 0x7b && !digit(c0) && s + CACHED_PREFIX_BYTES <= this.viewEnd ? cache.find(this.view, s) : -1;
    if (known >= 0) {
      p = s + cache.lengths[known]!;
      shape.nameStart = s;
      shape.nameEnd = s + cache.nameLengths[known]!;
      shape.nameId = cache.ids[known]!;
    } else if (c0 !== 0x7b && !digit(c0)) {
      if (!((c0 >= 0x61 && c0 <= 0x7a) || (c0 >= 0x41 && c0 <= 0x5a))) return this.skip(b, s);
      let j = s;
      let h = 0;
      for (const lim = s + 128; j < lim; j++) {
        const c = b[j]!;
        if (NAME_BYTE[c] === 0) break;
        h = nameHashStep(h, c);
      }
      if (b[j] !== 0x20) return this.skip(b, j);
      const nameEnd = j;
      while (b[j] === 0x20) j++;
      if (b[j] !== 0x7c) return this.skip(b, j);
      j++;
      if (b[j] === 0x20) j++;
      p = j;
      const names = this.names;
      const id = names.id(b, s, nameEnd, h);
      if (!names.composeName(id)) return this.skip(b, p);
      if (cache.generation !== names.generation) {
        cache.clear();
        cache.generation = names.generation;
      }
      if (p - s <= CACHED_PREFIX_BYTES) cache.add(b, s, nameEnd, p, id);
      shape.nameStart = s;
      shape.nameEnd = nameEnd;
      shape.nameId = id;
    }
    shape.text = p;
    shape.idStart = -1;
    shape.idEnd = -1;

    // Every position checked below up to the stamp's end is a digit, a separator or a letter, so
    // a line that ends early fails at its newline before anything past it is read.
    const c = b[p]!;
    if (c === 0x7b) {
      // {"level":"info","ts":"2026-11-22T04:06:51.476Z",...,"msg":"...",...}
      for (let k = 0; k < ZAP_HEAD.length; k++) if (b[p + k] !== ZAP_HEAD[k]) return this.skip(b, p);
      let q = p + ZAP_HEAD.length;
      if (b[q] === 0x69 && b[q + 1] === 0x6e && b[q + 2] === 0x66 && b[q + 3] === 0x6f) q += 4; // info
      else if (b[q] === 0x64 && b[q + 1] === 0x65 && b[q + 2] === 0x62 && b[q + 3] === 0x75 && b[q + 4] === 0x67) q += 5; // debug
      else return this.skip(b, p);
      for (let k = 0; k < ZAP_TS.length; k++) if (b[q + k] !== ZAP_TS[k]) return this.skip(b, q);
      const ts = q + ZAP_TS.length;
      if (!validStamp(b, ts, 0x54) || !digit(b[ts + 20]!) || !digit(b[ts + 21]!) || !digit(b[ts + 22]!) || b[ts + 23] !== 0x5a || b[ts + 24] !== 0x22) return this.skip(b, ts);
      // the rest, string by string: with no backslash (classify checks) every quote opens or closes one
      let levels = 0;
      let stamps = 0;
      let msgs = 0;
      let ids = 0;
      let good = true;
      q = ts + 25;
      for (;;) {
        const x = b[q]!;
        if (x === 0x0a) break;
        if (x !== 0x22) {
          q++;
          continue;
        }
        const start = q + 1;
        let j = start;
        // four bytes at a time while none of them is a quote or a newline (a word with a zero
        // byte after the xor holds one); then byte by byte to it
        for (const v = this.view, last = this.viewEnd - 4; j <= last; j += 4) {
          const w = v.getUint32(j);
          const quote = w ^ 0x22222222;
          const newline = w ^ 0x0a0a0a0a;
          if ((((quote - 0x01010101) & ~quote) | ((newline - 0x01010101) & ~newline)) & 0x80808080) break;
        }
        let y = b[j]!;
        while (y !== 0x22 && y !== 0x0a) y = b[++j]!;
        if (y === 0x0a) {
          // an unclosed string
          good = false;
          q = j;
          break;
        }
        const len = j - start;
        if (len === 5 && tokenIs(b, start, K_LEVEL)) levels++;
        else if (len === 2 && b[start] === 0x74 && b[start + 1] === 0x73) stamps++;
        else if (len === 3 && tokenIs(b, start, K_MSG)) {
          msgs++;
          if (b[j + 1] !== 0x3a || b[j + 2] !== 0x22) good = false; // "msg":" : a string
        } else if (len === 15 && tokenIs(b, start, K_LOCAL)) {
          ids++;
          if (b[j + 1] === 0x3a && b[j + 2] === 0x22) {
            shape.idStart = j + 3;
            let v = j + 3;
            while (b[v] !== 0x22 && b[v] !== 0x0a) v++;
            shape.idEnd = v;
          } else {
            good = false;
          }
        }
        q = j + 1;
      }
      this.lineEnd = q;
      if (!good || levels !== 0 || stamps !== 0 || msgs !== 1 || ids > 1 || b[q - 1] !== 0x7d) return false;
      shape.kind = STAMP_ZAP;
      shape.ts = ts;
      return true;
    }
    if (digit(c)) {
      // 2026-11-22 03:59:42.989189 I | etcdserver: ...
      const transport = docker >= 0 && this.options.transportWins;
      if (!(transport || this.options.capnslogUtc) || !validStamp(b, p, 0x20)) return this.skip(b, p);
      for (let k = 20; k < 26; k++) if (!digit(b[p + k]!)) return this.skip(b, p);
      const level = b[p + 27];
      if (b[p + 26] !== 0x20 || b[p + 28] !== 0x20 || b[p + 29] !== 0x7c || b[p + 30] !== 0x20) return this.skip(b, p);
      if (level !== 0x49 && level !== 0x4e && level !== 0x44 && level !== 0x54) return this.skip(b, p); // I N D T
      // position p + 30 held a space, so the line's newline is past it (memchr: no per-byte walk)
      this.lineEnd = b.indexOf(0x0a, p + 31);
      shape.kind = transport ? STAMP_DOCKER : STAMP_CAPNSLOG;
      shape.ts = transport ? docker : p;
      return true;
    }
    return this.skip(b, p);
  }

  /**
   * stampLess for stamps of the region begun: capnslog's and zap's a big-endian word at a time
   * (neighbouring stamps share their first 16 or more bytes).
   */
  private stampBefore(b: Buffer, kind: number, x: number, y: number): boolean {
    if (kind === STAMP_DOCKER) return dockerLess(b, x, y);
    const v = this.view;
    for (let k = 0; k < 24; k += 4) {
      const wx = v.getUint32(x + k);
      const wy = v.getUint32(y + k);
      if (wx !== wy) return wx < wy;
    }
    // capnslog's 26 bytes: the last two (zap's 24 are done)
    return kind === STAMP_CAPNSLOG && (b[x + 24]! < b[y + 24]! || (b[x + 24] === b[y + 24] && b[x + 25]! < b[y + 25]!));
  }

  private push(v: number): void {
    if (this.n === this.out.length) {
      const bigger = new Int32Array(this.out.length * 2);
      bigger.set(this.out);
      this.out = bigger;
    }
    this.out[this.n++] = v;
  }

  /**
   * The plan of the region buf[from, to] of whole lines (to: the last line's newline). The
   * array is reused by the next call; `copy` returns one of its own (to hand to another thread).
   */
  plan(b: Buffer, from: number, to: number, copy = false): Int32Array {
    this.begin(b, from, to);
    this.n = 0;
    const shape = this.shape;
    const groupNames = this.groupNames;
    let batch = -1; // index of the open batch's record
    let s = from;
    while (s <= to) {
      const quiet = this.classify(b, s);
      const e = this.lineEnd;
      if (!quiet) {
        batch = -1;
        this.push(PLAN_PARSE);
        this.push(s);
        this.push(e);
        s = e + 1;
        continue;
      }
      let g = -1;
      if (batch >= 0) {
        const groups = this.out[batch + 4]!;
        for (let k = 0; k < groups; k++) {
          if (groupNames[k] === shape.nameId) {
            g = batch + BATCH_HEAD + k * GROUP_INTS;
            break;
          }
        }
        if (g >= 0 && shape.idStart >= 0) {
          // a second local member ID in one group: the main thread checks one per group
          const is = this.out[g + G_ID]!;
          if (is >= 0 && !sameBytes(b, is, this.out[g + G_ID + 1]!, b, shape.idStart, shape.idEnd)) batch = -1;
        }
        if (batch >= 0 && g < 0 && groups >= MAX_GROUPS) batch = -1;
      }
      if (batch < 0) {
        batch = this.n;
        this.push(PLAN_BATCH);
        this.push(s);
        this.push(e);
        this.push(0);
        this.push(0);
        g = -1;
      }
      if (g < 0) {
        g = this.n;
        for (let k = 0; k < GROUP_INTS; k++) this.push(-1);
        const out = this.out;
        out[g] = shape.nameStart;
        out[g + 1] = shape.nameEnd;
        for (let k = 0; k < STAMP_KINDS; k++) out[g + G_RUNS + 3 * k] = 0;
        groupNames[out[batch + 4]!] = shape.nameId;
        out[batch + 4]!++;
      }
      const out = this.out;
      const kind = shape.kind;
      const at = g + G_RUNS + 3 * kind;
      if (out[at] === 0) {
        out[at + 1] = shape.ts;
        out[at + 2] = shape.ts;
      } else {
        // logs mostly rise: a stamp not before the latest cannot be before the earliest
        if (!this.stampBefore(b, kind, shape.ts, out[at + 2]!)) out[at + 2] = shape.ts;
        else if (this.stampBefore(b, kind, shape.ts, out[at + 1]!)) out[at + 1] = shape.ts;
      }
      out[at]!++;
      if (shape.idStart >= 0 && out[g + G_ID]! < 0) {
        out[g + G_ID] = shape.idStart;
        out[g + G_ID + 1] = shape.idEnd;
      }
      out[batch + 2] = e;
      out[batch + 3]!++;
      s = e + 1;
    }
    return copy ? this.out.slice(0, this.n) : this.out.subarray(0, this.n);
  }
}
