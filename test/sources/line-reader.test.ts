import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { newReaderStats, readLines } from '../../src/sources/line-reader.js';

async function read(chunks: (Buffer | string)[], maxLineBytes?: number) {
  const stats = newReaderStats();
  const lines: string[] = [];
  for await (const l of readLines(Readable.from(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c) : c))), stats, { maxLineBytes })) {
    lines.push(l.text);
  }
  return { lines, stats };
}

describe('readLines', () => {
  it('splits across chunk borders and strips CR', async () => {
    const { lines, stats } = await read(['a\r\nb', 'c\r\n', 'd']);
    expect(lines).toEqual(['a', 'bc', 'd']);
    expect(stats.lines).toBe(3);
  });
  it('reads nothing from empty input', async () => {
    const { lines, stats } = await read([]);
    expect(lines).toEqual([]);
    expect(stats.lines).toBe(0);
  });
  it('cuts over-long lines and keeps counting', async () => {
    const long = 'x'.repeat(5000);
    const { lines, stats } = await read([`short\n${long.slice(0, 2000)}`, `${long.slice(2000)}\nafter\n`], 1000);
    expect(lines).toEqual(['short', 'x'.repeat(1000), 'after']);
    expect(stats.truncatedLines).toBe(1);
    expect(stats.lines).toBe(3);
  });
  it('marks invalid UTF-8 and removes NUL bytes', async () => {
    const { lines, stats } = await read([Buffer.from([0x61, 0xff, 0x62, 0x0a, 0x63, 0x00, 0x64, 0x0a])]);
    expect(lines).toEqual(['a\ufffdb', 'cd']);
    expect(stats.invalidUtf8Lines).toBe(1);
    expect(stats.nulLines).toBe(1);
  });
  it('refuses binary data', async () => {
    const { lines, stats } = await read([Buffer.from(Array.from({ length: 4096 }, (_, i) => i % 7))]);
    expect(lines).toEqual([]);
    expect(stats.binary).toBe(true);
  });
  it('decodes UTF-16 with a byte order mark', async () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('one\r\ntwo\n', 'utf16le')]);
    expect((await read([le])).lines).toEqual(['one', 'two']);
    const be = Buffer.from('three\n', 'utf16le');
    be.swap16();
    expect((await read([Buffer.concat([Buffer.from([0xfe, 0xff]), be])])).lines).toEqual(['three']);
  });
});
