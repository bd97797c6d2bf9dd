// Running etcd containers as line sources: their logs through the Docker Engine API, their
// inspected configuration, and etcdctl output captured inside them.
import type Docker from 'dockerode';
import type { ContainerInfo } from '../../model/container.js';
import type { LineSource } from '../source.js';
import { checkEngine, createDockerClient, describeEngineError, engineMessage, resolveDockerEndpoint } from './client.js';
import { captureEtcdctl } from './etcdctl-capture.js';
import { containerInfoFromInspect, etcdctlEnv, jsonFileLogOf } from './inspect.js';
import type { JsonFileLogConfig } from './json-file.js';
import { DockerLogSource } from './log-source.js';
import { parseLogWindow } from './log-window.js';

export { containerInfoFromInspect, containersFromInspectJson, etcdctlEndpoint } from './inspect.js';
export { DockerLogSource, splitDockerStamp } from './log-source.js';
export { parseLogWindow, toDockerTimestamp } from './log-window.js';
export { resolveDockerEndpoint } from './client.js';

export interface DockerSourceOptions {
  /** --docker-host: unix:///var/run/docker.sock, tcp://127.0.0.1:2375, or a plain socket path; else DOCKER_HOST, else the default socket. */
  host?: string;
  /** --docker NAME|ID ... */
  containers: string[];
  /** --compose PROJECT: every container labelled com.docker.compose.project=PROJECT, running or not. */
  compose?: string;
  /** As docker logs: RFC 3339, unix seconds, or a duration before now (10m, 2h). */
  since?: string;
  until?: string;
  /** A number of lines from the end, or "all". */
  tail?: string;
  /** Default true: run etcdctl in running containers. */
  execEtcdctl?: boolean;
  /** Per etcdctl command; default 10000. */
  execTimeoutMs?: number;
  /** --follow: keep the log streams open for new lines. */
  follow?: boolean;
  /** Closes the log streams (Ctrl-C while following). */
  abortSignal?: AbortSignal;
}

export interface DockerSources {
  /** Per container: its log (docker:NAME), then its etcdctl outputs (docker:NAME:member-list ...). */
  sources: LineSource[];
  containers: ContainerInfo[];
  /**
   * Inputs that could not be read, one clear line each (the engine, a missing container); the
   * others are still returned. etcdctl failing inside a container is a warning on its log source.
   */
  errors: { input: string; message: string }[];
}

const INSPECT_TIMEOUT_MS = 15_000;
const COMPOSE_PROJECT = 'com.docker.compose.project';

/**
 * Find the containers, inspect them, prepare their log sources and capture etcdctl output.
 * Throws only UsageError (a bad --since, --tail or --docker-host); everything that goes wrong
 * with the engine or a container is returned in `errors`.
 */
