// Timestamp normalisation: every parser turns its stamp into one sortable UTC form.
//
// The canonical form is ISO-8601 with exactly six fraction digits and a Z
// (`2026-11-22T02:33:25.764708Z`), so stamps of mixed precision (capnslog's microseconds,
// zap 3.4's milliseconds, docker's nanoseconds) compare correctly as strings.

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** A fixed offset in minutes, or an IANA zone name resolved per instant. */
export type TimeZoneSpec = { kind: 'offset'; minutes: number } | { kind: 'iana'; name: string };

export const UTC: TimeZoneSpec = { kind: 'offset', minutes: 0 };

/** Parse `--tz`: `UTC`, `Z`, `+08:00`, `-0530`, or an IANA name such as `Asia/Shanghai`. */
export function parseTimeZone(spec: string): TimeZoneSpec | null {
  const s = spec.trim();
  if (/^(utc|z|gmt)$/i.test(s)) return UTC;
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(s);
  if (m) {
    const minutes = Number(m[2]) * 60 + Number(m[3]);
    return { kind: 'offset', minutes: m[1] === '-' ? -minutes : minutes };
  }
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: s });
    return { kind: 'iana', name: s };
  } catch {
    return null;
  }
}

/** The zone's offset from UTC in minutes at the given UTC instant. */
function zoneOffsetMinutes(tz: TimeZoneSpec, utcMillis: number): number {
  if (tz.kind === 'offset') return tz.minutes;
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: tz.name,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(utcMillis));
  const get = (t: string): number => Number(parts.find((p) => p.type === t)?.value ?? 0);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((asUtc - Math.floor(utcMillis / 1000) * 1000) / 60000);
}

/** Format epoch milliseconds plus extra microseconds (0-999) in the canonical form. */
export function formatInstant(millis: number, extraMicros = 0): string | null {
  if (!Number.isFinite(millis)) return null;
  const d = new Date(Math.floor(millis));
  if (Number.isNaN(d.getTime())) return null;
  const year = d.getUTCFullYear();
  if (year < 1970 || year > 9999) return null;
  const micros = d.getUTCMilliseconds() * 1000 + extraMicros;
  return (
    `${year}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(micros, 6)}Z`
  );
}

/** Split a fraction string ("764708123") into milliseconds and the remaining microseconds. */
function splitFraction(fraction: string | undefined): { ms: number; us: number } {
  const f = (fraction ?? '').padEnd(6, '0').slice(0, 6);
  return { ms: Number(f.slice(0, 3)), us: Number(f.slice(3, 6)) };
}

/** The 6-digit fraction of the canonical form, or null when `fraction` is not 1-9 digits. */
function fraction6(fraction: string | undefined): string | null {
  if (fraction === undefined) return '000000';
  const n = fraction.length;
  if (n === 0 || n > 9) return null;
  for (let i = 0; i < n; i++) {
    const c = fraction.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return null;
  }
  return n === 6 ? fraction : n > 6 ? fraction.slice(0, 6) : fraction + '000000'.slice(n);
}

/**
 * `YYYY-MM-DDTHH:MM:SS.` of a wall-clock second read in `tz`, or null. The zone's offset is a
 * whole number of minutes and depends only on the second, so every fraction of one second shares
 * this prefix: it is computed once per second (Date and Intl are the costly part of a line).
 */
class SecondPrefixes {
  private readonly byKey = new Map<number, string | null>();
  private readonly utc: boolean;
  constructor(private readonly tz: TimeZoneSpec) {
    this.utc = isUtc(tz);
  }

  get(year: number, month: number, day: number, hour: number, minute: number, second: number): string | null {
    // the checks of localToInstant have passed: month 1-12, day 1-31, hour 0-23, minute 0-59, second 0-60
    if (!(year >= 0 && year <= 9999 && Number.isInteger(year) && Number.isInteger(day) && Number.isInteger(hour) && Number.isInteger(minute) && Number.isInteger(second) && hour >= 0 && minute >= 0 && second >= 0)) {
      return secondPrefix(year, month, day, hour, minute, second, this.tz);
    }
    // In UTC a plain second is its own prefix: written out, not remembered. Lines that must be
    // parsed are sparse in time, so each would add an entry that lives long enough to be copied
    // and promoted by the young-generation GC, and then dies in the old generation.
    if (this.utc && Number.isInteger(month) && isPlainSecond(year, month, day, hour, minute, second)) {
      return `${year}-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(minute)}:${pad(second)}.`;
    }
    const key = ((((year * 13 + month) * 32 + day) * 24 + hour) * 60 + minute) * 61 + second;
    let p = this.byKey.get(key);
    if (p === undefined) {
      if (this.byKey.size >= 4096) this.byKey.clear();
      p = secondPrefix(year, month, day, hour, minute, second, this.tz);
      this.byKey.set(key, p);
    }
    return p;
  }
}

