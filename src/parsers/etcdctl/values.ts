// Value conversions etcdctl outputs need: exact uint64 IDs to hex, go-humanize sizes to bytes, big-integer-safe JSON.

/** Marks a decimal integer that quoteBigIntegers turned into a string, so it is never mistaken for a hex ID. */
export const DECIMAL_MARK = '#';

const HEX_ID = /^[0-9a-f]{1,16}$/;
const MAX_UINT64 = (1n << 64n) - 1n;

/** Decimal uint64 text ("1689072042285620418") to etcd's hex form ("1770ca12c87a5cc2"); null when not a uint64. */
export function convertDecimalToHex(decimal: string): string | null {
  if (!/^\d{1,20}$/.test(decimal)) return null;
  const value = BigInt(decimal);
  if (value > MAX_UINT64) return null;
  return value.toString(16);
}

/** A hex ID as etcd prints it (%x: lowercase, no padding); null when it is not one. */
export function normaliseHexId(hex: string): string | null {
  const lower = hex.trim().toLowerCase().replace(/^0+(?=[0-9a-f])/, '');
  return HEX_ID.test(lower) ? lower : null;
}

/**
 * An ID from a JSON document parsed with parseJsonExactly: a number or a marked decimal string is a
 * decimal uint64 (etcdctl -w json), any other string is hex (etcdctl --hex, /v2/members).
 */
export function convertJsonId(value: unknown): string | null {
  if (typeof value === 'number') {
    return Number.isSafeInteger(value) && value >= 0 ? BigInt(value).toString(16) : null;
  }
  if (typeof value !== 'string') return null;
  if (value.startsWith(DECIMAL_MARK)) return convertDecimalToHex(value.slice(DECIMAL_MARK.length));
  return normaliseHexId(value);
}

/** A JSON number that may have been marked by quoteBigIntegers, as a number (counters, sizes). */
export function convertJsonNumber(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && value.startsWith(DECIMAL_MARK)) {
    const n = Number(value.slice(DECIMAL_MARK.length));
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

/**
 * Wraps every integer literal of 16 digits or more (outside strings) in quotes with DECIMAL_MARK, so
 * JSON.parse cannot round a uint64 such as 11839899524373806266 to the nearest double.
 */
export function quoteBigIntegers(json: string): string {
  let out = '';
  let last = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) {
      inString = true;
      continue;
    }
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      let end = i + 1;
      while (end < json.length && /[0-9.eE+-]/.test(json.charAt(end))) end++;
      const literal = json.slice(i, end);
      if (/^\d{16,}$/.test(literal)) {
        out += json.slice(last, i) + '"' + DECIMAL_MARK + literal + '"';
        last = end;
      }
      i = end - 1;
    }
  }
  return out + json.slice(last);
}

/** JSON.parse that keeps big integers exact (see quoteBigIntegers); throws like JSON.parse. */
export function parseJsonExactly(json: string): unknown {
  return JSON.parse(quoteBigIntegers(json));
}

const SI_UNITS: Record<string, number> = { B: 1, kB: 1e3, KB: 1e3, MB: 1e6, GB: 1e9, TB: 1e12, PB: 1e15, EB: 1e18 };

/**
 * go-humanize's humanize.Bytes output to bytes: "20 kB" -> 20000, "2.1 MB" -> 2100000. etcdctl prints
 * sizes this way (SI units), so the result is as exact as the text: 3 significant digits at most.
 */
export function parseHumanBytes(text: string): number | null {
  const m = /^(\d+(?:\.\d+)?)\s*([kKMGTPE]?B)$/.exec(text.trim());
  if (!m) return null;
  const unit = SI_UNITS[m[2] ?? ''];
  if (unit === undefined) return null;
  return Math.round(Number(m[1]) * unit);
}

/** "true"/"false" as etcdctl prints Go booleans; null otherwise. */
export function parseBoolText(text: string): boolean | null {
  const t = text.trim();
  if (t === 'true') return true;
  if (t === 'false') return false;
  return null;
}

/** A decimal counter column ("8"); null when empty or not a number. */
export function parseCountText(text: string): number | null {
  const t = text.trim();
  return /^\d+$/.test(t) ? Number(t) : null;
}

/** URLs as etcdctl joins them in one column: "http://a:2379,http://b:2379" (empty -> []). */
export function splitUrlList(text: string): string[] {
  return text
    .split(',')
    .map((u) => u.trim())
    .filter((u) => u.length > 0);
}

/** A plain JSON object (not an array, not null). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The strings of a JSON array; [] for anything else. */
export function readStringArray(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/**
 * The fields of a simple-form line, which etcdctl joins with ", " (printer_simple.go). A trailing empty
 * field leaves the line ending in ", ", or in "," when a paste trimmed the space; both keep that field.
 */
export function splitSimpleFields(line: string): string[] {
  let text = line.replace(/\s+$/, '');
  if (text.endsWith(',')) text += ' ';
  return text.split(', ');
}
