// The logs command's output edges: formats, --output, --fail-on exit codes, colour only on a TTY
// without NO_COLOR, --github step summaries, `etcddoctor schema`, and the progress line.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough, Readable, type Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { CliIO } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/program.js';
import { formatBytes, formatProgress, startProgress } from '../../src/cli/progress.js';
import { ReportSchema } from '../../src/model/report.js';
import type { LineSource } from '../../src/sources/source.js';
import { newReaderStats } from '../../src/sources/line-reader.js';
import { FIXTURES } from '../helpers/run-pipeline.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(argv: string[], over: Partial<CliIO> = {}): Promise<Run> {
  const out = new PassThrough();
  const err = new PassThrough();
  const o: Buffer[] = [];
  const e: Buffer[] = [];
  out.on('data', (c: Buffer) => o.push(c));
  err.on('data', (c: Buffer) => e.push(c));
  const io: CliIO = {
    stdout: out,
    stderr: err,
    stdin: Readable.from([]),
    stdinIsTTY: true,
    stdoutIsTTY: false,
    stderrIsTTY: false,
    env: {},
    ...over,
  };
  const code = await runCli(argv, io);
  return { code, stdout: Buffer.concat(o).toString('utf8'), stderr: Buffer.concat(e).toString('utf8') };
}

const fx = (p: string) => path.join(FIXTURES, p);
const BROKEN = fx('real/capnslog/cluster-id-mismatch'); // critical
const DEGRADED = fx('real/capnslog/peer-stopped'); // error
const HEALTHY = fx('real/capnslog/healthy');

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'etcddoctor-cli-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('--fail-on', () => {
  it.each([
    [BROKEN, undefined, 1],
    [BROKEN, 'critical', 1],
    [BROKEN, 'none', 0],
    [DEGRADED, undefined, 1],
    [DEGRADED, 'critical', 0],
    [DEGRADED, 'warning', 1],
    [DEGRADED, 'info', 1],
    [HEALTHY, undefined, 0],
    [HEALTHY, 'info', 0],
  ])('%s --fail-on %s exits %i', async (input, level, code) => {
    const r = await run(['logs', input, '-f', 'json', ...(level ? ['--fail-on', level] : [])]);
    expect(r.code).toBe(code);
  });

  it('an unknown level is a usage error (2)', async () => {
    const r = await run(['logs', HEALTHY, '--fail-on', 'fatal']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("option '--fail-on <severity>' argument 'fatal' is invalid");
  });

  it('nothing readable is an input error (2), whatever --fail-on says', async () => {
    const r = await run(['logs', path.join(tmp, 'missing.log'), '--fail-on', 'none']);
    expect(r.code).toBe(2);
  });

  it('--help documents the exit codes', async () => {
    const r = await run(['logs', '--help']);
    expect(r.stdout).toContain('Exit codes:\n  0  ran; no diagnosis at or above --fail-on (default: error)\n  1  ran; a diagnosis at or above --fail-on\n  2  usage error');
    expect(r.stdout).toContain('--format <format>');
    expect(r.stdout).toMatch(/choices: "text", "json", "markdown",\s+"junit"/);
  });
});

describe('formats and --output', () => {
  it('json on stdout parses with ReportSchema', async () => {
    const r = await run(['logs', BROKEN, '--format', 'json']);
    const report = ReportSchema.parse(JSON.parse(r.stdout));
    expect(report.diagnoses.map((d) => d.id)).toEqual(['cluster-id-mismatch']);
  });

  it.each([
    ['text', 'BROKEN: etcd3 belongs to another cluster.\n'],
    ['json', '{\n  "schemaVersion": 1,'],
    ['markdown', '# etcd post-mortem: Broken\n'],
    ['junit', '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="etcddoctor"'],
  ])('-o writes %s to the file and nothing to stdout', async (format, start) => {
    const file = path.join(tmp, `report.${format}`);
    const r = await run(['logs', BROKEN, '-f', format, '-o', file], { stdoutIsTTY: true });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const written = await readFile(file, 'utf8');
    expect(written.startsWith(start)).toBe(true);
    expect(written).not.toContain('\x1b'); // a file never gets colour, even from a terminal
  });

  it('the same input gives the same bytes', async () => {
    const a = await run(['logs', fx('real/zap/quorum-lost'), '-f', 'markdown']);
    const b = await run(['logs', fx('real/zap/quorum-lost'), '-f', 'markdown']);
    expect(a.stdout).toBe(b.stdout);
  });
});

