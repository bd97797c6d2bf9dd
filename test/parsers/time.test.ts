import { describe, expect, it } from 'vitest';
import { epochToInstant, isoToInstant, localToInstant, parseTimeZone, syslogToInstant, UTC } from '../../src/parsers/time.js';

describe('timestamps', () => {
  it('reads capnslog wall-clock time as UTC by default, with microseconds', () => {
    expect(localToInstant(2026, 11, 22, 2, 33, 25, '764708', UTC)).toBe('2026-11-22T02:33:25.764708Z');
  });
  it('reads wall-clock time in an IANA zone and a fixed offset', () => {
    const shanghai = parseTimeZone('Asia/Shanghai')!;
    expect(localToInstant(2026, 11, 22, 10, 33, 25, '5', shanghai)).toBe('2026-11-22T02:33:25.500000Z');
    expect(localToInstant(2026, 11, 22, 10, 33, 25, undefined, parseTimeZone('+08:00')!)).toBe('2026-11-22T02:33:25.000000Z');
    expect(parseTimeZone('Mars/Olympus')).toBeNull();
  });
  it('reads zap ISO stamps of every precision and zone form', () => {
    expect(isoToInstant('2026-11-22T02:41:05.896Z')).toBe('2026-11-22T02:41:05.896000Z');
    expect(isoToInstant('2023-11-30T20:55:23.457083Z')).toBe('2023-11-30T20:55:23.457083Z');
    expect(isoToInstant('2025-03-01T04:35:01.443441+0530')).toBe('2025-02-28T23:05:01.443441Z');
    expect(isoToInstant('2026-11-22T02:33:25.764708123Z')).toBe('2026-11-22T02:33:25.764708Z');
    expect(isoToInstant('not a time')).toBeNull();
  });
  it('reads epoch floats', () => {
    expect(epochToInstant(1795314805.5)).toBe('2026-11-22T02:33:25.500000Z');
  });
  it('reads syslog stamps with a year hint', () => {
    expect(syslogToInstant('Nov', 22, '02:33:25', 2026, UTC)).toBe('2026-11-22T02:33:25.000000Z');
    expect(syslogToInstant('Foo', 22, '02:33:25', 2026, UTC)).toBeNull();
  });
  it('rejects impossible dates instead of rolling them over', () => {
    expect(localToInstant(2026, 13, 1, 0, 0, 0, undefined, UTC)).toBeNull();
  });
});
