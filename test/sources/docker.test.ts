// Docker sources: the frame demultiplexer and config parsing as pure units, then
// openDockerSources against a real engine running real etcd containers (skipped, saying why,
// when no engine answers).
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RawLine } from '../../src/model/event.js';
import { ContainerInfoSchema } from '../../src/model/container.js';
import { newReaderStats, readLines } from '../../src/sources/line-reader.js';
import type { LineSource } from '../../src/sources/source.js';
import { describeEngineError, resolveDockerEndpoint } from '../../src/sources/docker/client.js';
import { FrameSplitter, LogDemuxer } from '../../src/sources/docker/demux.js';
import {
  effectiveDataDir,
  etcdArgs,
  mountHolding,
  parseEtcdConfig,
  parseEtcdFlags,
  pickEtcdEnv,
  redactArgs,
  splitShellWords,
} from '../../src/sources/docker/etcd-config.js';
import { captureEtcdctl, runExec } from '../../src/sources/docker/etcdctl-capture.js';
import { containerInfoFromInspect, etcdctlEndpoint } from '../../src/sources/docker/inspect.js';
import { DockerLogSource, openDockerSources, splitDockerStamp, toDockerTimestamp } from '../../src/sources/docker/index.js';
import { dockerStampToInstant } from '../../src/sources/docker/log-source.js';
import { isoToInstant } from '../../src/parsers/time.js';
import { parseGoDuration, parseLogWindow } from '../../src/sources/docker/log-window.js';
import {
  dockerUnavailableReason,
  removeCluster,
  runEtcdContainer,
  startCluster,
  testDocker,
  waitExited,
  waitForLog,
  waitHealthy,
} from '../helpers/docker-cluster.js';

function frame(stream: 1 | 2, payload: string | Buffer): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload) : payload;
  const h = Buffer.alloc(8);
  h[0] = stream;
  h.writeUInt32BE(body.length, 4);
  return Buffer.concat([h, body]);
}

/** Feed chunks through a LogDemuxer and readLines, as DockerLogSource does. */
async function demuxLines(chunks: Buffer[], opts: { tty: boolean; maxLineBytes?: number }) {
  const demux = new LogDemuxer({ tty: opts.tty, timestamps: true, maxLineBytes: opts.maxLineBytes });
  Readable.from(chunks).pipe(demux);
  const lines: { text: string; ts: string | undefined }[] = [];
  for await (const l of readLines(demux, newReaderStats())) lines.push(splitDockerStamp(l.text));
  return { lines, demux };
}

/** Every way of cutting `buf` into two or three pieces, for split-anywhere checks. */
function cuts(buf: Buffer): Buffer[][] {
  const out: Buffer[][] = [];
  for (let i = 1; i < buf.length; i += 3) {
    out.push([buf.subarray(0, i), buf.subarray(i)]);
    const j = Math.min(buf.length - 1, i + 11);
    if (j > i) out.push([buf.subarray(0, i), buf.subarray(i, j), buf.subarray(j)]);
  }
  return out;
}

const T1 = '2026-11-22T04:01:22.129392381Z';
const T2 = '2026-11-22T04:01:22.200000000Z';
const T3 = '2026-11-22T04:01:23.000000001Z';

