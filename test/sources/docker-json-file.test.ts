// Reading the json-file driver's files directly (src/sources/docker/json-file.ts) must give what the
// Engine API gives: the JSON-string unescaper against JSON.parse, the entry converter against
// LogDemuxer fed the API's frames for the same entries, and then real containers of a real engine
// (stdout and stderr, hostile bytes, long lines, rotation, gzip, --since/--until/--tail) read both
// ways by DockerLogSource, compared line by line with their stamps and stats.
import { execFile } from 'node:child_process';
import { access, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { constants as fsConstants, existsSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerInfo } from '../../src/model/container.js';
import type { RawLine } from '../../src/model/event.js';
import { DOCKER_STAMP_RE, LogDemuxer } from '../../src/sources/docker/demux.js';
import { containerInfoFromInspect, jsonFileLogOf } from '../../src/sources/docker/inspect.js';
import { openDockerSources } from '../../src/sources/docker/index.js';
import {
  decodeJsonStringLiteral,
  JsonFileLog,
  JsonLogConverter,
  parseUnixTime,
  STAMP_BYTES,
  writeStamp,
} from '../../src/sources/docker/json-file.js';
import { DockerLogSource, dockerStampToInstant, splitDockerStamp, type DockerLogOptions } from '../../src/sources/docker/log-source.js';
import { dockerUnavailableReason, ETCD_IMAGE, testDocker } from '../helpers/docker-cluster.js';
import { runs } from '../fuzz/arbitraries.js';
import { PRINTER_C } from '../helpers/printer.js';

const run = promisify(execFile);

// ---------------------------------------------------------------------------------------------
// What the engine writes and what the API sends, as test helpers

/** A JSON string literal as the engine's jsonlog writer makes it (also escaping <, >, &, U+2028/9). */
function goJsonString(s: string): string {
  return JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Every UTF-16 unit as \uXXXX (surrogate pairs then come as two escapes). */
function allEscaped(s: string, upper = false): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const h = s.charCodeAt(i).toString(16).padStart(4, '0');
    out += `\\u${upper ? h.toUpperCase() : h}`;
  }
  return out + '"';
}

interface Entry {
  stream: 'stdout' | 'stderr' | 'other';
  log: Buffer;
  /** RFC3339Nano as the engine writes it (fraction without trailing zeros). */
  time: string;
}

/** RFC3339Nano of unix nanoseconds. */
function rfc3339Nano(ns: bigint): string {
  const ms = Number(ns / 1_000_000n);
  const frac = String(ns % 1_000_000_000n).padStart(9, '0').replace(/0+$/, '');
  return `${new Date(ms).toISOString().slice(0, 19)}${frac ? '.' + frac : ''}Z`;
}

function fixedStamp(time: string): string {
  const m = /^(.{19})(?:\.(\d+))?Z$/.exec(time)!;
  return `${m[1]}.${(m[2] ?? '').padEnd(9, '0')}Z`;
}

function jsonLine(e: Entry): string {
  // the log is built from a string here; entries with raw bytes go through JSON.stringify of their UTF-8
  return `{"log":${goJsonString(e.log.toString('utf8'))},"stream":"${e.stream}","time":"${e.time}"}\n`;
}

function apiFrames(entries: Entry[]): Buffer {
  const out: Buffer[] = [];
  for (const e of entries) {
    if (e.stream === 'other') continue;
    const body = Buffer.concat([Buffer.from(`${fixedStamp(e.time)} `), e.log]);
    const h = Buffer.alloc(8);
    h[0] = e.stream === 'stderr' ? 2 : 1;
    h.writeUInt32BE(body.length, 4);
    out.push(h, body);
  }
  return Buffer.concat(out);
}

async function demuxed(entries: Entry[]): Promise<{ bytes: Buffer; demux: LogDemuxer }> {
  const demux = new LogDemuxer({ tty: false, timestamps: true });
  const frames = apiFrames(entries);
  // in uneven pieces, as a socket hands them over
  const pieces: Buffer[] = [];
  for (let i = 0; i < frames.length; i += 7919) pieces.push(frames.subarray(i, i + 7919));
  Readable.from(pieces).pipe(demux);
  const chunks: Buffer[] = [];
  for await (const c of demux) chunks.push(c as Buffer);
  return { bytes: Buffer.concat(chunks), demux };
}

