// Real etcd clusters in Docker for the tests: is an engine there, bring a cluster up through
// scripts/docker/cluster.sh (the same clusters people try by hand), run single etcd containers
// of our own, wait for health or a log line, and remove only what a test made.
//
// Every container and volume made here carries the label dev.etcddoctor.cluster=<prefix>, so
// `cluster.sh down --prefix <prefix>` (which `removeCluster` runs) removes exactly those.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Docker from 'dockerode';

const run = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CLUSTER_SCRIPT = path.join(ROOT, 'scripts/docker/cluster.sh');
export const ETCD_IMAGE = process.env.ETCDDOCTOR_IMAGE ?? 'etcddoctor/etcd:3.4.23';
const OWNER_LABEL = 'dev.etcddoctor.cluster';

/** A client for the engine the tests use: DOCKER_HOST or the default socket, as the docker CLI. */
export function testDocker(): Docker {
  return new Docker();
}

/**
 * Null when an engine answers and has the etcd image; else why not, for a skip message.
 * Tests call this once at load time and `it.skipIf(reason !== null)`.
 */
export async function dockerUnavailableReason(): Promise<string | null> {
  const docker = testDocker();
  try {
    await (docker.ping as unknown as (o: { abortSignal: AbortSignal }) => Promise<unknown>).call(docker, {
      abortSignal: AbortSignal.timeout(5000),
    });
  } catch (err) {
    return `no Docker engine answers (${(err as Error).message.split('\n')[0]}); start one with scripts/docker/engine.sh start`;
  }
  try {
    await docker.getImage(ETCD_IMAGE).inspect();
  } catch {
    return `image ${ETCD_IMAGE} is missing; build it with scripts/docker/build-image.sh`;
  }
  return null;
}

export interface ClusterOptions {
  /** Container names are <prefix>1..3; also the compose project and the owner label. */
  prefix: string;
  /** Client port of node 1; see cluster.sh for the scheme (BASE..BASE+31). */
  basePort: number;
  format?: 'capnslog' | 'zap';
}

export interface TestCluster {
  prefix: string;
  basePort: number;
  nodes: string[];
  clientUrl(n: number): string;
}

async function clusterSh(args: string[], timeoutMs = 180_000): Promise<string> {
  try {
    const { stdout, stderr } = await run('bash', [CLUSTER_SCRIPT, ...args], { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 });
    return stdout + stderr;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`cluster.sh ${args.join(' ')} failed: ${e.message}\n${e.stderr ?? ''}${e.stdout ?? ''}`);
  }
}

/** A healthy 3-node cluster (leftovers of an earlier run with the same prefix are removed first). */
export async function startCluster(opts: ClusterOptions): Promise<TestCluster> {
  await removeCluster(opts.prefix);
  await clusterSh(['up', '--prefix', opts.prefix, '--base-port', String(opts.basePort), '--format', opts.format ?? 'capnslog']);
  return {
    prefix: opts.prefix,
    basePort: opts.basePort,
    nodes: [1, 2, 3].map((n) => `${opts.prefix}${n}`),
    clientUrl: (n) => `http://127.0.0.1:${opts.basePort + 10 * (n - 1)}`,
  };
}

/** Break a running cluster the way cluster.sh knows (cluster-id-mismatch, peer-stopped, ...). */
export async function breakCluster(prefix: string, scenario: string): Promise<string> {
  return clusterSh(['break', scenario, '--prefix', prefix]);
}

/** Remove every container and volume labelled as this prefix's (and nothing else). */
export async function removeCluster(prefix: string): Promise<void> {
  await clusterSh(['down', '--prefix', prefix], 120_000);
}

export interface EtcdContainerOptions {
  /** Owner label value: removeCluster(prefix) removes the container. */
  prefix: string;
  name: string;
  clientPort: number;
  peerPort: number;
  tty?: boolean;
  /** Extra KEY=VALUE environment. */
  env?: string[];
  /** The command; default a single-node etcd configured by flags in every syntax etcd accepts. */
  cmd?: string[];
  labels?: Record<string, string>;
  /** Start it (default) or only create it. */
  start?: boolean;
}

/** A single etcd container of our own, --network host on 127.0.0.1. Returns its ID. */
export async function runEtcdContainer(o: EtcdContainerOptions): Promise<string> {
  const docker = testDocker();
  const old = await docker
    .getContainer(o.name)
    .inspect()
    .catch(() => null);
  if (old) {
    if (old.Config.Labels?.[OWNER_LABEL] !== o.prefix) throw new Error(`container ${o.name} exists and is not ours (${OWNER_LABEL}=${o.prefix})`);
    await docker.getContainer(o.name).remove({ force: true, v: true });
  }
  const client = `http://127.0.0.1:${o.clientPort}`;
  const peer = `http://127.0.0.1:${o.peerPort}`;
  const cmd = o.cmd ?? [
    'etcd',
    '--name',
    o.name,
    `--data-dir=/tmp/${o.name}.etcd`,
    '-listen-client-urls',
    client,
    `-advertise-client-urls=${client}`,
    '--listen-peer-urls',
    peer,
    '--initial-advertise-peer-urls',
    peer,
    `--initial-cluster=${o.name}=${peer}`,
  ];
  const c = await docker.createContainer({
    name: o.name,
    Image: ETCD_IMAGE,
    Cmd: cmd,
    Env: o.env ?? [],
    Tty: o.tty ?? false,
    Labels: { [OWNER_LABEL]: o.prefix, ...(o.labels ?? {}) },
    HostConfig: { NetworkMode: 'host', RestartPolicy: { Name: 'no' } },
  });
  if (o.start ?? true) await c.start();
  return c.id;
}

/** Wait until `etcdctl endpoint health` inside the container succeeds. */
export async function waitHealthy(container: string, endpoint: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      await run('docker', ['exec', container, 'etcdctl', `--endpoints=${endpoint}`, '--dial-timeout=2s', '--command-timeout=3s', 'endpoint', 'health'], {
        timeout: 10_000,
      });
      return;
    } catch (err) {
      last = (err as { stderr?: string }).stderr ?? String(err);
    }
    await sleep(500);
  }
  throw new Error(`${container} not healthy after ${timeoutMs / 1000}s: ${last.trim().split('\n').pop()}`);
}

/** Wait until the container's log (stdout and stderr) has a line matching `re`. */
export async function waitForLog(container: string, re: RegExp, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { stdout, stderr } = await run('docker', ['logs', container], { maxBuffer: 64 * 1024 * 1024 });
    if (re.test(stdout) || re.test(stderr)) return;
    await sleep(500);
  }
  throw new Error(`${container}: no log line matching ${re} after ${timeoutMs / 1000}s`);
}

/** Wait until the container is no longer running (an etcd that exits on a bad start). */
export async function waitExited(container: string, timeoutMs = 30_000): Promise<void> {
  const docker = testDocker();
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const info = await docker.getContainer(container).inspect();
    if (!info.State.Running) return;
    await sleep(250);
  }
  throw new Error(`${container} still running after ${timeoutMs / 1000}s`);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
