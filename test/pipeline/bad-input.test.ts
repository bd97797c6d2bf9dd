// Bad input: each case gets one clear message naming the input, no stack trace, the documented
// exit code, and every other input still read.
import { spawnSync, spawn } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/model/report.js';
import { runInMemory } from '../helpers/cli.js';
import { FIXTURES } from '../helpers/run-pipeline.js';
import { startFakeDocker } from '../fuzz/fake-docker.js';

const BIN = path.resolve(import.meta.dirname, '../../bin/etcddoctor.js');
const GOOD = path.join(FIXTURES, 'real/capnslog/healthy/etcd1.log');
const GOOD_ZAP = path.join(FIXTURES, 'real/zap/healthy/etcd2.log');
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'etcddoctor-bad-'));
  chmodSync(dir, 0o755);
});
afterAll(() => {
  spawnSync('rm', ['-rf', dir]);
});

function file(name: string, content: string | Buffer): string {
  const p = path.join(dir, name);
  writeFileSync(p, content);
  return p;
}

async function report(argv: string[], stdin: string | Buffer | null = null) {
  const run = await runInMemory([...argv, '--format', 'json', '--fail-on', 'none'], stdin);
  expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
  return { run, report: run.stdout ? (JSON.parse(run.stdout) as Report) : null };
}

function inputOf(r: Report, p: string) {
  const i = r.inputs.find((x) => x.input === p);
  expect(i, `input ${p} in report`).toBeDefined();
  return i!;
}

describe('bad input, one at a time beside a good log', () => {
  it('a missing file is named; the good log is still read (exit 0)', async () => {
    const missing = path.join(dir, 'nope.log');
    const { run, report: r } = await report(['logs', missing, GOOD]);
    expect(run.code).toBe(0);
    expect(inputOf(r!, missing).errors).toEqual(['no such file or folder']);
    expect(run.stderr).toContain(`${missing}: no such file or folder`);
    expect(r!.nodes.map((n) => n.name)).toEqual(['etcd1']);
  });
  it('a folder with nothing readable', async () => {
    const empty = path.join(dir, 'empty-folder');
    mkdirSync(empty, { recursive: true });
    writeFileSync(path.join(empty, 'picture.png'), 'x');
    const { run, report: r } = await report(['logs', empty, GOOD]);
    expect(run.code).toBe(0);
    expect(inputOf(r!, empty).errors[0]).toMatch(/folder holds no log files/);
  });
  it('binary data is refused', async () => {
    const bin = file('core.log', Buffer.from(Array.from({ length: 20000 }, (_, i) => (i * 7919) % 256)));
    const { run, report: r } = await report(['logs', bin, GOOD]);
    expect(run.code).toBe(0);
    expect(inputOf(r!, bin).errors).toEqual(['binary data, not a log; skipped']);
  });
  it('an empty file is a warning, and empty stdin alone exits 2', async () => {
    const empty = file('empty.log', '');
    const { report: r } = await report(['logs', empty, GOOD]);
    expect(inputOf(r!, empty).warnings).toContain('empty: nothing to read');
    const alone = await runInMemory(['logs', '-'], '');
    expect(alone.code).toBe(2);
    expect(alone.stderr).toContain('nothing could be read');
  });
  it('a 10 MB line is cut, and the lines after it are read', async () => {
    const good = readFileSync(GOOD, 'utf8');
    const big = file('etcd9.log', `${good.split('\n')[0]}\n${'x'.repeat(10 * 1024 * 1024)}\n${good}`);
    const { run, report: r } = await report(['logs', big]);
    expect(run.code).toBe(0);
    expect(inputOf(r!, big).warnings.join(' ')).toMatch(/1 line\(s\) longer than 1 MiB were cut/);
    const node = r!.nodes.find((n) => n.name === 'etcd9')!;
    expect(node.events).toBeGreaterThan(50);
    expect(node.unparsed).toBe(1);
  });
  it('CRLF line ends read the same as LF', async () => {
    const crlf = file('etcd1.log', readFileSync(GOOD, 'utf8').replace(/\n/g, '\r\n'));
    const a = (await report(['logs', crlf])).report!;
    const b = (await report(['logs', GOOD])).report!;
    expect(a.nodes.map((n) => [n.name, n.lines, n.events, n.unparsed, n.memberId])).toEqual(b.nodes.map((n) => [n.name, n.lines, n.events, n.unparsed, n.memberId]));
  });
  it('invalid UTF-8 and NUL bytes are warned about, the lines still read', async () => {
    const text = readFileSync(GOOD);
    const bad = file('etcd7.log', Buffer.concat([Buffer.from([0x41, 0xff, 0x41, 0x0a]), Buffer.from('\u0000\u0000'), text]));
    const { report: r } = await report(['logs', bad]);
    const w = inputOf(r!, bad).warnings.join(' ');
    expect(w).toMatch(/not valid UTF-8/);
    expect(w).toMatch(/NUL bytes/);
    expect(r!.nodes.find((n) => n.name === 'etcd7')!.memberId).not.toBeNull();
  });
  it('UTF-16 with a byte order mark is decoded', async () => {
    const u16 = file('etcd1.log', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(readFileSync(GOOD, 'utf8'), 'utf16le')]));
    const { report: r } = await report(['logs', u16]);
    expect(r!.nodes[0]!.unparsed).toBe(0);
    expect(inputOf(r!, u16).warnings).toContain('read as UTF-16LE (byte order mark)');
  });
  it('truncated JSON and zap lines with wrong types never fail the run', async () => {
    const lines = [
      '{"level":"warn","ts":"2026-11-22T02:41:05.902Z","caller":"rafthttp/http.go:500","msg":"request cluster ID mism',
      '{"level":"info","ts":1795314805.5,"msg":"ts as a number"}',
      '{"level":"info","ts":"yesterday","msg":"ts as text"}',
      '{"level":"info","msg":"ts missing"}',
      '{"level":"loud","ts":"2026-11-22T02:41:05.902Z","msg":"unknown level"}',
      '{"level":7,"ts":null,"msg":"level as a number"}',
    ];
    const f = file('etcd5.log', lines.join('\n') + '\n');
    const { run, report: r } = await report(['logs', f, GOOD_ZAP]);
    expect(run.code).toBe(0);
    const n = r!.nodes.find((x) => x.name === 'etcd5')!;
    expect(n.events).toBe(5);
    expect(n.unparsed).toBe(1);
  });
  it("other programs' logs are reported as not etcd's, and alone exit 2", async () => {
    const nginx = file('nginx.log', '127.0.0.1 - - [22/Nov/2026:02:33:25 +0000] "GET / HTTP/1.1" 200 612 "-" "curl/8.0"\n'.repeat(5));
    const kube = file('kube-apiserver.log', 'I1122 02:33:25.764708       1 server.go:565] external host was not specified, using 10.0.0.1\n'.repeat(5));
    const { run, report: r } = await report(['logs', nginx, kube, GOOD]);
    expect(run.code).toBe(0);
    expect(inputOf(r!, nginx).warnings.join(' ')).toMatch(/no etcd log lines or etcdctl output recognised/);
    expect(r!.nodes.map((n) => n.name)).toEqual(['etcd1']);
    const alone = await runInMemory(['logs', nginx]);
    expect(alone.code).toBe(2);
  });
  it('a folder of mixed junk: the etcd logs in it are still read', async () => {
    const mixed = path.join(dir, 'mixed');
    mkdirSync(path.join(mixed, 'sub'), { recursive: true });
    writeFileSync(path.join(mixed, 'etcd1.log'), readFileSync(GOOD));
    writeFileSync(path.join(mixed, 'junk.txt'), Buffer.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 0, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0]));
    writeFileSync(path.join(mixed, 'sub', 'notes.txt'), 'remember to buy milk\n');
    writeFileSync(path.join(mixed, 'empty.log'), '');
    const { run, report: r } = await report(['logs', mixed]);
    expect(run.code).toBe(0);
    expect(r!.nodes.map((n) => n.name)).toEqual(['etcd1']);
    expect(r!.inputs.length).toBe(4);
  });
  it('usage errors exit 2 with one line', async () => {
    const run = await runInMemory(['logs', '--tz', 'Mars/Olympus', GOOD]);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect((await runInMemory(['logs', '--node', 'oops', GOOD])).code).toBe(2);
    expect((await runInMemory(['logs'])).code).toBe(2); // no input and stdin is a terminal
    expect((await runInMemory(['frobnicate'])).code).toBe(2);
  });
});