describe('LogDemuxer (no engine)', () => {
  const stream = Buffer.concat([
    frame(2, `${T1} 2026-11-22 04:01:22.129 I | etcdserver: first\n`),
    // A long stdout line in two messages: the second frame has its own stamp.
    frame(1, `${T2} {"level":"info","msg":"part one `),
    frame(2, `${T2} raft2026/11/22 04:01:22 INFO: between\n`),
    frame(1, `${T3} and part two"}\n`),
    frame(2, `${T3} last line with no newline`),
  ]);
  const expected = [
    { text: '2026-11-22 04:01:22.129 I | etcdserver: first', ts: '2026-11-22T04:01:22.129392Z' },
    { text: 'raft2026/11/22 04:01:22 INFO: between', ts: '2026-11-22T04:01:22.200000Z' },
    { text: '{"level":"info","msg":"part one and part two"}', ts: '2026-11-22T04:01:22.200000Z' },
    { text: 'last line with no newline', ts: '2026-11-22T04:01:23.000000Z' },
  ];

  it('keeps stdout and stderr, rejoins a line split across frames, moves the stamp to transportTs', async () => {
    const { lines, demux } = await demuxLines([stream], { tty: false });
    expect(lines).toEqual(expected);
    expect(demux.lineCounts).toEqual({ stdout: 1, stderr: 3 });
  });

  it('gives the same lines however the HTTP chunks cut the frames', async () => {
    for (const chunks of cuts(stream)) {
      const { lines } = await demuxLines(chunks, { tty: false });
      expect(lines).toEqual(expected);
    }
    const bytes = [...stream].map((b) => Buffer.from([b]));
    expect((await demuxLines(bytes, { tty: false })).lines).toEqual(expected);
  });

  it('passes a TTY stream through raw, CRLF and all', async () => {
    const raw = Buffer.from(`${T1} 2026-11-22 04:01:22.129 I | etcdmain: one\r\n${T2} two\r\n`);
    const { lines, demux } = await demuxLines(cuts(raw)[5]!, { tty: true });
    expect(lines).toEqual([
      { text: '2026-11-22 04:01:22.129 I | etcdmain: one', ts: '2026-11-22T04:01:22.129392Z' },
      { text: 'two', ts: '2026-11-22T04:01:22.200000Z' },
    ]);
    expect(demux.raw).toBe(true);
  });

  it('falls back to raw when a stream said to be framed is not', async () => {
    const { lines, demux } = await demuxLines([Buffer.from(`${T1} hello\n${T2} world\n`)], { tty: false });
    expect(lines.map((l) => l.text)).toEqual(['hello', 'world']);
    expect(demux.raw).toBe(true);
  });

  it('keeps the head of an over-long line and counts it', async () => {
    const { lines, demux } = await demuxLines(
      [frame(1, `${T1} ${'x'.repeat(100)}`), frame(1, `${T2} ${'y'.repeat(100)}\n`), frame(2, `${T3} short\n`)],
      { tty: false, maxLineBytes: 60 },
    );
    expect(lines).toEqual([
      { text: 'x'.repeat(60 - T1.length - 1), ts: '2026-11-22T04:01:22.129392Z' },
      { text: 'short', ts: '2026-11-22T04:01:23.000000Z' },
    ]);
    expect(demux.truncatedLines).toBe(1);
  });

  it('writes stamps in the same canonical form as the parsers', () => {
    for (const stamp of [T1, T2, T3, '2026-11-22T04:01:22Z', '2026-11-22T04:01:22.5Z', '2026-11-22T06:01:22.123456789+02:00', '2026-12-31T23:59:59.999999999Z']) {
      expect(dockerStampToInstant(stamp)).toBe(isoToInstant(stamp));
    }
    expect(dockerStampToInstant('2026-11-22 04:01:22')).toBeNull();
  });

  it('FrameSplitter hands over empty and large frames whole or in pieces', () => {
    const got: string[] = [];
    const s = new FrameSplitter(
      (st, p, first) => got.push(`${st}:${first ? 'F' : '-'}:${p.length}`),
      () => got.push('raw'),
    );
    s.push(Buffer.concat([frame(1, ''), frame(2, 'ab')]));
    const big = frame(1, Buffer.alloc(1024 * 1024 + 10, 0x61));
    s.push(big.subarray(0, 500_000));
    s.push(big.subarray(500_000));
    expect(got[0]).toBe('stderr:F:2');
    expect(got[1]).toBe('stdout:F:499992');
    expect(got[2]).toBe('stdout:-:548594');
    expect(s.midFrame).toBe(false);
  });
});