function converted(text: string | Buffer, filter?: ConstructorParameters<typeof JsonLogConverter>[0]): { bytes: Buffer; conv: JsonLogConverter; chunks: Buffer[] } {
  const buf = typeof text === 'string' ? Buffer.from(text) : text;
  const conv = new JsonLogConverter(filter);
  const chunks: Buffer[] = [];
  let s = 0;
  for (let nl = buf.indexOf(0x0a); nl >= 0 && !conv.done; nl = buf.indexOf(0x0a, s)) {
    if (nl > s) conv.entry(buf, s, nl);
    s = nl + 1;
    chunks.push(...conv.take());
  }
  chunks.push(...conv.finish());
  return { bytes: Buffer.concat(chunks), conv, chunks };
}

// ---------------------------------------------------------------------------------------------

describe('JSON string unescaping (no engine)', () => {
  const dec = (lit: string): Buffer | null => decodeJsonStringLiteral(Buffer.from(lit, 'utf8'));

  it('decodes every escape JSON has', () => {
    expect(dec(String.raw`"a\"b\\c\/d\b\f\n\r\t"`)).toEqual(Buffer.from('a"b\\c/d\b\f\n\r\t'));
    expect(dec(String.raw`"\u003chi\u003e \u0026 \u2028"`)).toEqual(Buffer.from('<hi> & \u2028'));
    expect(dec(String.raw`"\u00e9\u00E9 \u0000"`)).toEqual(Buffer.from('éé \u0000'));
    expect(dec(String.raw`"\ud83d\ude00"`)).toEqual(Buffer.from('😀'));
    expect(dec('"😀 ünïcödé"')).toEqual(Buffer.from('😀 ünïcödé'));
    expect(dec('""')).toEqual(Buffer.alloc(0));
  });

  it('turns a lone surrogate into U+FFFD, as Go does', () => {
    const fffd = '\ufffd';
    expect(dec(String.raw`"\ud800x"`)).toEqual(Buffer.from(`${fffd}x`));
    expect(dec(String.raw`"\udc00"`)).toEqual(Buffer.from(fffd));
    expect(dec(String.raw`"\ud800\ud800\ude00"`)).toEqual(Buffer.from(`${fffd}\u{10200}`));
    expect(dec(String.raw`"\ud800\u0041"`)).toEqual(Buffer.from(`${fffd}A`));
    expect(dec(String.raw`"\ud800"`)).toEqual(Buffer.from(fffd));
  });

  it('refuses what is not a JSON string', () => {
    for (const bad of ['"abc', '"a\\x"', '"\\u12"', '"\\u12G4"', '"a\u0001"', '"a\tb"', '"a\nb"', '"\\', 'abc', '"a" ', '"a"b"']) {
      expect(dec(bad), JSON.stringify(bad)).toBeNull();
    }
  });

  it('agrees with JSON.parse on any string, however it is escaped', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.boolean(), (s, upper) => {
        const want = Buffer.from(s, 'utf8'); // lone surrogates -> U+FFFD, as Go decodes them
        expect(dec(JSON.stringify(s))).toEqual(want);
        expect(dec(goJsonString(s))).toEqual(want);
        expect(dec(allEscaped(s, upper))).toEqual(want);
      }),
      { numRuns: runs(500) },
    );
  });

  it('accepts exactly what JSON.parse accepts among ASCII-ish bodies', () => {
    const body = fc.array(fc.constantFrom('a', ' ', '"', '\\', 'n', 'u', '0', 'd', '8', 'F', '\t', '/', 'é', 'x'), { maxLength: 12 }).map((a) => a.join(''));
    fc.assert(
      fc.property(body, (b) => {
        const lit = `"${b}"`;
        let parsed: string | null;
        try {
          parsed = JSON.parse(lit) as string;
        } catch {
          parsed = null;
        }
        const got = dec(lit);
        if (parsed === null) expect(got).toBeNull();
        else expect(got).toEqual(Buffer.from(parsed, 'utf8'));
      }),
      { numRuns: runs(2000) },
    );
  });
});