describe('colour', () => {
  it('on a TTY without NO_COLOR', async () => {
    const r = await run(['logs', BROKEN], { stdoutIsTTY: true, env: {} });
    expect(r.stdout).toContain('\x1b[');
  });
  it.each(['1', '', 'false'])('never with NO_COLOR=%j', async (value) => {
    const r = await run(['logs', BROKEN], { stdoutIsTTY: true, env: { NO_COLOR: value } });
    expect(r.stdout).not.toContain('\x1b');
  });
  it('never when stdout is not a TTY', async () => {
    const r = await run(['logs', BROKEN], { stdoutIsTTY: false, env: {} });
    expect(r.stdout).not.toContain('\x1b');
  });
});

describe('--github', () => {
  it('appends the Markdown post-mortem to $GITHUB_STEP_SUMMARY', async () => {
    const summary = path.join(tmp, 'step-summary.md');
    await writeFile(summary, '# earlier step\n');
    const r = await run(['logs', BROKEN, '--github', '-f', 'junit', '-o', path.join(tmp, 'junit.xml')], { env: { GITHUB_STEP_SUMMARY: summary } });
    expect(r.code).toBe(1);
    const text = await readFile(summary, 'utf8');
    expect(text.startsWith('# earlier step\n# etcd post-mortem: Broken\n')).toBe(true);
    expect(text).toContain('```mermaid\nsequenceDiagram\n');
  });

  it('says so when GITHUB_STEP_SUMMARY is not set', async () => {
    const r = await run(['logs', HEALTHY, '--github'], { env: {} });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('GITHUB_STEP_SUMMARY is not set');
  });
});

describe('etcddoctor schema', () => {
  it('prints the shipped JSON Schema', async () => {
    const r = await run(['schema']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(await readFile(path.join(FIXTURES, '../schema/report.schema.json'), 'utf8'));
  });
});

describe('progress', () => {
  function source(name: string, size: number | undefined): LineSource {
    return { name, kind: 'file', size, stats: newReaderStats(), warnings: [], lines: async function* () {} };
  }

  it('formats bytes, lines, the source count, percentage and ETA', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(5 * 1024 * 1024)).toBe('5.0 MiB');
    const line = formatProgress({
      sources: [
        { name: 'a.log', size: 100 * 1024 * 1024, bytes: 100 * 1024 * 1024, lines: 900_000 },
        { name: 'b.log', size: 100 * 1024 * 1024, bytes: 50 * 1024 * 1024, lines: 450_000 },
      ],
      elapsedMs: 15_000,
    });
    expect(line).toBe('reading b.log, 50 MiB/100 MiB, 450k lines, source 2/2, 75%, ETA 5s');
    expect(formatProgress({ sources: [{ name: '-', bytes: 2048, lines: 12 }], elapsedMs: 1000 })).toBe('reading -, 2.0 KiB, 12 lines');
    expect(formatProgress({ sources: [{ name: 'x\x1b[2Jy', bytes: 1, lines: 1 }], elapsedMs: 1 })).toBe('reading xy, 1 B, 1 lines');
  });

  it('draws at most five times a second after a delay, and clears its line at the end', () => {
    vi.useFakeTimers();
    try {
      let now = 0;
      const chunks: string[] = [];
      const out = { write: (c: string) => chunks.push(c) > 0 } as unknown as Writable;
      const s = source('big.log', 1000);
      const p = startProgress([s], out, { now: () => now });
      s.stats.bytes = 100;
      now = 300;
      vi.advanceTimersByTime(200); // before the 500 ms delay: nothing
      expect(chunks).toEqual([]);
      now = 1000;
      s.stats.bytes = 500;
      s.stats.lines = 50;
      vi.advanceTimersByTime(200);
      vi.advanceTimersByTime(50); // between ticks: nothing more
      p.stop();
      p.stop();
      vi.advanceTimersByTime(1000); // stopped: nothing more
      expect(chunks).toEqual(['\r\x1b[Kreading big.log, 500 B/1000 B, 50 lines, 50%, ETA 1s', '\r\x1b[K']);
    } finally {
      vi.useRealTimers();
    }
  });

  it('the CLI writes no progress when stderr is not a TTY, or when JSON goes to a terminal', async () => {
    const a = await run(['logs', BROKEN], { stderrIsTTY: false });
    expect(a.stderr).not.toContain('\r');
    const b = await run(['logs', BROKEN, '-f', 'json'], { stderrIsTTY: true, stdoutIsTTY: true });
    expect(b.stderr).not.toContain('\r');
  });
});
