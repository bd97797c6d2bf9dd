// `docker inspect` output -> ContainerInfo: state, mounts, compose labels and etcd's
// configuration, with every environment variable but ETCD_* left behind (they hold secrets).
import type Docker from 'dockerode';
import type { ComposeLabels, ContainerInfo, ContainerState, Mount } from '../../model/container.js';
import { CONTAINER_STATES } from '../../model/container-values.js';
import type { JsonFileLogConfig } from './json-file.js';
import { effectiveDataDir, mountHolding, parseEtcdConfig, pickEtcdEnv, redactArgs } from './etcd-config.js';

const ZERO_TIME = /^0001-01-01T00:00:00/;

function timeOrNull(t: string | undefined): string | null {
  return !t || ZERO_TIME.test(t) ? null : t;
}

function composeLabels(labels: Record<string, string>): ComposeLabels | null {
  const project = labels['com.docker.compose.project'];
  if (project === undefined) return null;
  return {
    project,
    service: labels['com.docker.compose.service'] ?? null,
    containerNumber: labels['com.docker.compose.container-number'] ?? null,
    workingDir: labels['com.docker.compose.project.working_dir'] ?? null,
    configFiles: labels['com.docker.compose.project.config_files'] ?? null,
  };
}

/** The parts of the inspect JSON we read; everything optional, as engines of different ages differ. */
export type InspectData = Partial<Docker.ContainerInspectInfo>;

/** Build ContainerInfo from inspect data. Never throws on odd or missing fields. */
export function containerInfoFromInspect(data: InspectData): ContainerInfo {
  const config = data.Config ?? ({} as Partial<Docker.ContainerInspectInfo['Config']>);
  const state = data.State ?? ({} as Partial<Docker.ContainerInspectInfo['State']>);
  const host = data.HostConfig ?? ({} as Partial<Docker.HostConfig>);
  const labels = config.Labels ?? {};
  const env = config.Env ?? [];
  const etcdEnv = pickEtcdEnv(env);
  const path = data.Path ?? '';
  const args = data.Args ?? [];
  const parsed = parseEtcdConfig(path, args, etcdEnv);

  const mounts: Mount[] = (data.Mounts ?? []).map((m) => ({
    type: m.Type ?? 'unknown',
    name: m.Name ?? null,
    source: m.Source || null,
    destination: m.Destination,
    rw: m.RW ?? true,
  }));
  const dataDir = effectiveDataDir(parsed.config, config.WorkingDir);

  const image = config.Image ?? data.Image ?? '';
  const bitnami =
    /bitnami/i.test(image) ||
    env.some((kv) => kv.startsWith('ALLOW_NONE_AUTHENTICATION=') || kv.startsWith('BITNAMI_'));
  const compose = composeLabels(labels);

  const rawState = (state.Status ?? '').toLowerCase();
  const st: ContainerState = (CONTAINER_STATES as readonly string[]).includes(rawState)
    ? (rawState as ContainerState)
    : state.Running
      ? 'running'
      : 'exited';
  const hasRun = timeOrNull(state.StartedAt) !== null;

  return {
    name: (data.Name ?? '').replace(/^\//, ''),
    id: (data.Id ?? '').slice(0, 12),
    image,
    state: st,
    // The engine says 0 for a container that is still running or never ran: not an exit.
    exitCode: st === 'running' || st === 'paused' || (!hasRun && !state.ExitCode) ? null : (state.ExitCode ?? null),
    error: state.Error ? state.Error : null,
    restartCount: data.RestartCount ?? 0,
    oomKilled: state.OOMKilled ?? false,
    startedAt: timeOrNull(state.StartedAt),
    finishedAt: timeOrNull(state.FinishedAt),
    health: (state as { Health?: { Status?: string } }).Health?.Status ?? null,
    restartPolicy: {
      name: host.RestartPolicy?.Name || 'no',
      maximumRetryCount: host.RestartPolicy?.MaximumRetryCount ?? 0,
    },
    networkMode: host.NetworkMode ?? null,
    tty: config.Tty ?? false,
    logDriver: host.LogConfig?.Type ?? null,
    compose,
    mounts,
    command: { path, args: redactArgs(args) },
    env: etcdEnv,
    etcd: parsed.config,
    etcdFrom: parsed.from,
    effectiveDataDir: dataDir,
    dataDirMount: mountHolding(dataDir, mounts),
    deployment: compose ? 'compose' : bitnami ? 'bitnami' : 'docker-run',
    bitnami,
    configStyle: parsed.style,
    etcdctl: 'not-running',
    etcdctlNote: null,
  };
}

/**
 * Where the json-file logging driver keeps the container's log (LogPath, and max-file with the
 * daemon's defaults merged in, as the engine stores them at create time); null for any other
 * driver or an odd max-file. Kept out of ContainerInfo: it is how to read, not what to report.
 */
export function jsonFileLogOf(data: InspectData): JsonFileLogConfig | null {
  const lc = data.HostConfig?.LogConfig as { Type?: string; Config?: Record<string, unknown> } | undefined;
  if (lc?.Type !== 'json-file' || typeof data.LogPath !== 'string' || data.LogPath === '' || typeof data.Id !== 'string') return null;
  const raw = lc.Config?.['max-file'];
  if (raw !== undefined && (typeof raw !== 'string' || !/^\d{1,4}$/.test(raw) || Number(raw) < 1)) return null;
  return { logPath: data.LogPath, containerId: data.Id, maxFiles: raw === undefined ? 1 : Number(raw) };
}

/** The URL etcdctl inside the container should talk to (its own member), and TLS settings. */
export function etcdctlEnv(info: ContainerInfo, containerEnv: string[]): string[] {
  const has = (k: string): boolean => containerEnv.some((kv) => kv.startsWith(k + '='));
  const out: string[] = [];
  if (!has('ETCDCTL_ENDPOINTS')) out.push(`ETCDCTL_ENDPOINTS=${etcdctlEndpoint(info)}`);
  const c = info.etcd;
  if (c.trustedCaFile && !has('ETCDCTL_CACERT')) out.push(`ETCDCTL_CACERT=${c.trustedCaFile}`);
  if (c.certFile && c.keyFile && !has('ETCDCTL_CERT') && !has('ETCDCTL_KEY')) {
    out.push(`ETCDCTL_CERT=${c.certFile}`, `ETCDCTL_KEY=${c.keyFile}`);
  }
  return out;
}

/** First advertised client URL; else a listen URL with a wildcard host made loopback; else the default. */
export function etcdctlEndpoint(info: ContainerInfo): string {
  const first = (list: string | null): string | undefined =>
    list
      ?.split(',')
      .map((s) => s.trim())
      .find((s) => s !== '');
  const adv = first(info.etcd.advertiseClientUrls);
  if (adv) return adv;
  const listen = first(info.etcd.listenClientUrls);
  if (listen) return listen.replace(/\/\/(0\.0\.0\.0|\[::\]|::)(?=[:/]|$)/, '//127.0.0.1');
  return 'http://127.0.0.1:2379';
}

/**
 * The JSON `docker inspect A B ...` prints (an array; one object is taken too) as ContainerInfo,
 * for rule examples and saved captures. Throws SyntaxError on text that is not JSON; entries
 * that are not objects are skipped.
 */
export function containersFromInspectJson(text: string): ContainerInfo[] {
  const parsed: unknown = JSON.parse(text);
  const list: unknown[] = Array.isArray(parsed) ? parsed : [parsed];
  return list.filter((x): x is InspectData => typeof x === 'object' && x !== null && !Array.isArray(x)).map(containerInfoFromInspect);
}
