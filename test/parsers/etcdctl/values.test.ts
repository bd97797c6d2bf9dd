// Tests for the value conversions: exact uint64 IDs, go-humanize sizes, big-integer-safe JSON, the JSON prefix checker.
import { describe, expect, it } from 'vitest';
import { JsonPrefixChecker } from '../../../src/parsers/etcdctl/json-prefix.js';
import { convertDecimalToHex, convertJsonId, parseHumanBytes, parseJsonExactly, quoteBigIntegers } from '../../../src/parsers/etcdctl/values.js';

describe('values', () => {
  it('converts decimal uint64 member IDs to hex exactly, up to 2^64-1', () => {
    expect(convertDecimalToHex('1689072042285620418')).toBe('1770ca12c87a5cc2');
    expect(convertDecimalToHex('17453527693129646521')).toBe('f23762f6d26f81b9');
    expect(convertDecimalToHex('18446744073709551615')).toBe('ffffffffffffffff');
    expect(convertDecimalToHex('18446744073709551616')).toBeNull();
  });

  it('keeps big integers exact through JSON, and tells them from hex strings', () => {
    expect(quoteBigIntegers('{"ID":11839899524373806266,"raftIndex":8,"name":"12345678901234567"}')).toBe(
      '{"ID":"#11839899524373806266","raftIndex":8,"name":"12345678901234567"}',
    );
    const doc = parseJsonExactly('{"a":11839899524373806266,"b":"1770ca12c87a5cc2","c":8}') as Record<string, unknown>;
    expect([convertJsonId(doc.a), convertJsonId(doc.b), convertJsonId(doc.c)]).toEqual(['a44fc5e30e9dfcba', '1770ca12c87a5cc2', '8']);
  });

  it('reads go-humanize SI sizes as etcdctl prints them', () => {
    expect(parseHumanBytes('20 kB')).toBe(20000);
    expect(parseHumanBytes('2.1 MB')).toBe(2100000);
    expect(parseHumanBytes('2.1 GB')).toBe(2100000000);
    expect(parseHumanBytes('0 B')).toBe(0);
    expect(parseHumanBytes('20 KiB')).toBeNull();
  });

  it('checks JSON prefixes across chunks', () => {
    const c = new JsonPrefixChecker();
    expect(c.feedText('[{"endpoint":"http://127.0.0.1:40111","health":tr')).toBe('partial');
    const before = c.cloneChecker();
    expect(c.feedText('2026-11-22 03:59:21')).toBe('invalid');
    expect(before.feedText('ue,"took":"1ms"}]')).toBe('complete');
    expect(new JsonPrefixChecker().feedText('[WARNING] Deprecated')).toBe('invalid');
    expect(new JsonPrefixChecker().feedText('{"a":[]} x')).toBe('invalid');
    expect(new JsonPrefixChecker().feedText('{"a":"\\u00e9\\n", "b": [1, -2.5e3, null, false]}')).toBe('complete');
  });
});
