// Connects to the Docker engine named by --docker-host, DOCKER_HOST or the default socket, and
// says in one line what is wrong when it cannot.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Docker from 'dockerode';
import { UsageError } from '../errors.js';

export interface DockerEndpoint {
  /** How messages name the engine: unix:///var/run/docker.sock, tcp://127.0.0.1:2375. */
  display: string;
  /** The socket path, for unix endpoints. */
  socketPath?: string;
  options: Docker.DockerOptions;
}

const DEFAULT_SOCKET = '/var/run/docker.sock';
const PING_TIMEOUT_MS = 5000;
/** A request that got no response headers in this long is given up (a hung engine). */
const CONNECT_TIMEOUT_MS = 15_000;

function defaultSocket(env: Record<string, string | undefined>): string {
  // Docker Desktop's per-user socket, as docker-modem and the docker CLI look for it.
  const home = env.HOME;
  if (home) {
    const user = path.join(home, '.docker', 'run', 'docker.sock');
    if (existsSync(user)) return user;
  }
  return DEFAULT_SOCKET;
}

/**
 * Where to find the engine: `host` (--docker-host), else DOCKER_HOST, else the default socket.
 * Accepts unix://PATH, a plain socket path, tcp://HOST:PORT, http(s)://HOST:PORT and HOST:PORT.
 * Every connection option is set explicitly so that docker-modem's own look at process.env
 * cannot override the choice.
 */
export function resolveDockerEndpoint(host: string | undefined, env: Record<string, string | undefined>): DockerEndpoint {
  const spec = (host ?? env.DOCKER_HOST ?? '').trim();
  const unset = { host: undefined, port: undefined, protocol: undefined, socketPath: undefined, ca: undefined, cert: undefined, key: undefined, timeout: undefined };
  const viaSocket = (p: string): DockerEndpoint => ({
    display: `unix://${p}`,
    socketPath: p,
    options: { ...unset, socketPath: p, connectionTimeout: CONNECT_TIMEOUT_MS } as Docker.DockerOptions,
  });
  const what = host !== undefined ? '--docker-host' : 'DOCKER_HOST';
  if (spec === '') return viaSocket(defaultSocket(env));
  if (spec.startsWith('unix://')) return viaSocket(spec.slice('unix://'.length) || defaultSocket(env));
  if (spec.startsWith('/') || spec.startsWith('.')) return viaSocket(path.resolve(spec));
  if (spec.startsWith('ssh://')) {
    throw new UsageError(
      `${what} ${spec}: ssh:// is not supported; forward the socket (ssh -nNT -L /tmp/docker.sock:/var/run/docker.sock HOST) and use --docker-host unix:///tmp/docker.sock`,
    );
  }
  if (spec.startsWith('npipe://')) throw new UsageError(`${what} ${spec}: named pipes are Windows only`);

  let url: URL;
  try {
    url = new URL(spec.includes('://') ? spec : `tcp://${spec}`);
  } catch {
    throw new UsageError(`${what} "${spec}": expected unix:///path/to/docker.sock, tcp://HOST:PORT or a socket path`);
  }
  if (!['tcp:', 'http:', 'https:'].includes(url.protocol) || url.hostname === '') {
    throw new UsageError(`${what} "${spec}": expected unix:///path/to/docker.sock, tcp://HOST:PORT or a socket path`);
  }
  const tlsVerify = env.DOCKER_TLS_VERIFY !== undefined && env.DOCKER_TLS_VERIFY !== '' && env.DOCKER_TLS_VERIFY !== '0';
  const https = url.protocol === 'https:' || tlsVerify || (url.protocol === 'tcp:' && url.port === '2376');
  const port = url.port || (https ? '2376' : '2375');
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const options: Docker.DockerOptions = {
    ...unset,
    host: hostname,
    port,
    protocol: https ? 'https' : 'http',
    connectionTimeout: CONNECT_TIMEOUT_MS,
  } as Docker.DockerOptions;
  if (https) {
    const certDir = env.DOCKER_CERT_PATH || (env.HOME ? path.join(env.HOME, '.docker') : '');
    try {
      options.ca = readFileSync(path.join(certDir, 'ca.pem'));
      options.cert = readFileSync(path.join(certDir, 'cert.pem'));
      options.key = readFileSync(path.join(certDir, 'key.pem'));
    } catch {
      if (tlsVerify) {
        throw new UsageError(`${what} ${spec}: TLS wanted (DOCKER_TLS_VERIFY) but ca.pem, cert.pem and key.pem are not all in ${certDir || 'DOCKER_CERT_PATH'}`);
      }
    }
  }
  return { display: `${https ? 'https' : 'tcp'}://${url.host}${url.port ? '' : ':' + port}`, options };
}