describe('entries to the demultiplexer output (no engine)', () => {
  it('writes the API stamp: nine fraction digits, Z', () => {
    const out = Buffer.alloc(STAMP_BYTES);
    for (const [t, want] of [
      ['2026-11-22T06:51:34.93371577Z', '2026-11-22T06:51:34.933715770Z '],
      ['2026-11-22T06:51:34Z', '2026-11-22T06:51:34.000000000Z '],
      ['2026-11-22T06:51:34.1Z', '2026-11-22T06:51:34.100000000Z '],
      ['2026-11-22T06:51:34.123456789Z', '2026-11-22T06:51:34.123456789Z '],
    ] as const) {
      const src = Buffer.from(t);
      expect(writeStamp(src, 0, src.length, out, 0), t).toBe(true);
      expect(out.toString(), t).toBe(want);
    }
    for (const t of ['2026-11-22T06:51:34.Z', '2026-11-22T06:51:34+02:00', '2026-11-22 06:51:34Z', '2026-11-22T06:51:34.1234567890Z']) {
      const src = Buffer.from(t);
      expect(writeStamp(src, 0, src.length, out, 0), t).toBe(false);
    }
  });

  const t0 = 1_795_000_000_000_000_000n;
  const entriesArb = fc
    .array(
      fc.record({
        stream: fc.constantFrom<Entry['stream']>('stdout', 'stderr', 'stderr', 'other'),
        text: fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.constantFrom('', '"q"', '\\', '\t', '\u0000', '\r', 'a\nb', '{"level":"warn"}')),
        whole: fc.boolean(),
        gap: fc.bigInt({ min: 0n, max: 2_000_000_000n }),
      }),
      { maxLength: 40 },
    )
    .map((list) => {
      let t = t0;
      return list.map((e): Entry => {
        t += e.gap;
        return { stream: e.stream, log: Buffer.from(e.whole ? e.text + '\n' : e.text), time: rfc3339Nano(t) };
      });
    });

  it('gives the bytes and counts LogDemuxer gives for the same entries through the API', async () => {
    await fc.assert(
      fc.asyncProperty(entriesArb, async (entries) => {
        const api = await demuxed(entries);
        const direct = converted(entries.map(jsonLine).join(''));
        expect(direct.bytes.toString('latin1')).toBe(api.bytes.toString('latin1'));
        expect(direct.conv.lineCounts).toEqual(api.demux.lineCounts);
        expect(direct.conv.truncatedLines).toBe(api.demux.truncatedLines);
        for (const c of direct.chunks) expect(c[c.length - 1]).toBe(0x0a);
      }),
      { numRuns: runs(300) },
    );
  });

  it('joins a long line split into 16 KiB entries and cuts one over 1 MiB, as the demultiplexer does', async () => {
    const entries: Entry[] = [];
    let t = t0;
    const piece = (stream: Entry['stream'], s: string): void => {
      t += 1000n;
      entries.push({ stream, log: Buffer.from(s), time: rfc3339Nano(t) });
    };
    const long = (stream: Entry['stream'], n: number, ch: string): void => {
      for (let i = 0; i < n; i += 16384) piece(stream, ch.repeat(Math.min(16384, n - i)) + (i + 16384 >= n ? '\n' : ''));
    };
    long('stdout', 40_000, 'a');
    piece('stderr', 'between\n');
    long('stderr', 1_200_000, 'b'); // cut at 1 MiB
    long('stdout', 2 * 16384, 'c'); // exactly two full pieces: the newline comes alone
    piece('stdout', 'tail without newline');
    const api = await demuxed(entries);
    const direct = converted(entries.map(jsonLine).join(''));
    expect(api.demux.truncatedLines).toBe(1);
    expect(direct.bytes.equals(api.bytes)).toBe(true);
    expect(direct.conv.lineCounts).toEqual(api.demux.lineCounts);
    expect(direct.conv.truncatedLines).toBe(1);
    expect(Math.min(...direct.chunks.slice(0, -1).map((c) => c.length))).toBeGreaterThanOrEqual(256 * 1024);
  });

  it('splits the engine\'s fixed stamps off lines as the regular expressions do', () => {
    const slow = (text: string) => {
      // the general form, as splitDockerStamp reads any stamp
      const m = DOCKER_STAMP_RE.exec(text);
      if (!m) return { text, ts: undefined };
      const ts = dockerStampToInstant(m[1]!);
      return ts === null ? { text, ts: undefined } : { text: text.slice(m[0].length), ts };
    };
    const digits = (n: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((a) => a.join(''));
    const stamp = fc.tuple(digits(4), digits(2), digits(2), digits(2), digits(2), digits(2), digits(9)).map(([y, mo, d, h, mi, s, f]) => `${y}-${mo}-${d}T${h}:${mi}:${s}.${f}Z`);
    const noise = fc.constantFrom('', 'x', ' ', '  ', '\t', 'Z', '+02:00 ', '.5', ':');
    fc.assert(
      fc.property(stamp, noise, fc.string({ maxLength: 8 }), fc.integer({ min: 0, max: 40 }), (st, mid, rest, cut) => {
        const text = `${st}${mid} ${rest}`;
        for (const t of [text, text.slice(0, cut), `${st} ${rest}`, st.replace('T', ' ') + ' x']) expect(splitDockerStamp(t)).toEqual(slow(t));
      }),
      { numRuns: runs(1000) },
    );
    expect(splitDockerStamp('2026-11-22T04:01:22.129392381Z hello')).toEqual({ text: 'hello', ts: '2026-11-22T04:01:22.129392Z' });
  });

  it('reads entries in any key order or case, with attrs, through the general decoder', () => {
    const lines = [
      '{"log":"plain\\n","stream":"stdout","attrs":{"tag":"x\\"y","env":""},"time":"2026-11-22T06:51:34.5Z"}',
      '{"time":"2026-11-22T06:51:35Z","stream":"stderr","log":"reordered\\n"}',
      '{"Log":"cased\\n","Stream":"stdout","Time":"2026-11-22T06:51:36.000001Z"}',
      ' {"log":"spaced\\n", "stream":"stdout", "time":"2026-11-22T06:51:37Z"} ',
      '{"stream":"stdout","time":"2026-11-22T06:51:38Z"}',
      '{"log":"after an empty one\\n","stream":"stdout","time":"2026-11-22T06:51:39Z"}',
    ];
    const { bytes } = converted(lines.join('\n') + '\n');
    expect(bytes.toString()).toBe(
      [
        '2026-11-22T06:51:34.500000000Z plain',
        '2026-11-22T06:51:35.000000000Z reordered',
        '2026-11-22T06:51:36.000001000Z cased',
        '2026-11-22T06:51:37.000000000Z spaced',
        '2026-11-22T06:51:38.000000000Z after an empty one',
        '',
      ].join('\n'),
    );
  });

  it('refuses a LogPath that is not the container\'s', async () => {
    await expect(JsonFileLog.open({ logPath: '/etc/passwd', containerId: 'a'.repeat(64), maxFiles: 1 })).rejects.toThrow(/not <id>-json.log/);
  });

  it('throws on an entry that is not what the engine writes', () => {
    for (const bad of ['{"log":"x\\n","stream":"stdout"', 'garbage', '{"log":1,"stream":"stdout","time":"2026-11-22T06:51:34Z"}', '{"log":"x\\n","stream":"stdout","time":"yesterday"}']) {
      expect(() => converted(bad + '\n'), bad).toThrow(/entry/);
    }
    const raw = Buffer.concat([Buffer.from('{"log":"bad '), Buffer.from([0xff, 0xfe]), Buffer.from('\\n","stream":"stdout","time":"2026-11-22T06:51:34Z"}\n')]);
    expect(() => converted(raw)).toThrow(/not UTF-8/);
    // the general decoder checks too
    const reordered = Buffer.concat([Buffer.from('{"stream":"stdout","log":"bad '), Buffer.from([0xc3, 0x28]), Buffer.from('\\n","time":"2026-11-22T06:51:34Z"}\n')]);
    expect(() => converted(reordered)).toThrow(/not UTF-8/);
  });

  it('applies --since and --until as the engine does (since inclusive, until inclusive, reading stops after it)', () => {
    const times = ['2026-11-22T06:51:34.000000001Z', '2026-11-22T06:51:35Z', '2026-11-22T06:51:34.5Z', '2026-11-22T06:51:36.25Z', '2026-11-22T06:51:37Z', '2026-11-22T06:51:36Z'];
    const text = times.map((t, i) => `{"log":"${i}\\n","stream":"stdout","time":"${t}"}\n`).join('');
    const at = (t: string) => parseUnixTime(`${Date.parse(t.slice(0, 19) + 'Z') / 1000}.${(/\.(\d+)/.exec(t)?.[1] ?? '').padEnd(9, '0')}`)!;
    const lines = (f: ConstructorParameters<typeof JsonLogConverter>[0]) =>
      converted(text, f)
        .bytes.toString()
        .split('\n')
        .filter(Boolean)
        .map((l) => l.slice(STAMP_BYTES));
    expect(lines({})).toEqual(['0', '1', '2', '3', '4', '5']);
    // engines before 24.0 check every entry; from 24.0 only until the first one at or after since
    expect(lines({ since: at('2026-11-22T06:51:35Z') })).toEqual(['1', '3', '4', '5']);
    expect(lines({ since: at('2026-11-22T06:51:35Z'), sinceOnce: true })).toEqual(['1', '2', '3', '4', '5']);
    expect(lines({ until: at('2026-11-22T06:51:36.25Z') })).toEqual(['0', '1', '2', '3']);
    expect(lines({ until: at('2026-11-22T06:51:36.2Z') })).toEqual(['0', '1', '2']);
    expect(lines({ since: at('2026-11-22T06:51:34.5Z'), until: at('2026-11-22T06:51:36.25Z') })).toEqual(['1', '2', '3']);
  });
});

