// The per-second shortcuts of time.ts against the plain Date arithmetic they replace: the same
// instant (or null) for every stamp, in UTC, fixed offsets and IANA zones across DST changes.
import { describe, expect, it } from 'vitest';
import { isoToInstant, localToInstant, parseTimeZone, type TimeZoneSpec, UTC } from '../../src/parsers/time.js';
import { rng } from '../helpers/rng.js';

// The algorithm before the shortcuts, kept verbatim as the reference.
const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
function zoneOffsetMinutes(tz: TimeZoneSpec, utcMillis: number): number {
  if (tz.kind === 'offset') return tz.minutes;
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: tz.name, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  }).formatToParts(new Date(utcMillis));
  const get = (t: string): number => Number(parts.find((p) => p.type === t)?.value ?? 0);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((asUtc - Math.floor(utcMillis / 1000) * 1000) / 60000);
}
function formatInstant(millis: number, extraMicros = 0): string | null {
  if (!Number.isFinite(millis)) return null;
  const d = new Date(Math.floor(millis));
  if (Number.isNaN(d.getTime())) return null;
  const year = d.getUTCFullYear();
  if (year < 1970 || year > 9999) return null;
  const micros = d.getUTCMilliseconds() * 1000 + extraMicros;
  return `${year}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(micros, 6)}Z`;
}
function splitFraction(fraction: string | undefined): { ms: number; us: number } {
  const f = (fraction ?? '').padEnd(6, '0').slice(0, 6);
  return { ms: Number(f.slice(0, 3)), us: Number(f.slice(3, 6)) };
}
function refLocal(y: number, mo: number, d: number, h: number, mi: number, s: number, fraction: string | undefined, tz: TimeZoneSpec): string | null {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return null;
  const { ms, us } = splitFraction(fraction);
  const wall = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  let offset = zoneOffsetMinutes(tz, wall);
  offset = zoneOffsetMinutes(tz, wall - offset * 60000);
  return formatInstant(wall - offset * 60000, us);
}
const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/;
function refIso(text: string, tz: TimeZoneSpec = UTC): string | null {
  const m = ISO_RE.exec(text);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  if (!zone) return refLocal(+y!, +mo!, +d!, +h!, +mi!, +s!, frac, tz);
  const local = refLocal(+y!, +mo!, +d!, +h!, +mi!, +s!, frac, UTC);
  if (local === null || zone === 'Z') return local;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.replace(/[^0-9]/g, '');
  const offset = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4)));
  const { us } = splitFraction(frac);
  return formatInstant(Date.parse(local) - offset * 60000, us);
}

/** A result or 'throws' (the Date path throws on NaN in an IANA zone, as it always did). */
function outcome(f: () => string | null): string | null {
  try {
    return f();
  } catch {
    return 'throws';
  }
}

const zones: TimeZoneSpec[] = [UTC, parseTimeZone('+08:00')!, parseTimeZone('-0530')!, parseTimeZone('Europe/Berlin')!, parseTimeZone('America/New_York')!, parseTimeZone('Australia/Lord_Howe')!];
const fractions = [undefined, '', '5', '12', '764708', '764708123', '0000000000', '9999999', 'x1', '1a'];

describe('time shortcuts equal Date arithmetic', () => {
  it('localToInstant on random and edge stamps', () => {
    const r = rng(42);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
    for (let i = 0; i < 6000; i++) {
      const tz = pick(zones);
      const y = pick([1969, 1970, 2000, 2024, 2026, 9999, 10000, 99, 0, 2026.5, Number.NaN]);
      const mo = pick([0, 1, 2, 3, 10, 11, 12, 13, 2.5]);
      const d = pick([0, 1, 28, 29, 30, 31, 32]);
      const h = pick([0, 1, 2, 3, 23, 24]);
      const mi = pick([0, 30, 59, 60]);
      const s = pick([0, 1, 59, 60, 61]);
      const f = pick(fractions);
      const got = outcome(() => localToInstant(y, mo, d, h, mi, s, f, tz));
      expect(got, `${y}-${mo}-${d} ${h}:${mi}:${s}.${f} ${JSON.stringify(tz)}`).toBe(outcome(() => refLocal(y, mo, d, h, mi, s, f, tz)));
    }
    // every hour across the 2026 DST changes, twice (the second time from the cache)
    for (const tz of zones) {
      for (let pass = 0; pass < 2; pass++) {
        for (const [mo, d] of [[3, 8], [3, 29], [4, 5], [10, 4], [10, 25], [11, 1]] as const) {
          for (let h = 0; h < 24; h++) {
            for (const mi of [0, 29, 30, 59]) {
              expect(localToInstant(2026, mo, d, h, mi, 7, '123456', tz)).toBe(refLocal(2026, mo, d, h, mi, 7, '123456', tz));
            }
          }
        }
      }
    }
  });

  it('isoToInstant on random stamps', () => {
    const r = rng(7);
    const two = (n: number): string => String(n).padStart(2, '0');
    for (let i = 0; i < 6000; i++) {
      const tz = zones[Math.floor(r() * zones.length)]!;
      const y = [1969, 1970, 2026, 9999][Math.floor(r() * 4)]!;
      const stamp = `${y}-${two(Math.floor(r() * 14))}-${two(Math.floor(r() * 33))}${r() < 0.5 ? 'T' : ' '}${two(Math.floor(r() * 25))}:${two(Math.floor(r() * 61))}:${two(Math.floor(r() * 62))}`;
      const frac = ['', '.1', '.123', ',123456', '.123456789', '.1234567890'][Math.floor(r() * 6)]!;
      const zone = ['', 'Z', '+05:30', '-0800', '+14:00', '-12:00'][Math.floor(r() * 6)]!;
      const text = stamp + frac + zone;
      expect(isoToInstant(text, tz), text).toBe(refIso(text, tz));
    }
  });
});