function secondPrefix(year: number, month: number, day: number, hour: number, minute: number, second: number, tz: TimeZoneSpec): string | null {
  const wall = Date.UTC(year, month - 1, day, hour, minute, second, 0);
  // Two passes settle the offset across a daylight-saving change.
  let offset = zoneOffsetMinutes(tz, wall);
  offset = zoneOffsetMinutes(tz, wall - offset * 60000);
  const full = formatInstant(wall - offset * 60000, 0);
  return full === null ? null : full.slice(0, 20);
}

const prefixesByZone = new WeakMap<TimeZoneSpec, SecondPrefixes>();
let lastZone: TimeZoneSpec | null = null;
let lastPrefixes: SecondPrefixes | null = null;

function prefixesOf(tz: TimeZoneSpec): SecondPrefixes {
  if (tz === lastZone) return lastPrefixes!;
  let p = prefixesByZone.get(tz);
  if (p === undefined) prefixesByZone.set(tz, (p = new SecondPrefixes(tz)));
  lastZone = tz;
  lastPrefixes = p;
  return p;
}

/**
 * A wall-clock time with no zone (capnslog, Go's log package), read in `tz`.
 * Months are 1-based. Returns null for impossible dates.
 */
export function localToInstant(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  fraction: string | undefined,
  tz: TimeZoneSpec,
): string | null {
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return null;
  const f = fraction6(fraction);
  if (f === null || !Number.isInteger(month)) return slowLocalToInstant(year, month, day, hour, minute, second, fraction, tz);
  const prefix = prefixesOf(tz).get(year, month, day, hour, minute, second);
  return prefix === null ? null : prefix + f + 'Z';
}

