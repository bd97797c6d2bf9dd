// A bounded memo keyed by text (messages, mostly), for work that etcd's repeated lines make
// repeated: a direct-mapped table, so a lookup is a fingerprint and one string compare instead of
// a Map's hashing, and a text is kept only when its slot has already seen it once, so a log of
// messages that never repeat pays almost nothing for the memo.
import { flatCopy } from './flat.js';

/** A fingerprint of a text from its length, characters spread along it and its last ones. */
function fingerprint(text: string): number {
  const n = text.length;
  let h = Math.imul(n, 0x9e3779b1);
  const step = (n >> 4) + 1;
  for (let i = 0; i < n; i += step) h = Math.imul(h ^ text.charCodeAt(i), 0x85ebca6b);
  for (let i = n > 8 ? n - 8 : 0; i < n; i++) h = Math.imul(h ^ text.charCodeAt(i), 0xc2b2ae35);
  return (h ^ (h >>> 15)) | 0;
}

export class TextMemo<V> {
  private readonly keys: (string | null)[];
  private readonly values: (V | null)[];
  /** Per slot, the fingerprint of the last text that missed there: a second miss admits it. */
  private readonly seen: Int32Array;
  private readonly mask: number;
  private slot = 0;
  private hash = 0;

  /** 2^bits slots; texts longer than maxText are never kept. */
  constructor(bits: number, private readonly maxText: number) {
    const n = 1 << bits;
    this.keys = new Array<string | null>(n).fill(null);
    this.values = new Array<V | null>(n).fill(null);
    this.seen = new Int32Array(n);
    this.mask = n - 1;
  }

  /** The value kept for `text`, or undefined. A later keep() refers to this text. */
  get(text: string): V | undefined {
    if (text.length > this.maxText) {
      this.slot = -1;
      return undefined;
    }
    const h = fingerprint(text);
    const i = h & this.mask;
    this.slot = i;
    this.hash = h;
    return this.keys[i] === text ? this.values[i]! : undefined;
  }

  /** Whether the text of the last get() (a miss) is worth keeping: its slot saw it before. */
  admits(): boolean {
    const i = this.slot;
    if (i < 0) return false;
    if (this.seen[i] === this.hash) return true;
    this.seen[i] = this.hash;
    return false;
  }

  /** Keep `value` for the text of the last get(), in that text's slot. */
  set(text: string, value: V): void {
    const i = this.slot;
    if (i < 0) return;
    this.keys[i] = flatCopy(text);
    this.values[i] = value;
  }
}