describe('the real process', () => {
  it('an unreadable file (as an unprivileged user) is named, the rest read', () => {
    const secret = file('secret.log', readFileSync(GOOD));
    chmodSync(secret, 0o000);
    const r = spawnSync('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', process.execPath, BIN, 'logs', secret, GOOD, '--format', 'json'], { encoding: 'utf8' });
    expect(r.stderr).toContain(`${secret}: permission denied`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.status).toBe(0);
    expect((JSON.parse(r.stdout) as Report).nodes.map((n) => n.name)).toEqual(['etcd1']);
  });
  it('reads a FIFO', async () => {
    const fifo = path.join(dir, 'etcd3.fifo');
    spawnSync('mkfifo', [fifo]);
    const child = spawn(process.execPath, [BIN, 'logs', fifo, '--format', 'json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    writeFileSync(fifo, readFileSync(GOOD));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    expect((JSON.parse(out) as Report).nodes[0]!.memberId).not.toBeNull();
  });
  it('a closed output pipe (| head -1) ends quietly', () => {
    const r = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" "${BIN}" logs "${path.dirname(GOOD)}" --format json | head -1`], { encoding: 'utf8' });
    expect(r.stdout).toBe('{\n');
    expect(r.stderr).toBe('');
  });
  it('stdin closed at once is empty input', () => {
    const r = spawnSync(process.execPath, [BIN, 'logs', '-'], { input: '', encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('nothing could be read');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
  it('Ctrl-C during --follow stops with a one-line summary and exit 0', async () => {
    const engineDir = path.join(dir, 'engine');
    cpSync(path.join(FIXTURES, 'docker/capnslog/peer-stopped'), engineDir, { recursive: true });
    const engine = await startFakeDocker(engineDir);
    try {
      const child = spawn(process.execPath, [BIN, 'logs', '--docker', ...engine.names, '--docker-host', `unix://${engine.socket}`, '--no-exec', '--follow'], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.stderr.on('data', (c: Buffer) => (err += c.toString()));
      // Once it prints its first verdict it is following the open streams: then Ctrl-C.
      for (let i = 0; i < 200 && !/verdict/.test(out); i++) await new Promise((r) => setTimeout(r, 50));
      expect(out).toMatch(/verdict/);
      child.kill('SIGINT');
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(code).toBe(0);
      expect(err + out).toMatch(/etcddoctor: stopped after .*: \d+ diagnos[ie]s active|etcddoctor: stopped after .*: no diagnosis active/);
      expect((err + out).match(/^etcddoctor: stopped after/gm)).toHaveLength(1);
      expect(err).not.toMatch(/\n\s+at /);
    } finally {
      await engine.close();
    }
  });
});