/** localToInstant through Date for every line: for fractions that are not plain digits. */
function slowLocalToInstant(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  fraction: string | undefined,
  tz: TimeZoneSpec,
): string | null {
  const { ms, us } = splitFraction(fraction);
  const wall = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  let offset = zoneOffsetMinutes(tz, wall);
  offset = zoneOffsetMinutes(tz, wall - offset * 60000);
  return formatInstant(wall - offset * 60000, us);
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const ZEROS = ['', '0', '00', '000', '0000', '00000', '000000'];
const ZEROS_Z = ZEROS.map((z) => z + 'Z');

/** Whether a zone is UTC itself, where a wall-clock stamp is already the instant. */
export function isUtc(tz: TimeZoneSpec): boolean {
  return tz.kind === 'offset' && tz.minutes === 0;
}

/** Two ASCII digits at i as a number, or -1. */
export function twoDigits(t: string, i: number): number {
  const a = t.charCodeAt(i) - 0x30;
  const b = t.charCodeAt(i + 1) - 0x30;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/**
 * Whether a wall-clock second is one UTC has as written: a year 1970-9999, a real day of its
 * month, no leap second (fields already in range or -1). Read in UTC, such a stamp is already its
 * canonical form; every other stamp goes through Date.
 */
export function isPlainSecond(year: number, month: number, day: number, hour: number, minute: number, second: number): boolean {
  if (!(year >= 1970 && month >= 1 && month <= 12 && day >= 1 && hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59 && second >= 0 && second <= 59)) return false;
  if (day <= 28) return true;
  const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= DAYS_IN_MONTH[month - 1]! + (leap ? 1 : 0);
}

/** Whether t[at, at+19) is `YYYY-MM-DD?HH:MM:SS` (? is `sep`) naming a plain second (isPlainSecond). */
export function isPlainUtcSecond(t: string, at: number, sep: number): boolean {
  if (t.charCodeAt(at + 4) !== 0x2d || t.charCodeAt(at + 7) !== 0x2d || t.charCodeAt(at + 10) !== sep || t.charCodeAt(at + 13) !== 0x3a || t.charCodeAt(at + 16) !== 0x3a) return false;
  const hi = twoDigits(t, at);
  const lo = twoDigits(t, at + 2);
  if (hi < 0 || lo < 0) return false;
  return isPlainSecond(hi * 100 + lo, twoDigits(t, at + 5), twoDigits(t, at + 8), twoDigits(t, at + 11), twoDigits(t, at + 14), twoDigits(t, at + 17));
}

/**
 * The canonical instant of a stamp at `at` that isPlainUtcSecond accepted, with fraction digits
 * t[fs, fe) (none when fs === fe; at most 6 are kept, as splitFraction does).
 */
export function plainUtcInstant(t: string, at: number, fs: number, fe: number): string {
  const n = fe - fs;
  if (t.charCodeAt(at + 10) === 0x54 && fs === at + 20 && t.charCodeAt(at + 19) === 0x2e) {
    // already `YYYY-MM-DDTHH:MM:SS.f...`
    return n >= 6 ? t.slice(at, at + 26) + 'Z' : t.slice(at, fe) + ZEROS_Z[6 - n]!;
  }
  const frac = n >= 6 ? t.slice(fs, fs + 6) : n === 0 ? '000000' : t.slice(fs, fe) + ZEROS[6 - n]!;
  return t.slice(at, at + 10) + 'T' + t.slice(at + 11, at + 19) + '.' + frac + 'Z';
}

/** isoToInstant without Date, for stamps that are plain UTC (zone Z, or none read in UTC); else null. */
function plainIsoInstant(text: string, tz: TimeZoneSpec): string | null {
  const len = text.length;
  if (len < 19) return null;
  const sep = text.charCodeAt(10);
  if ((sep !== 0x54 && sep !== 0x20) || !isPlainUtcSecond(text, 0, sep)) return null;
  let p = 19;
  let fs = 19;
  const c = text.charCodeAt(19);
  if (c === 0x2e || c === 0x2c) {
    fs = p = 20;
    while (p < len && p < 30) {
      const d = text.charCodeAt(p);
      if (d < 0x30 || d > 0x39) break;
      p++;
    }
    if (p === fs || p - fs > 9) return null;
  }
  const fe = p;
  if (p === len) {
    if (!isUtc(tz)) return null;
  } else if (p !== len - 1 || text.charCodeAt(p) !== 0x5a) {
    return null;
  }
  return plainUtcInstant(text, 0, fs, fe);
}

const ISO_RE =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/;

/** An ISO-8601 stamp (zap, docker, CRI, kubectl). A stamp with no zone is read in `tz`. */
export function isoToInstant(text: string, tz: TimeZoneSpec = UTC): string | null {
  const plain = plainIsoInstant(text, tz);
  if (plain !== null) return plain;
  const m = ISO_RE.exec(text);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  if (!zone) return localToInstant(+y!, +mo!, +d!, +h!, +mi!, +s!, frac, tz);
  const local = localToInstant(+y!, +mo!, +d!, +h!, +mi!, +s!, frac, UTC);
  if (local === null || zone === 'Z') return local;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.replace(/[^0-9]/g, '');
  const offset = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4)));
  const { us } = splitFraction(frac);
  const wall = Date.parse(local);
  return formatInstant(wall - offset * 60000, us);
}

/** zap's epoch-seconds float (`1700000000.123456`). */
export function epochToInstant(seconds: number): string | null {
  if (!Number.isFinite(seconds) || seconds <= 0) return null;
  const whole = Math.floor(seconds);
  const micros = Math.round((seconds - whole) * 1e6);
  return formatInstant(whole * 1000 + Math.floor(micros / 1000), micros % 1000);
}

const MONTHS: Record<string, number> = {
  Jan: 1, Feb: 2, Mar: 3, Apr: 4, May: 5, Jun: 6, Jul: 7, Aug: 8, Sep: 9, Oct: 10, Nov: 11, Dec: 12,
};

/** A syslog/journald short stamp (`Nov 22 02:33:25`, no year): the year comes from `yearHint`. */
export function syslogToInstant(
  month: string,
  day: number,
  time: string,
  yearHint: number,
  tz: TimeZoneSpec,
): string | null {
  const mo = MONTHS[month];
  const t = /^(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?$/.exec(time);
  if (!mo || !t) return null;
  return localToInstant(yearHint, mo, day, +t[1]!, +t[2]!, +t[3]!, t[4], tz);
}