describe('etcd configuration from flags and ETCD_* (no engine)', () => {
  it('reads every flag syntax etcd accepts', () => {
    const flags = parseEtcdFlags([
      '--name', 'etcd1', '-data-dir=/var/lib/etcd', '--initial-cluster-state=existing', '--force-new-cluster',
      '-listen-client-urls', 'http://0.0.0.0:2379', '--logger', 'zap',
    ]);
    expect(Object.fromEntries(flags)).toEqual({
      name: 'etcd1',
      'data-dir': '/var/lib/etcd',
      'initial-cluster-state': 'existing',
      'force-new-cluster': 'true',
      'listen-client-urls': 'http://0.0.0.0:2379',
      logger: 'zap',
    });
  });

  it('lets a flag win over its ETCD_* variable, and says where each value came from', () => {
    const env = pickEtcdEnv([
      'PATH=/usr/bin', 'AWS_SECRET_ACCESS_KEY=nope', 'ETCD_NAME=from-env', 'ETCD_INITIAL_CLUSTER_TOKEN=tok',
      'ETCD_ROOT_PASSWORD=hunter2', 'ALLOW_NONE_AUTHENTICATION=yes',
    ]);
    expect(env).toEqual({
      ETCD_NAME: 'from-env',
      ETCD_INITIAL_CLUSTER_TOKEN: 'tok',
      ETCD_ROOT_PASSWORD: '<redacted>',
      ALLOW_NONE_AUTHENTICATION: 'yes',
    });
    const p = parseEtcdConfig('/usr/local/bin/etcd', ['--name=from-flag', '--data-dir', '/data'], env);
    expect(p.config.name).toBe('from-flag');
    expect(p.config.initialClusterToken).toBe('tok');
    expect(p.config.dataDir).toBe('/data');
    expect(p.from).toEqual({ name: 'flag', dataDir: 'flag', initialClusterToken: 'env' });
    expect(p.style).toBe('mixed');
  });

  it('looks inside sh -c and past a wrapper script', () => {
    expect(splitShellWords(`exec etcd --name 'my node' --data-dir="/a b" && echo x`)).toEqual([
      'exec', 'etcd', '--name', 'my node', '--data-dir=/a b', '&', '&', 'echo', 'x',
    ]);
    expect(etcdArgs('/bin/sh', ['-c', 'exec /usr/local/bin/etcd -name n1 --data-dir /d; echo done'])).toEqual([
      '-name', 'n1', '--data-dir', '/d',
    ]);
    const bitnami = parseEtcdConfig('/opt/bitnami/scripts/etcd/entrypoint.sh', ['/opt/bitnami/scripts/etcd/run.sh'], {
      ETCD_NAME: 'etcd2',
    });
    expect(bitnami.config.name).toBe('etcd2');
    expect(bitnami.style).toBe('env');
  });

  it('redacts password-like flag values in the command', () => {
    expect(redactArgs(['--name', 'x', '--root-password=s3cret', '--password', 'p', '--data-dir', '/d'])).toEqual([
      '--name', 'x', '--root-password=<redacted>', '--password', '<redacted>', '--data-dir', '/d',
    ]);
  });

  it('finds the data dir (etcd default <name>.etcd) and the mount that holds it', () => {
    const base = parseEtcdConfig('etcd', [], {}).config;
    expect(effectiveDataDir({ ...base, name: 'n1' }, '/work')).toBe('/work/n1.etcd');
    expect(effectiveDataDir(base, '')).toBe('/default.etcd');
    const mounts = [
      { type: 'bind', destination: '/var' },
      { type: 'volume', destination: '/var/lib/etcd/' },
      { type: 'volume', destination: '/var/lib/etcd-other' },
    ];
    expect(mountHolding('/var/lib/etcd/data', mounts)?.destination).toBe('/var/lib/etcd/');
    expect(mountHolding('/etc', mounts)).toBeNull();
  });

  it('builds ContainerInfo from inspect data: bitnami flavour, compose labels, only ETCD_* env', () => {
    const info = containerInfoFromInspect({
      Id: 'abcdef0123456789abcdef',
      Name: '/etcd-2',
      Path: '/opt/bitnami/scripts/etcd/entrypoint.sh',
      Args: ['/opt/bitnami/scripts/etcd/run.sh'],
      RestartCount: 4,
      State: {
        Status: 'restarting', Running: false, Paused: false, Restarting: true, OOMKilled: true, Dead: false,
        Pid: 0, ExitCode: 137, Error: '', StartedAt: '2026-11-22T04:00:00Z', FinishedAt: '2026-11-22T04:01:00Z',
      },
      Config: {
        Image: 'bitnami/etcd:3.5.9', Tty: false, WorkingDir: '/opt/bitnami/etcd',
        Env: ['ETCD_NAME=etcd-2', 'ETCD_DATA_DIR=/bitnami/etcd/data', 'ETCD_ADVERTISE_CLIENT_URLS=http://etcd-2:2379', 'MY_TOKEN=x'],
        Labels: {
          'com.docker.compose.project': 'infra', 'com.docker.compose.service': 'etcd-2',
          'com.docker.compose.container-number': '1', 'com.docker.compose.project.working_dir': '/srv/infra',
          'com.docker.compose.project.config_files': '/srv/infra/compose.yml', 'other': 'dropped',
        },
      },
      HostConfig: { NetworkMode: 'infra_default', RestartPolicy: { Name: 'unless-stopped', MaximumRetryCount: 0 }, LogConfig: { Type: 'json-file', Config: {} } },
      Mounts: [{ Type: 'volume', Name: 'infra_etcd2', Source: '/var/lib/docker/volumes/infra_etcd2/_data', Destination: '/bitnami/etcd', Driver: 'local', Mode: 'z', RW: true, Propagation: '' }],
    } as never);
    expect(ContainerInfoSchema.parse(info)).toEqual(info);
    expect(info).toMatchObject({
      name: 'etcd-2', id: 'abcdef012345', state: 'restarting', exitCode: 137, restartCount: 4, oomKilled: true,
      restartPolicy: { name: 'unless-stopped', maximumRetryCount: 0 }, networkMode: 'infra_default',
      compose: { project: 'infra', service: 'etcd-2', containerNumber: '1', workingDir: '/srv/infra', configFiles: '/srv/infra/compose.yml' },
      env: { ETCD_NAME: 'etcd-2', ETCD_DATA_DIR: '/bitnami/etcd/data', ETCD_ADVERTISE_CLIENT_URLS: 'http://etcd-2:2379' },
      deployment: 'compose', bitnami: true, configStyle: 'env',
      dataDirMount: { type: 'volume', name: 'infra_etcd2', destination: '/bitnami/etcd' },
    });
    expect(Object.keys(info.env)).not.toContain('MY_TOKEN');
    expect(etcdctlEndpoint(info)).toBe('http://etcd-2:2379');
    expect(etcdctlEndpoint({ ...info, etcd: { ...info.etcd, advertiseClientUrls: null, listenClientUrls: 'http://0.0.0.0:2379' } })).toBe(
      'http://127.0.0.1:2379',
    );
  });
});

