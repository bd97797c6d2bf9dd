// Finds, on raw bytes, which lines of a chunk hold any of a set of literals, so lines that hold
// none (routine lines) can skip parsing. Wu-Manber scans: at each window end the last block's
// shift says how far no literal's window can end, so most bytes are never looked at.
//
// The shift can never exceed the shortest literal's length, so one scan over all literals moves
// by at most 5 bytes when one is 6 bytes long. The literals are split in two: those of at least
// LONG_LITERAL bytes get their own scan with a window of that width (shifts up to 12), the few
// shorter ones a narrower scan. Both hash three-byte blocks (two-byte ones only for a window of
// 2). Where a block's shift is 0 (the window could end a literal) a bit set keyed by the
// window's first four bytes and last block rejects nearly every candidate before any literal is
// compared. Each scan walks four quarters of the range in one loop: one walk is a chain of
// dependent loads (byte, table, next position), so four independent chains keep the CPU busy
// while each waits.
/** Literals at least this long go to the wide-window scan; shorter ones to the narrow one. */
const LONG_LITERAL = 14;
/** Widest window (bytes) of the narrow scan. */
const MAX_SHORT_WINDOW = 8;
/** log2 of the hashed three-byte block table (32 KiB: stays in L1). */
const BLOCK_BITS = 15;
/** log2 of the candidate bit set and bucket index. */
const KEY_BITS = 14;
/** Below this many window ends per quarter, one walk instead of four. */
const MIN_LANE = 64;
const M1 = 0x9e3779b1;
const M2 = 0x85ebca6b;

/** One Wu-Manber scan's tables: the literals sharing one window width and block size. */
interface Pass {
  /** Window width: every literal is indexed by its first m bytes. */
  readonly m: number;
  /** Block size: 2 (table indexed by the two bytes) or 3 (hashed into 2^BLOCK_BITS). */
  readonly block: 2 | 3;
  /** Per block: how far the window end may move with no literal's window ending in between. */
  readonly shift: Uint8Array;
  /** Per key (first 4 bytes of the window, last block): 1 when some literal has it. */
  readonly keys: Uint8Array;
  /** Literals by key: ids[bucket[k] .. bucket[k + 1]). */
  readonly bucket: Int32Array;
  readonly ids: Int32Array;
  /** Literal bytes back to back: literal id spans bytes[off[id] .. off[id + 1]). */
  readonly bytes: Uint8Array;
  readonly off: Int32Array;
}

const block3 = (b0: number, b1: number, b2: number): number => Math.imul((b0 << 16) | (b1 << 8) | b2, M1) >>> (32 - BLOCK_BITS);
const keyOf = (p4: number, h: number): number => Math.imul(p4 ^ Math.imul(h, M2), M1) >>> (32 - KEY_BITS);
/** The window's first four bytes as one number (0 when the window is narrower than 4). */
const prefix4 = (b: Uint8Array, at: number, m: number): number =>
  m >= 4 ? (b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]! : 0;

function buildPass(lits: readonly Buffer[], m: number, block: 2 | 3): Pass {
  const blockAt = (l: Buffer, j: number): number => (block === 2 ? (l[j - 1]! << 8) | l[j]! : block3(l[j - 2]!, l[j - 1]!, l[j]!));
  const shift = new Uint8Array(block === 2 ? 65536 : 1 << BLOCK_BITS).fill(m - block + 1);
  const keys = new Uint8Array(1 << KEY_BITS);
  const litKey = lits.map((lit) => {
    for (let j = block - 1; j < m; j++) {
      const h = blockAt(lit, j);
      if (m - 1 - j < shift[h]!) shift[h] = m - 1 - j;
    }
    const k = keyOf(prefix4(lit, 0, m), blockAt(lit, m - 1));
    keys[k] = 1;
    return k;
  });
  const bucket = new Int32Array((1 << KEY_BITS) + 1);
  for (const k of litKey) bucket[k + 1]!++;
  for (let k = 0; k < 1 << KEY_BITS; k++) bucket[k + 1]! += bucket[k]!;
  const fill = bucket.slice(0, 1 << KEY_BITS);
  const ids = new Int32Array(lits.length);
  litKey.forEach((k, id) => (ids[fill[k]!++] = id));
  const off = new Int32Array(lits.length + 1);
  lits.forEach((l, id) => (off[id + 1] = off[id]! + l.length));
  const bytes = new Uint8Array(off[lits.length]!);
  lits.forEach((l, id) => bytes.set(l, off[id]!));
  return { m, block, shift, keys, bucket, ids, bytes, off };
}

