// How the line parser merges a message's facts into the fields a format gave.
import { describe, expect, it } from 'vitest';
import { parseLogLine } from '../../src/parsers/line-parser.js';

const zap = (extra: Record<string, unknown>, rawTail = ''): string =>
  JSON.stringify({
    level: 'info',
    ts: '2026-11-22T04:06:51.476Z',
    caller: 'raft/raft.go:1',
    msg: '8e9e05c52164694d switched to configuration voters=(10276657743932975437)',
    ...extra,
  }).replace(/}$/, rawTail + '}');

function fieldsOf(line: string): Record<string, unknown> {
  const e = parseLogLine(line);
  if (e.kind !== 'event') throw new Error(`not an event: ${line}`);
  return e.fields;
}

describe('message facts merged into zap fields', () => {
  it('keeps zap keys first and in order, appends the facts, and never overwrites what zap logged', () => {
    const f = fieldsOf(zap({ x: '1', voters: 'as zap logged it' }));
    expect(Object.keys(f)).toEqual(['x', 'voters', 'caller', 'raft-local-id']);
    expect(f.voters).toBe('as zap logged it');
    expect(f['raft-local-id']).toBe('8e9e05c52164694d');
  });

  it('adds the facts to a line whose fields lack them', () => {
    const f = fieldsOf(zap({ x: '1' }));
    expect(f).toEqual({ x: '1', caller: 'raft/raft.go:1', 'raft-local-id': '8e9e05c52164694d', voters: '8e9e05c52164694d' });
  });

  it('keeps a `__proto__` key as a field, never as the prototype of the fields', () => {
    const f = fieldsOf(zap({ x: '1' }, ',"__proto__":{"local-member-id":"deadbeef"}'));
    expect(Object.getPrototypeOf(f)).toBe(Object.prototype);
    expect(Object.prototype.hasOwnProperty.call(f, '__proto__')).toBe(true);
    expect(Object.getOwnPropertyDescriptor(f, '__proto__')?.value).toEqual({ 'local-member-id': 'deadbeef' });
    // nothing inherited: a reader walking the fields sees only the line's own keys
    const walked: string[] = [];
    for (const key in f) walked.push(key);
    expect(walked).toEqual(['x', '__proto__', 'caller', 'raft-local-id', 'voters']);
    expect(f['local-member-id']).toBeUndefined();
  });
});