describe('docker options (no engine)', () => {
  const now = new Date('2026-11-22T04:00:00.000Z');
  it('reads --since/--until as docker logs does', () => {
    expect(parseGoDuration('1h30m')).toBe(5_400_000);
    expect(parseGoDuration('1.5s')).toBe(1500);
    expect(parseGoDuration('10')).toBeNull();
    expect(toDockerTimestamp('10m', now)).toBe(`${now.getTime() / 1000 - 600}.000000000`);
    expect(toDockerTimestamp('2026-11-22T03:00:00.5Z', now)).toBe(`${Date.UTC(2026, 10, 22, 3) / 1000}.500000000`);
    expect(toDockerTimestamp('2026-11-22T05:00:00+02:00', now)).toBe(`${Date.UTC(2026, 10, 22, 3) / 1000}.000000000`);
    expect(toDockerTimestamp('1700000000', now)).toBe('1700000000.000000000');
    expect(toDockerTimestamp('1700000000.25', now)).toBe('1700000000.250000000');
    expect(toDockerTimestamp('yesterday', now)).toBeNull();
    expect(parseLogWindow({ tail: 'all' })).toEqual({});
    expect(parseLogWindow({ tail: '20' })).toEqual({ tail: 20 });
    expect(() => parseLogWindow({ tail: 'ten' })).toThrow('--tail "ten": expected a number of lines or "all"');
    expect(() => parseLogWindow({ since: 'soon' })).toThrow(/^--since "soon": expected a duration/);
  });

  it('resolves --docker-host, DOCKER_HOST and the default socket', () => {
    expect(resolveDockerEndpoint(undefined, {}).display).toBe('unix:///var/run/docker.sock');
    expect(resolveDockerEndpoint(undefined, { DOCKER_HOST: 'unix:///run/user/1000/docker.sock' }).socketPath).toBe('/run/user/1000/docker.sock');
    expect(resolveDockerEndpoint('/tmp/d.sock', { DOCKER_HOST: 'tcp://10.0.0.1:2375' }).socketPath).toBe('/tmp/d.sock');
    const tcp = resolveDockerEndpoint('tcp://127.0.0.1:2375', { DOCKER_HOST: 'unix:///x' });
    expect(tcp.display).toBe('tcp://127.0.0.1:2375');
    expect(tcp.options).toMatchObject({ host: '127.0.0.1', port: '2375', protocol: 'http', socketPath: undefined });
    expect(() => resolveDockerEndpoint('ssh://me@host', {})).toThrow(/ssh:\/\/ is not supported/);
    expect(() => resolveDockerEndpoint('ftp://x', {})).toThrow(/expected unix:/);
  });

  it('says what to do about a socket it may not open', () => {
    const ep = resolveDockerEndpoint(undefined, {});
    const err = Object.assign(new Error('connect EACCES /var/run/docker.sock'), { code: 'EACCES' });
    expect(describeEngineError(err, ep)).toBe(
      'permission denied on /var/run/docker.sock: add your user to the docker group (then log in again) or run with sudo',
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Against the real engine. Our own names (ddt*) and ports (22600-22699), 127.0.0.1 only.

const unavailable = await dockerUnavailableReason();
if (unavailable !== null) console.warn(`test/sources/docker.test.ts: engine tests skipped: ${unavailable}`);

// CI sets ETCDDOCTOR_REQUIRE_DOCKER=1 so that a missing engine fails instead of skipping quietly.
it.runIf(unavailable !== null && !!process.env.ETCDDOCTOR_REQUIRE_DOCKER)('has a Docker engine (ETCDDOCTOR_REQUIRE_DOCKER)', () => {
  throw new Error(`ETCDDOCTOR_REQUIRE_DOCKER is set but ${unavailable}`);
});

const PREFIX = 'ddt';
const BASE_PORT = 22600;
const MIXED = 'ddt-mixed'; // flags in every syntax, capnslog to stdout, raft to stderr
const TTY = 'ddt-tty';
const EXITED = 'ddt-exited';

async function readAll(source: LineSource): Promise<RawLine[]> {
  const out: RawLine[] = [];
  for await (const l of source.lines()) out.push(l);
  return out;
}

describe.skipIf(unavailable !== null)('openDockerSources against a real engine', () => {
  const env = { ...process.env };

  beforeAll(async () => {
    await startCluster({ prefix: PREFIX, basePort: BASE_PORT });
    await runEtcdContainer({ prefix: PREFIX, name: MIXED, clientPort: 22650, peerPort: 22651, env: ['ETCD_LOG_OUTPUTS=stdout', 'ETCD_INITIAL_CLUSTER_TOKEN=mixed-token', 'AWS_SECRET_ACCESS_KEY=never-read'] });
    await runEtcdContainer({ prefix: PREFIX, name: TTY, clientPort: 22660, peerPort: 22661, tty: true });
    await runEtcdContainer({ prefix: PREFIX, name: EXITED, clientPort: 0, peerPort: 0, cmd: ['etcd', '--version'] });
    await Promise.all([
      waitHealthy(MIXED, 'http://127.0.0.1:22650'),
      waitHealthy(TTY, 'http://127.0.0.1:22660'),
      waitExited(EXITED),
    ]);
    await waitForLog(MIXED, /ready to serve client requests/);
  }, 240_000);

  afterAll(async () => {
    // ETCDDOCTOR_KEEP_CONTAINERS=1 leaves them for a look (docker logs ddt1); the next run removes them.
    if (unavailable === null && !process.env.ETCDDOCTOR_KEEP_CONTAINERS) await removeCluster(PREFIX);
  }, 120_000);

  it('reads a 3-node cluster: logs with transportTs, ContainerInfo, etcdctl captures; a missing container is named', async () => {
    const nodes = ['ddt1', 'ddt2', 'ddt3'];
    const r = await openDockerSources({ containers: ['ddt1', 'ddt9', 'ddt2', 'ddt3'] }, env);
    expect(r.errors).toEqual([{ input: 'docker:ddt9', message: 'no such container' }]);
    expect(r.containers.map((c) => c.name)).toEqual(nodes);
    expect(r.sources.map((s) => s.name)).toEqual(
      nodes.flatMap((n) => [`docker:${n}`, `docker:${n}:member-list`, `docker:${n}:endpoint-status`, `docker:${n}:endpoint-health`]),
    );

    for (const info of r.containers) {
      expect(ContainerInfoSchema.parse(info)).toEqual(info);
      const n = Number(info.name.slice(-1));
      const client = `http://127.0.0.1:${BASE_PORT + 10 * (n - 1)}`;
      expect(info).toMatchObject({
        state: 'running', exitCode: null, restartCount: 0, oomKilled: false, networkMode: 'host', tty: false,
        restartPolicy: { name: 'no' }, logDriver: 'json-file', deployment: 'compose', bitnami: false, configStyle: 'env',
        compose: { project: PREFIX, service: info.name, containerNumber: '1' },
        command: { path: 'etcd', args: [] },
        etcd: {
          name: info.name, dataDir: '/var/lib/etcd/data', initialClusterState: 'new', initialClusterToken: 'ddt-cluster',
          initialCluster: 'ddt1=http://127.0.0.1:22601,ddt2=http://127.0.0.1:22611,ddt3=http://127.0.0.1:22621',
          advertiseClientUrls: client, listenClientUrls: client,
        },
        etcdFrom: { name: 'env', initialCluster: 'env' },
        dataDirMount: { type: 'volume', name: `${info.name}_data`, destination: '/var/lib/etcd' },
        etcdctl: 'captured', etcdctlNote: null,
      });
      expect(info.startedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
      // Only ETCD_* reached us: the container's PATH and ETCDCTL_* stayed behind.
      expect(Object.keys(info.env).every((k) => k.startsWith('ETCD_'))).toBe(true);
    }

    for (const n of nodes) {
      const log = r.sources.find((s) => s.name === `docker:${n}`) as DockerLogSource;
      const lines = await readAll(log);
      expect(lines.length).toBeGreaterThan(20);
      for (const l of lines) {
        expect(l).toMatchObject({ source: `docker:${n}`, node: n, nodeOrigin: 'docker' });
        expect(l.transportTs).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
        expect(l.text).not.toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z /);
      }
      expect(lines.map((l) => l.lineNo)).toEqual(lines.map((_, i) => i + 1));
      expect(lines.some((l) => /etcdserver: published \{Name:ddt\d /.test(l.text))).toBe(true);
      expect(log.streamLines.stderr).toBe(lines.length);

      for (const kind of ['member-list', 'endpoint-status', 'endpoint-health']) {
        const cap = await readAll(r.sources.find((s) => s.name === `docker:${n}:${kind}`)!);
        expect(cap.length).toBeGreaterThan(0);
        expect(cap[0]!.text.trim()).toMatch(/^[[{]/);
        expect(cap[0]).toMatchObject({ node: n, nodeOrigin: 'docker' });
      }
      const members = JSON.parse((await readAll(r.sources.find((s) => s.name === `docker:${n}:member-list`)!))[0]!.text);
      expect(members.members.map((m: { name: string }) => m.name).sort()).toEqual(nodes);
      const health = JSON.parse((await readAll(r.sources.find((s) => s.name === `docker:${n}:endpoint-health`)!))[0]!.text);
      expect(health).toEqual([expect.objectContaining({ health: true })]);
    }
  });

  it('finds a compose project by its labels, running or not, and dedupes containers named twice', async () => {
    const r = await openDockerSources({ containers: ['ddt2'], compose: PREFIX, execEtcdctl: false }, env);
    expect(r.errors).toEqual([]);
    expect(r.containers.map((c) => c.name)).toEqual(['ddt2', 'ddt1', 'ddt3']);
    expect(r.sources.map((s) => s.name)).toEqual(['docker:ddt2', 'docker:ddt1', 'docker:ddt3']);
    expect(r.containers.every((c) => c.etcdctl === 'disabled')).toBe(true);

    const none = await openDockerSources({ containers: [], compose: 'ddt-no-such-project' }, env);
    expect(none.errors).toEqual([
      { input: 'compose:ddt-no-such-project', message: expect.stringMatching(/^no containers labelled com.docker.compose.project=ddt-no-such-project/) },
    ]);
  });

  it('keeps stdout and stderr of one container, and reads flags in every syntax', async () => {
    const r = await openDockerSources({ containers: [MIXED], execEtcdctl: false }, env);
    const log = r.sources[0] as DockerLogSource;
    const lines = await readAll(log);
    expect(log.streamLines.stdout).toBeGreaterThan(5);
    expect(log.streamLines.stderr).toBeGreaterThan(5);
    expect(lines).toHaveLength(log.streamLines.stdout + log.streamLines.stderr);
    expect(lines.some((l) => /^\d{4}-\d\d-\d\d [\d:.]+ I \| etcdmain: etcd Version: 3\.4/.test(l.text))).toBe(true); // stdout
    expect(lines.some((l) => l.text.startsWith('raft20'))).toBe(true); // stderr
    const info = r.containers[0]!;
    expect(info).toMatchObject({
      deployment: 'docker-run', configStyle: 'mixed', compose: null, dataDirMount: null, effectiveDataDir: '/tmp/ddt-mixed.etcd',
      env: { ETCD_LOG_OUTPUTS: 'stdout', ETCD_INITIAL_CLUSTER_TOKEN: 'mixed-token' },
      etcd: {
        name: MIXED, dataDir: '/tmp/ddt-mixed.etcd', listenClientUrls: 'http://127.0.0.1:22650', advertiseClientUrls: 'http://127.0.0.1:22650',
        initialCluster: `${MIXED}=http://127.0.0.1:22651`, initialClusterToken: 'mixed-token', logOutputs: 'stdout',
      },
      etcdFrom: { name: 'flag', dataDir: 'flag', listenClientUrls: 'flag', advertiseClientUrls: 'flag', initialClusterToken: 'env' },
    });
    expect(JSON.stringify(info)).not.toContain('never-read');
  });

  it('reads a TTY container (raw stream) and runs etcdctl in it', async () => {
    const r = await openDockerSources({ containers: [TTY] }, env);
    expect(r.errors).toEqual([]);
    expect(r.containers[0]).toMatchObject({ tty: true, etcdctl: 'captured' });
    const lines = await readAll(r.sources[0]!);
    expect(lines.length).toBeGreaterThan(20);
    expect(lines.every((l) => l.transportTs !== undefined && !l.text.endsWith('\r'))).toBe(true);
    expect(lines.some((l) => /etcdserver: published \{Name:ddt-tty /.test(l.text))).toBe(true);
    expect(r.sources.map((s) => s.name)).toEqual([`docker:${TTY}`, `docker:${TTY}:member-list`, `docker:${TTY}:endpoint-status`, `docker:${TTY}:endpoint-health`]);
  });

  it('reads an exited container and says why there is no etcdctl output', async () => {
    const r = await openDockerSources({ containers: [EXITED] }, env);
    expect(r.containers[0]).toMatchObject({ state: 'exited', exitCode: 0, etcdctl: 'not-running', etcdctlNote: 'container is exited: no etcdctl output' });
    expect(r.containers[0]!.finishedAt).toMatch(/^\d{4}-/);
    const lines = await readAll(r.sources[0]!);
    expect(lines.map((l) => l.text)).toContain('etcd Version: 3.4.23');
    expect(r.sources).toHaveLength(1);
  });

  it('honours --tail, --since and --until', async () => {
    const all = await readAll((await openDockerSources({ containers: ['ddt1'], execEtcdctl: false }, env)).sources[0]!);
    const tail = await readAll((await openDockerSources({ containers: ['ddt1'], tail: '5', execEtcdctl: false }, env)).sources[0]!);
    expect(tail).toHaveLength(5);
    // The last five lines (etcd may have logged more since `all` was read, so look for them in it).
    expect(all.map((l) => l.text).join('\n')).toContain(tail.map((l) => l.text).join('\n'));
    expect(tail.map((l) => l.lineNo)).toEqual([1, 2, 3, 4, 5]);

    // A stamp between two lines of the log, written as an RFC 3339 time.
    const mid = all.findIndex((l, i) => i > 5 && l.transportTs! > all[i - 1]!.transportTs!);
    const cut = all[mid]!.transportTs!;
    const since = await readAll((await openDockerSources({ containers: ['ddt1'], since: cut, execEtcdctl: false }, env)).sources[0]!);
    expect(since[0]!.text).toBe(all[mid]!.text);
    expect(since.every((l) => l.transportTs! >= cut)).toBe(true);
    const until = await readAll((await openDockerSources({ containers: ['ddt1'], until: cut, execEtcdctl: false }, env)).sources[0]!);
    expect(until.length).toBeGreaterThan(0);
    expect(until.every((l) => l.transportTs! <= cut)).toBe(true);
    expect(until.length).toBeLessThanOrEqual(mid + 1);

    const recent = await readAll((await openDockerSources({ containers: ['ddt1'], since: '1h', execEtcdctl: false }, env)).sources[0]!);
    expect(recent.length).toBeGreaterThanOrEqual(all.length);
    const future = await readAll((await openDockerSources({ containers: ['ddt1'], since: '2999-01-01T00:00:00Z', execEtcdctl: false }, env)).sources[0]!);
    expect(future).toEqual([]);
  });

  it('says clearly when the engine cannot be reached', async () => {
    const refused = await openDockerSources({ host: 'tcp://127.0.0.1:1', containers: ['ddt1'] }, env);
    expect(refused).toEqual({
      sources: [],
      containers: [],
      errors: [{ input: 'docker', message: 'cannot reach the Docker engine at tcp://127.0.0.1:1: connection refused; is dockerd running? is DOCKER_HOST (or --docker-host) right?' }],
    });
    const missing = await openDockerSources({ containers: ['ddt1'] }, { DOCKER_HOST: 'unix:///tmp/ddt-no-such-docker.sock' });
    expect(missing.errors).toEqual([
      { input: 'docker', message: 'cannot reach the Docker engine: no socket at /tmp/ddt-no-such-docker.sock; is dockerd running? is DOCKER_HOST (or --docker-host) right?' },
    ]);
  });

  it('bounds a hung exec by its timeout, and notes an image without etcdctl', async () => {
    const docker = testDocker();
    const c = docker.getContainer('ddt1');
    const started = Date.now();
    // `etcdctl watch` waits for events forever.
    const hung = await runExec(c, ['etcdctl', 'watch', 'ddt-never-written'], ['ETCDCTL_ENDPOINTS=http://127.0.0.1:22600'], 1500);
    expect(hung.timedOut).toBe(true);
    expect(Date.now() - started).toBeLessThan(5000);

    const info = (await docker.getContainer('ddt1').inspect()).Id;
    const cap = await captureEtcdctl(docker, 'ddt1', info, 'etcddoctor/etcd:3.4.23', [], 5000, 'etcdctl-not-here');
    expect(cap).toEqual({
      sources: [],
      errors: [],
      status: 'not-in-image',
      note: 'image etcddoctor/etcd:3.4.23 has no etcdctl-not-here: member list, endpoint status and endpoint health not captured',
    });
  });

  it('reports a log stream that breaks off mid-way', async () => {
    // Abort the stream after the first line: the source says where it stopped, once.
    const r = await openDockerSources({ containers: ['ddt2'], execEtcdctl: false }, env);
    const info = r.containers[0]!;
    const ac = new AbortController();
    const src = new DockerLogSource(testDocker(), info, { abortSignal: ac.signal, follow: true });
    const got: RawLine[] = [];
    await expect(
      (async () => {
        for await (const l of src.lines()) {
          got.push(l);
          if (got.length === 1) ac.abort();
        }
      })(),
    ).rejects.toThrow(/^docker:ddt2: log stream broke off after \d+ line\(s\)/);
    expect(got.length).toBeGreaterThan(0);
  });
});