export async function openDockerSources(opts: DockerSourceOptions, env: Record<string, string | undefined>): Promise<DockerSources> {
  const window = parseLogWindow(opts);
  const endpoint = resolveDockerEndpoint(opts.host, env);
  const out: DockerSources = { sources: [], containers: [], errors: [] };
  const docker = createDockerClient(endpoint);

  const down = await checkEngine(docker, endpoint);
  if (down !== null) {
    out.errors.push({ input: 'docker', message: down });
    return out;
  }

  // Names in the order given, then the compose project's, without repeats.
  const wanted: { ref: string; input: string }[] = opts.containers.map((c) => ({ ref: c, input: `docker:${c}` }));
  if (opts.compose !== undefined) {
    try {
      const listed = await docker.listContainers({
        all: true,
        filters: JSON.stringify({ label: [`${COMPOSE_PROJECT}=${opts.compose}`] }),
        abortSignal: AbortSignal.timeout(INSPECT_TIMEOUT_MS),
      } as Docker.ContainerListOptions);
      if (listed.length === 0) {
        out.errors.push({
          input: `compose:${opts.compose}`,
          message: `no containers labelled ${COMPOSE_PROJECT}=${opts.compose} (docker compose ls -a lists the projects)`,
        });
      }
      listed.sort((a, b) => composeOrder(a).localeCompare(composeOrder(b), 'en', { numeric: true }));
      for (const c of listed) wanted.push({ ref: c.Id, input: `docker:${(c.Names[0] ?? c.Id).replace(/^\//, '')}` });
    } catch (err) {
      out.errors.push({ input: `compose:${opts.compose}`, message: `could not list containers: ${describeEngineError(err, endpoint)}` });
    }
  }

  const inspected = await Promise.all(
    wanted.map(async (w) => {
      try {
        return { w, data: await docker.getContainer(w.ref).inspect({ abortSignal: AbortSignal.timeout(INSPECT_TIMEOUT_MS) }) };
      } catch (err) {
        const status = (err as { statusCode?: number }).statusCode;
        return { w, error: status === 404 ? 'no such container' : status ? engineMessage(err) : describeEngineError(err, endpoint) };
      }
    }),
  );

  // ETCDDOCTOR_DOCKER_LOGS=api: always read logs through the Engine API, never the json-file
  // driver's files directly (for an engine whose files this machine sees but should not read, or
  // to compare the two ways). Files are read only from an engine on a local socket: a tcp://
  // engine's LogPath is a path on another machine.
  const directFiles = !opts.follow && endpoint.socketPath !== undefined && (env.ETCDDOCTOR_DOCKER_LOGS ?? '').trim().toLowerCase() !== 'api';

  const seen = new Set<string>();
  const picked: { info: ContainerInfo; env: string[]; jsonFile: JsonFileLogConfig | null }[] = [];
  for (const r of inspected) {
    if (r.error !== undefined || !r.data) {
      out.errors.push({ input: r.w.input, message: r.error ?? 'no such container' });
      continue;
    }
    if (seen.has(r.data.Id)) continue;
    seen.add(r.data.Id);
    picked.push({ info: containerInfoFromInspect(r.data), env: r.data.Config?.Env ?? [], jsonFile: directFiles ? jsonFileLogOf(r.data) : null });
  }

  const execOn = opts.execEtcdctl ?? true;
  const timeoutMs = opts.execTimeoutMs ?? 10_000;
  const captures = await Promise.all(
    picked.map(async ({ info, env: cenv }) => {
      if (!execOn) {
        info.etcdctl = 'disabled';
        return null;
      }
      if (info.state !== 'running') {
        info.etcdctl = 'not-running';
        info.etcdctlNote = `container is ${info.state}: no etcdctl output`;
        return null;
      }
      const r = await captureEtcdctl(docker, info.name, info.id, info.image, etcdctlEnv(info, cenv), timeoutMs);
      info.etcdctl = r.status;
      info.etcdctlNote = r.note;
      return r;
    }),
  );

  picked.forEach(({ info, jsonFile }, i) => {
    const log = new DockerLogSource(docker, info, { ...window, follow: opts.follow ?? false, abortSignal: opts.abortSignal, jsonFile });
    const cap = captures[i];
    if (cap && cap.status === 'not-in-image' && cap.note) log.warnings.push(cap.note);
    out.containers.push(info);
    out.sources.push(log);
    if (cap) {
      out.sources.push(...cap.sources);
      // etcdctl failing inside a broken member is what a broken member does: it is said on the
      // container's input as a warning, not counted as an input that could not be read.
      for (const e of cap.errors) log.warnings.push(`etcdctl ${e.input.slice(e.input.lastIndexOf(':') + 1)}: ${e.message}`);
    }
  });
  return out;
}

function composeOrder(c: Docker.ContainerInfo): string {
  const l = c.Labels ?? {};
  return `${l['com.docker.compose.service'] ?? ''}\u0000${l['com.docker.compose.container-number'] ?? ''}\u0000${c.Names[0] ?? ''}`;
}