// ---------------------------------------------------------------------------------------------
// A mid-way failure: the Engine API takes over from the byte where the files broke off

describe('falling back to the API mid-way (fake engine, no Docker)', () => {
  const id = 'f'.repeat(64);
  let dir: string;
  let server: http.Server;
  let apiBody: Buffer;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'etcddoctor-jsonfile-'));
    const entries: Entry[] = [];
    for (let i = 0; i < 20_000; i++) {
      entries.push({ stream: i % 7 === 0 ? 'stdout' : 'stderr', log: Buffer.from(`line ${i} ${'x'.repeat(i % 50)}\n`), time: rfc3339Nano(1_795_000_000_000_000_000n + BigInt(i) * 1000n) });
    }
    // entry 15000 is cut short, as a crash mid-write leaves it; the engine is assumed to read past it
    const lines = entries.map(jsonLine);
    lines[15_000] = lines[15_000]!.slice(0, 20) + '\n';
    await writeFile(path.join(dir, `${id}-json.log`), lines.join(''));
    apiBody = apiFrames(entries.filter((_, i) => i !== 15_000));
    server = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://docker');
      if (url.pathname.endsWith('/_ping')) return res.end('OK');
      if (url.pathname.includes('/logs')) {
        res.writeHead(200, { 'content-type': 'application/vnd.docker.multiplexed-stream' });
        return res.end(apiBody);
      }
      res.writeHead(404);
      res.end('{}');
    });
    await new Promise<void>((resolve) => server.listen(path.join(dir, 'docker.sock'), resolve));
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await rm(dir, { recursive: true, force: true });
  });

  it('reads every line once: the files up to the bad entry, then the API after what was read', async () => {
    const docker = new Docker({ socketPath: path.join(dir, 'docker.sock') });
    const info = containerInfoFromInspect({ Id: id, Name: '/fake', State: { Status: 'exited' } } as never);
    const jsonFile = { logPath: path.join(dir, `${id}-json.log`), containerId: id, maxFiles: 1 };
    const both = new DockerLogSource(docker, info, { jsonFile });
    const viaApi = new DockerLogSource(docker, info, {});
    const a = await readAll(both);
    const b = await readAll(viaApi);
    expect(both.readVia).toBe('json-file+api');
    expect(both.warnings.join('\n')).toMatch(/read through the Engine API/);
    expect(a.length).toBe(19_999);
    expect(a).toEqual(b);
    expect(both.stats).toEqual(viaApi.stats);
    expect(both.streamLines).toEqual(viaApi.streamLines);
  });
});