/** Whether a literal of p starts at `at` and ends by `end`; h is the block ending its window. */
function matchAt(p: Pass, buf: Uint8Array, at: number, h: number, end: number): boolean {
  const k = keyOf(prefix4(buf, at, p.m), h);
  return p.keys[k] !== 0 && compareAt(p, buf, at, k, end);
}

/** The literals of key k against buf at `at` (kept out of matchAt so the walks stay small). */
function compareAt(p: Pass, buf: Uint8Array, at: number, k: number, end: number): boolean {
  const ids = p.ids, off = p.off, bytes = p.bytes;
  for (let c = p.bucket[k]!, ce = p.bucket[k + 1]!; c < ce; c++) {
    const id = ids[c]!;
    const o = off[id]!;
    const n = off[id + 1]! - o;
    if (at + n > end) continue;
    let j = 0;
    while (j < n && buf[at + j] === bytes[o + j]) j++;
    if (j === n) return true;
  }
  return false;
}

/** One walk of a three-byte-block pass over window ends [i, stop); occurrences end by `end`. */
function walk3(p: Pass, buf: Uint8Array, i: number, stop: number, end: number, out: number[]): void {
  const m = p.m, shift = p.shift;
  while (i < stop) {
    const h = block3(buf[i - 2]!, buf[i - 1]!, buf[i]!);
    const s = shift[h]!;
    if (s !== 0) {
      i += s;
      continue;
    }
    if (matchAt(p, buf, i - m + 1, h, end)) out.push(i - m + 1);
    i++;
  }
}

function walk2(p: Pass, buf: Uint8Array, i: number, stop: number, end: number, out: number[]): void {
  const m = p.m, shift = p.shift;
  while (i < stop) {
    const h = (buf[i - 1]! << 8) | buf[i]!;
    const s = shift[h]!;
    if (s !== 0) {
      i += s;
      continue;
    }
    if (matchAt(p, buf, i - m + 1, h, end)) out.push(i - m + 1);
    i++;
  }
}

/**
 * A three-byte-block pass over buf[start, end): four walks, one per quarter of the window ends,
 * in one loop; each quarter's hits go to its own lane (a walk that jumps past its quarter's end
 * stops, the next quarter's walk covers from there).
 */
function scan3(p: Pass, buf: Uint8Array, start: number, end: number, lanes: number[][]): void {
  const m = p.m, shift = p.shift;
  const lo = start + m - 1;
  const q = (end - lo) >> 2;
  const o0 = lanes[0]!, o1 = lanes[1]!, o2 = lanes[2]!, o3 = lanes[3]!;
  if (q < MIN_LANE) return walk3(p, buf, lo, end, end, o0);
  const e0 = lo + q, e1 = e0 + q, e2 = e1 + q;
  let i0 = lo, i1 = e0, i2 = e1, i3 = e2;
  while (i0 < e0 && i1 < e1 && i2 < e2 && i3 < end) {
    const h0 = block3(buf[i0 - 2]!, buf[i0 - 1]!, buf[i0]!);
    const h1 = block3(buf[i1 - 2]!, buf[i1 - 1]!, buf[i1]!);
    const h2 = block3(buf[i2 - 2]!, buf[i2 - 1]!, buf[i2]!);
    const h3 = block3(buf[i3 - 2]!, buf[i3 - 1]!, buf[i3]!);
    const s0 = shift[h0]!, s1 = shift[h1]!, s2 = shift[h2]!, s3 = shift[h3]!;
    if (s0 !== 0) i0 += s0;
    else if (matchAt(p, buf, i0++ - m + 1, h0, end)) o0.push(i0 - m);
    if (s1 !== 0) i1 += s1;
    else if (matchAt(p, buf, i1++ - m + 1, h1, end)) o1.push(i1 - m);
    if (s2 !== 0) i2 += s2;
    else if (matchAt(p, buf, i2++ - m + 1, h2, end)) o2.push(i2 - m);
    if (s3 !== 0) i3 += s3;
    else if (matchAt(p, buf, i3++ - m + 1, h3, end)) o3.push(i3 - m);
  }
  walk3(p, buf, i0, e0, end, o0);
  walk3(p, buf, i1, e1, end, o1);
  walk3(p, buf, i2, e2, end, o2);
  walk3(p, buf, i3, end, end, o3);
}