export function createDockerClient(endpoint: DockerEndpoint): Docker {
  return new Docker(endpoint.options);
}

const CHECK = 'is dockerd running? is DOCKER_HOST (or --docker-host) right?';

/** One line on why the engine at `endpoint` cannot be used, from a connection or HTTP error. */
export function describeEngineError(err: unknown, endpoint: DockerEndpoint): string {
  const e = err as NodeJS.ErrnoException & { statusCode?: number; reason?: string; json?: { message?: string } };
  const where = endpoint.display;
  switch (e?.code) {
    case 'ENOENT':
      return `cannot reach the Docker engine: no socket at ${endpoint.socketPath ?? where}; ${CHECK}`;
    case 'ECONNREFUSED':
      return `cannot reach the Docker engine at ${where}: connection refused; ${CHECK}`;
    case 'EACCES':
    case 'EPERM':
      return `permission denied on ${endpoint.socketPath ?? where}: add your user to the docker group (then log in again) or run with sudo`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot reach the Docker engine at ${where}: unknown host; is DOCKER_HOST (or --docker-host) right?`;
    case 'ETIMEDOUT':
    case 'ECONNRESET':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `cannot reach the Docker engine at ${where}: ${e.code}; ${CHECK}`;
    case 'ENOTSOCK':
      return `${endpoint.socketPath ?? where} is not a socket; is DOCKER_HOST (or --docker-host) right?`;
    case 'ABORT_ERR':
      return `no answer from the Docker engine at ${where} within ${PING_TIMEOUT_MS / 1000}s; ${CHECK}`;
    default:
      break;
  }
  if (e?.name === 'AbortError' || e?.name === 'TimeoutError') {
    return `no answer from the Docker engine at ${where} within ${PING_TIMEOUT_MS / 1000}s; ${CHECK}`;
  }
  if (/self.signed|certificate|SSL|TLS/i.test(String(e?.message ?? ''))) {
    return `TLS failed talking to ${where}: ${firstLine(e.message)}; check DOCKER_CERT_PATH and DOCKER_TLS_VERIFY`;
  }
  if (typeof e?.statusCode === 'number') {
    return `${where} answered HTTP ${e.statusCode} (${engineMessage(err)}); is it a Docker engine?`;
  }
  return `cannot reach the Docker engine at ${where}: ${firstLine(String(e?.message ?? err))}; ${CHECK}`;
}

/** Ping the engine, bounded in time; null when it answers, else the one-line reason. */
export async function checkEngine(docker: Docker, endpoint: DockerEndpoint): Promise<string | null> {
  try {
    // The types miss ping's options argument, which dockerode 4 takes (abortSignal).
    await (docker.ping as unknown as (o: { abortSignal: AbortSignal }) => Promise<unknown>).call(docker, {
      abortSignal: AbortSignal.timeout(PING_TIMEOUT_MS),
    });
    return null;
  } catch (err) {
    return describeEngineError(err, endpoint);
  }
}

/** The engine's own message from a dockerode HTTP error, without dockerode's "(HTTP code 404) ..." wrapping. */
export function engineMessage(err: unknown): string {
  const e = err as { json?: { message?: string } | string | null; reason?: string; message?: string };
  if (e?.json && typeof e.json === 'object' && typeof e.json.message === 'string') return firstLine(e.json.message);
  if (typeof e?.json === 'string' && e.json.trim() !== '') return firstLine(e.json);
  if (e?.reason) return e.reason;
  return firstLine(String(e?.message ?? err));
}

export function firstLine(s: string): string {
  return (s.split('\n').find((l) => l.trim() !== '') ?? '').trim();
}