// ---------------------------------------------------------------------------------------------
// Against the real engine

const unavailable = await dockerUnavailableReason();
if (unavailable !== null) console.warn(`test/sources/docker-json-file.test.ts: engine tests skipped: ${unavailable}`);

it.runIf(unavailable !== null && !!process.env.ETCDDOCTOR_REQUIRE_DOCKER)('has a Docker engine (ETCDDOCTOR_REQUIRE_DOCKER)', () => {
  throw new Error(`ETCDDOCTOR_REQUIRE_DOCKER is set but ${unavailable}`);
});

const PREFIX = 'etcddoctor-jsonfile-';


type Rec = [1 | 2, string | Buffer];

function script(recs: Rec[]): Buffer {
  return Buffer.concat(
    recs.flatMap(([fd, data]) => {
      const body = typeof data === 'string' ? Buffer.from(data) : data;
      const h = Buffer.alloc(5);
      h[0] = fd;
      h.writeUInt32BE(body.length, 1);
      return [h, body];
    }),
  );
}

async function readAll(source: DockerLogSource): Promise<RawLine[]> {
  const out: RawLine[] = [];
  for await (const l of source.lines()) out.push(l);
  return out;
}

/** unix `seconds.nanoseconds` (as parseLogWindow makes them) of an entry's time. */
function apiTime(time: string): string {
  const m = /^(.{19})(?:\.(\d+))?Z$/.exec(time)!;
  return `${Date.parse(m[1] + 'Z') / 1000}.${(m[2] ?? '').padEnd(9, '0')}`;
}

