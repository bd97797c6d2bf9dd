// Property tests of the line reader: arbitrary bytes never make it throw, and however a byte
// stream is cut into chunks, the same lines (and the same stats) come out.
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newReaderStats, readLines, type LineReaderStats, type TextLine } from '../../src/sources/line-reader.js';
import { mutatedLine, realLines, runs } from './arbitraries.js';

async function collect(chunks: Buffer[], maxLineBytes?: number): Promise<{ lines: TextLine[]; stats: LineReaderStats }> {
  const stats = newReaderStats();
  const lines: TextLine[] = [];
  // objectMode keeps each chunk a chunk (Readable.from would otherwise still pass Buffers as they are).
  for await (const l of readLines(Readable.from(chunks, { objectMode: true }), stats, { maxLineBytes })) lines.push(l);
  return { lines, stats };
}

/** Cuts `buf` at the given offsets (taken modulo its length), sorted, giving non-empty pieces. */
function cut(buf: Buffer, at: number[]): Buffer[] {
  if (buf.length === 0) return [buf];
  const points = [...new Set(at.map((a) => a % buf.length))].filter((p) => p > 0).sort((a, b) => a - b);
  const out: Buffer[] = [];
  let prev = 0;
  for (const p of points) {
    out.push(buf.subarray(prev, p));
    prev = p;
  }
  out.push(buf.subarray(prev));
  return out;
}

/** Byte streams worth reading: random bytes, real text with odd bytes, UTF-16 with a BOM, CRLF. */
const streamArb: fc.Arbitrary<Buffer> = fc.oneof(
  fc.uint8Array({ maxLength: 400 }).map((a) => Buffer.from(a)),
  fc.array(fc.oneof(mutatedLine(), fc.constantFrom(...realLines())), { maxLength: 12 }).map((ls) => Buffer.from(ls.join('\n'))),
  fc
    .tuple(fc.array(fc.constantFrom(...realLines()), { maxLength: 6 }), fc.uint8Array({ maxLength: 8 }), fc.constantFrom('\n', '\r\n', '\r'))
    .map(([ls, junk, eol]) => Buffer.concat([Buffer.from(ls.join(eol)), Buffer.from(junk), Buffer.from(eol + 'tail \u00e9\u4e2d\ud83d\ude00')])),
  fc
    .tuple(fc.array(fc.string({ unit: 'grapheme', maxLength: 30 }), { maxLength: 8 }), fc.boolean())
    .map(([ls, be]) => {
      const body = Buffer.from(ls.join('\n'), 'utf16le');
      if (be) body.swap16();
      return Buffer.concat([Buffer.from(be ? [0xfe, 0xff] : [0xff, 0xfe]), body]);
    }),
  fc.array(fc.string({ unit: 'grapheme', maxLength: 30 }), { maxLength: 8 }).map((ls) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(ls.join('\n'))])),
);

describe('readLines', () => {
  it('never throws on arbitrary bytes, and counts a line per newline', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2000 }), async (bytes) => {
        const buf = Buffer.from(bytes);
        const { lines, stats } = await collect([buf]);
        if (stats.binary) return;
        if (stats.encoding !== 'utf-8') return;
        for (const l of lines) {
          expect(l.text).not.toContain('\n');
          expect(l.text).not.toContain('\u0000');
        }
        const bom = buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
        const body = buf.subarray(bom);
        const newlines = body.filter((b) => b === 0x0a).length;
        expect(stats.lines).toBe(newlines + (body.length > 0 && body[body.length - 1] !== 0x0a ? 1 : 0));
      }),
      { numRuns: runs(500) },
    );
  });

  it('gives the same lines and stats however the bytes are chunked', async () => {
    await fc.assert(
      fc.asyncProperty(streamArb, fc.array(fc.nat(), { maxLength: 12 }), fc.constantFrom(undefined, 16, 64), async (buf, at, maxLineBytes) => {
        const whole = await collect([buf], maxLineBytes);
        const chunked = await collect(cut(buf, at), maxLineBytes);
        // The binary verdict is a heuristic over the first chunk (for files always >= 8 KiB or
        // the whole file); a stream that trickles in tiny chunks of binary is read as text.
        if (whole.stats.binary || chunked.stats.binary) return;
        expect(chunked.lines).toEqual(whole.lines);
        expect(chunked.stats).toEqual(whole.stats);
      }),
      { numRuns: runs(600) },
    );
  });

  it('one byte at a time reads like one chunk', async () => {
    await fc.assert(
      fc.asyncProperty(streamArb, fc.constantFrom(undefined, 16), async (buf, maxLineBytes) => {
        const whole = await collect([buf], maxLineBytes);
        const bytes = [...buf].map((b) => Buffer.from([b]));
        const single = await collect(bytes.length ? bytes : [buf], maxLineBytes);
        if (whole.stats.binary) return;
        expect(single.lines).toEqual(whole.lines);
        expect(single.stats).toEqual(whole.stats);
      }),
      { numRuns: runs(150) },
    );
  });

  it('a UTF-16 byte order mark split across chunks is still seen (regression: a 1-byte first chunk read as UTF-8)', async () => {
    const le = await collect([Buffer.from([0xff]), Buffer.from([0xfe, 0x61, 0x00, 0x0a, 0x00])]);
    expect([le.stats.encoding, le.lines.map((l) => l.text)]).toEqual(['utf-16le', ['a']]);
  });

  it('UTF-16BE in odd-length chunks loses no byte (regression: swap16 dropped each odd tail)', async () => {
    const be = await collect([Buffer.from([0xfe, 0xff, 0x00]), Buffer.from([0x61, 0x00, 0x0a, 0x00]), Buffer.from([0x62])]);
    expect([be.stats.encoding, be.lines.map((l) => l.text)]).toEqual(['utf-16be', ['a', 'b']]);
  });

  it('a cut line keeps at most maxLineBytes, and the line after it is read whole', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 200 }), fc.integer({ min: 8, max: 64 }), fc.array(fc.nat(), { maxLength: 6 }), async (longLen, max, at) => {
        const buf = Buffer.from(`${'x'.repeat(longLen)}\nafter\n`);
        const { lines, stats } = await collect(cut(buf, at), max);
        expect(lines.map((l) => l.text)).toEqual([longLen > max ? 'x'.repeat(max) : 'x'.repeat(longLen), 'after']);
        expect(lines.map((l) => l.lineNo)).toEqual([1, 2]);
        expect(stats.truncatedLines).toBe(longLen > max ? 1 : 0);
      }),
      { numRuns: runs(300) },
    );
  });
});