/** scan3 for a two-byte-block pass. */
function scan2(p: Pass, buf: Uint8Array, start: number, end: number, lanes: number[][]): void {
  const m = p.m, shift = p.shift;
  const lo = start + m - 1;
  const q = (end - lo) >> 2;
  const o0 = lanes[0]!, o1 = lanes[1]!, o2 = lanes[2]!, o3 = lanes[3]!;
  if (q < MIN_LANE) return walk2(p, buf, lo, end, end, o0);
  const e0 = lo + q, e1 = e0 + q, e2 = e1 + q;
  let i0 = lo, i1 = e0, i2 = e1, i3 = e2;
  while (i0 < e0 && i1 < e1 && i2 < e2 && i3 < end) {
    const h0 = (buf[i0 - 1]! << 8) | buf[i0]!;
    const h1 = (buf[i1 - 1]! << 8) | buf[i1]!;
    const h2 = (buf[i2 - 1]! << 8) | buf[i2]!;
    const h3 = (buf[i3 - 1]! << 8) | buf[i3]!;
    const s0 = shift[h0]!, s1 = shift[h1]!, s2 = shift[h2]!, s3 = shift[h3]!;
    if (s0 !== 0) i0 += s0;
    else if (matchAt(p, buf, i0++ - m + 1, h0, end)) o0.push(i0 - m);
    if (s1 !== 0) i1 += s1;
    else if (matchAt(p, buf, i1++ - m + 1, h1, end)) o1.push(i1 - m);
    if (s2 !== 0) i2 += s2;
    else if (matchAt(p, buf, i2++ - m + 1, h2, end)) o2.push(i2 - m);
    if (s3 !== 0) i3 += s3;
    else if (matchAt(p, buf, i3++ - m + 1, h3, end)) o3.push(i3 - m);
  }
  walk2(p, buf, i0, e0, end, o0);
  walk2(p, buf, i1, e1, end, o1);
  walk2(p, buf, i2, e2, end, o2);
  walk2(p, buf, i3, end, end, o3);
}

export class LiteralScanner {
  /** Literals of at least LONG_LITERAL bytes (wide window, three-byte blocks). */
  private readonly long: Pass | null;
  /** The shorter ones (narrow window). */
  private readonly short: Pass | null;
  /** Per pass, per quarter: hits, each in increasing order. */
  private readonly longHits: number[][] = [[], [], [], []];
  private readonly shortHits: number[][] = [[], [], [], []];

  constructor(literals: readonly string[]) {
    const bytes = [...new Set(literals)].filter((l) => l.length > 0).map((l) => Buffer.from(l, 'utf8'));
    if (bytes.some((b) => b.length < 2)) throw new Error('LiteralScanner: literals must be at least 2 bytes');
    const long = bytes.filter((b) => b.length >= LONG_LITERAL);
    const short = bytes.filter((b) => b.length < LONG_LITERAL);
    this.long = long.length > 0 ? buildPass(long, LONG_LITERAL, 3) : null;
    const m = Math.min(MAX_SHORT_WINDOW, ...short.map((b) => b.length));
    // three-byte blocks where the window allows: common two-byte blocks of log text ("e ", "at")
    // end some literal's window far more often than three-byte ones, and each such block caps the shift
    this.short = short.length > 0 ? buildPass(short, m, m >= 3 ? 3 : 2) : null;
  }

  /**
   * Start offsets of literal occurrences in buf[start, end), in increasing order, into `out`
   * (cleared first). At most one offset per starting position.
   */
  scan(buf: Uint8Array, start: number, end: number, out: number[]): void {
    out.length = 0;
    const a = this.longHits, b = this.shortHits;
    for (let k = 0; k < 4; k++) a[k]!.length = b[k]!.length = 0;
    if (this.long !== null) scan3(this.long, buf, start, end, a);
    if (this.short !== null) (this.short.block === 3 ? scan3 : scan2)(this.short, buf, start, end, b);
    // merge the two passes' lanes (each lane sorted, lanes in order), once per position
    let ka = 0, xa = 0, kb = 0, xb = 0;
    for (;;) {
      while (ka < 4 && xa >= a[ka]!.length) {
        ka++;
        xa = 0;
      }
      while (kb < 4 && xb >= b[kb]!.length) {
        kb++;
        xb = 0;
      }
      if (ka === 4 && kb === 4) return;
      const u = ka < 4 ? a[ka]![xa]! : Infinity;
      const w = kb < 4 ? b[kb]![xb]! : Infinity;
      if (u <= w) {
        out.push(u);
        xa++;
        if (u === w) xb++;
      } else {
        out.push(w);
        xb++;
      }
    }
  }
}