describe.skipIf(unavailable !== null)('json-file files and the Engine API give the same lines (real engine)', () => {
  const docker = testDocker();
  let dir: string;
  let printerError: string | null = null;
  const made: string[] = [];

  /** Run a container that plays `recs`, wait for it to exit (and for its rotated files to be compressed). */
  async function runPrinter(name: string, recs: Rec[], opts: { logOpts?: string[]; tty?: boolean } = {}): Promise<void> {
    const full = PREFIX + name;
    await run('docker', ['rm', '-f', full]).catch(() => undefined);
    await writeFile(path.join(dir, `${name}.script`), script(recs));
    made.push(full);
    const args = ['run', '--name', full, '--network', 'none', '-v', `${dir}:/t:ro`, '--entrypoint', '/t/printer'];
    for (const o of opts.logOpts ?? []) args.push('--log-opt', o);
    if (opts.tty) args.push('-t');
    await run('docker', [...args, ETCD_IMAGE, `/t/${name}.script`], { maxBuffer: 64 * 1024 * 1024 });
    const data = await docker.getContainer(full).inspect();
    // compression runs after rotation, in the background: wait until no plain .1 is left
    if ((opts.logOpts ?? []).includes('compress=true')) {
      for (let i = 0; i < 100 && existsSync(`${data.LogPath}.1`); i++) await new Promise((r) => setTimeout(r, 100));
    }
  }

  async function sources(name: string, window: DockerLogOptions = {}): Promise<{ direct: DockerLogSource; api: DockerLogSource; logPath: string }> {
    const data = await docker.getContainer(PREFIX + name).inspect();
    const info: ContainerInfo = containerInfoFromInspect(data);
    return {
      direct: new DockerLogSource(docker, info, { ...window, jsonFile: jsonFileLogOf(data) }),
      api: new DockerLogSource(docker, info, { ...window }),
      logPath: data.LogPath,
    };
  }

  /** Read both ways; the same lines (text, stamps, numbers), stats, stream counts and warnings. */
  async function compare(name: string, window: DockerLogOptions = {}, expectVia: DockerLogSource['readVia'] = 'json-file'): Promise<RawLine[]> {
    const { direct, api } = await sources(name, window);
    const [a, b] = await Promise.all([readAll(direct), readAll(api)]);
    expect(api.readVia).toBe('api');
    expect(direct.readVia, direct.jsonFileNote ?? '').toBe(expectVia);
    expect(a.length).toBe(b.length);
    for (let i = 0; i < a.length; i++) if (JSON.stringify(a[i]) !== JSON.stringify(b[i])) expect(a[i], `line ${i + 1}`).toEqual(b[i]);
    expect(direct.stats).toEqual(api.stats);
    expect(direct.streamLines).toEqual(api.streamLines);
    expect(direct.warnings).toEqual(api.warnings);
    return a;
  }

  let filesReadable = true;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'etcddoctor-jsonfile-'));
    const printer = path.join(dir, 'printer');
    await writeFile(printer + '.c', PRINTER_C);
    try {
      await run('cc', ['-O2', '-static', '-o', printer, printer + '.c']);
    } catch (err) {
      printerError = `cannot build the static printer with cc: ${(err as Error).message.split('\n')[0]}`;
      return;
    }

    const hostile: Rec[] = [
      [2, '2026-11-22 04:01:22.129392 I | etcdmain: plain capnslog line\n'],
      [1, '{"level":"warn","ts":"2026-11-22T04:01:22.129Z","msg":"quotes \\"and\\" backslashes \\\\ and / slashes"}\n'],
      [2, 'tabs\tinside\tand a trailing tab\t\n'],
      [1, 'unicode: ünïcödé 日本語 😀 \u2028 <b>&amp;</b>\n'],
      [2, Buffer.from([0x62, 0x61, 0x64, 0x20, 0xff, 0xfe, 0x20, 0xc3, 0x28, 0x20, 0xe2, 0x82, 0x0a])],
      [1, Buffer.from('nul \u0000 byte and \u0001 control\n')],
      [2, 'windows line\r\n'],
      [1, '\n'],
      [2, `long ${'L'.repeat(40_000)} end\n`], // three entries of 16 KiB pieces
      [1, `huge ${'H'.repeat(1_300_000)}\n`], // cut at 1 MiB
      [2, '{"level":"info","msg":"after the long ones"}\n'],
    ];
    for (let i = 0; i < 200; i++) hostile.push([i % 3 === 0 ? 1 : 2, `interleaved ${i}\n`]);
    hostile.push([1, 'last line without a newline']);
    await runPrinter('mixed', hostile);

    const many: Rec[] = [];
    for (let i = 0; i < 4000; i++) many.push([i % 5 === 0 ? 1 : 2, `2026-11-22 04:01:${String(i % 60).padStart(2, '0')}.000000 I | raft: entry ${i} ${'r'.repeat(i % 40)}\n`]);
    await runPrinter('rotate', many, { logOpts: ['max-size=40k', 'max-file=3'] });
    await runPrinter('gzip', many, { logOpts: ['max-size=40k', 'max-file=4', 'compress=true'] });
    await runPrinter('tty', [[1, 'a tty line\n'], [1, `long ${'T'.repeat(20_000)}\n`]], { tty: true });

    const { logPath } = await sources('mixed');
    try {
      await access(logPath, fsConstants.R_OK);
    } catch {
      filesReadable = false;
      console.warn(`test/sources/docker-json-file.test.ts: ${logPath} is not readable by this user: only the API fallback is checked`);
    }
  }, 300_000);

  afterAll(async () => {
    if (!process.env.ETCDDOCTOR_KEEP_CONTAINERS) for (const n of made) await run('docker', ['rm', '-f', n]).catch(() => undefined);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const via = (): DockerLogSource['readVia'] => (filesReadable ? 'json-file' : 'api');

  /** No static printer (no cc): skip, saying why, unless the engine tests are required. */
  function needPrinter(ctx: { skip: (note?: string) => void }): void {
    if (printerError === null) return;
    if (process.env.ETCDDOCTOR_REQUIRE_DOCKER) throw new Error(printerError);
    console.warn(`test/sources/docker-json-file.test.ts: ${printerError}; skipped`);
    ctx.skip(printerError);
  }

  it('stdout and stderr, quotes, backslashes, tabs, unicode, invalid UTF-8, NUL, CRLF, long and huge lines', async (ctx) => {
    needPrinter(ctx);
    const lines = await compare('mixed', {}, via());
    expect(lines.length).toBe(212);
    expect(lines.find((l) => l.text.startsWith('huge '))!.text.length).toBe(1024 * 1024 - STAMP_BYTES);
    expect(lines.find((l) => l.text.startsWith('long '))!.text).toBe(`long ${'L'.repeat(40_000)} end`);
    expect(lines.at(-1)!.text).toBe('last line without a newline');
    expect(lines.some((l) => l.text.includes('\ufffd'))).toBe(true);
    if (filesReadable) {
      // the file really holds partial entries (pieces of the long lines)
      const { logPath } = await sources('mixed');
      const entries = (await readFile(logPath, 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as { log: string });
      expect(entries.filter((e) => !e.log.endsWith('\n')).length).toBeGreaterThan(80);
    }
  });

  it('--tail, --since and --until on one file', async (ctx) => {
    needPrinter(ctx);
    const { logPath } = await sources('mixed');
    if (!filesReadable) return;
    const times = (await readFile(logPath, 'utf8')).split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { time: string }).time);
    for (const tail of [0, 1, 5, 150, 1000]) await compare('mixed', { tail });
    const mid = times[Math.floor(times.length / 2)]!;
    const late = times[times.length - 20]!;
    await compare('mixed', { since: apiTime(mid) });
    await compare('mixed', { until: apiTime(mid) });
    await compare('mixed', { since: apiTime(times[3]!), until: apiTime(late), tail: 60 });
  });

  it('rotated files (max-size, max-file=3), all of them and with --tail/--since/--until across them', async (ctx) => {
    needPrinter(ctx);
    const { logPath } = await sources('rotate');
    if (!filesReadable) return;
    expect(existsSync(`${logPath}.1`) && existsSync(`${logPath}.2`)).toBe(true);
    const all = await compare('rotate');
    expect(all.length).toBeLessThan(4000); // the oldest were rotated away
    const current = (await readFile(logPath, 'utf8')).split('\n').filter(Boolean).length;
    for (const tail of [1, current, current + 1, current + 300, 100_000]) await compare('rotate', { tail });
    const oldest = (await readFile(`${logPath}.2`, 'utf8')).split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { time: string }).time);
    await compare('rotate', { since: apiTime(oldest[10]!) });
    await compare('rotate', { until: apiTime(oldest[10]!) });
    await compare('rotate', { since: apiTime(oldest[5]!), until: apiTime(oldest.at(-1)!), tail: current + 400 });
  });

  it('compressed rotated files (compress=true); --since with them goes to the API', async (ctx) => {
    needPrinter(ctx);
    const { logPath } = await sources('gzip');
    if (!filesReadable) return;
    expect(existsSync(`${logPath}.1.gz`) && existsSync(`${logPath}.3.gz`)).toBe(true);
    await compare('gzip');
    const current = (await readFile(logPath, 'utf8')).split('\n').filter(Boolean).length;
    for (const tail of [3, current + 10, current + 700, 100_000]) await compare('gzip', { tail });
    const { direct } = await sources('gzip', { since: '0.000000000' });
    await readAll(direct);
    expect(direct.readVia).toBe('api');
    expect(direct.jsonFileNote).toMatch(/--since with compressed/);
    const older = gunzipSync(await readFile(`${logPath}.2.gz`)).toString('utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { time: string }).time);
    await compare('gzip', { until: apiTime(older[7]!) });
    await compare('gzip', { until: apiTime(older[7]!), tail: current + 500 });
  });

  it('a TTY container is read through the API', async (ctx) => {
    needPrinter(ctx);
    await compare('tty', {}, 'api');
  });

  it('openDockerSources reads the files for a local engine, the API with ETCDDOCTOR_DOCKER_LOGS=api', async (ctx) => {
    needPrinter(ctx);
    const open = async (env: Record<string, string | undefined>) => {
      const r = await openDockerSources({ containers: [PREFIX + 'mixed'], execEtcdctl: false }, env);
      const log = r.sources[0] as DockerLogSource;
      const lines = await readAll(log);
      return { log, lines };
    };
    const direct = await open({ ...process.env, ETCDDOCTOR_DOCKER_LOGS: undefined });
    const api = await open({ ...process.env, ETCDDOCTOR_DOCKER_LOGS: 'api' });
    expect(direct.log.readVia).toBe(via());
    expect(api.log.readVia).toBe('api');
    expect(direct.lines).toEqual(api.lines);
  });
});
