// etcd's start-up configuration read from a container's command line and ETCD_* environment,
// the way etcd itself reads them: `--name x`, `--name=x`, `-name x`, `-name=x`; a flag wins
// over its ETCD_* variable; `sh -c "etcd ..."` is looked into.
import type { EtcdConfig, EtcdConfigKey } from '../../model/container.js';

/** etcd flag name -> our field. Each flag's variable is ETCD_ + upper-cased, dashes to underscores. */
const FLAGS: Record<string, EtcdConfigKey> = {
  name: 'name',
  'data-dir': 'dataDir',
  'initial-cluster': 'initialCluster',
  'initial-cluster-state': 'initialClusterState',
  'initial-cluster-token': 'initialClusterToken',
  'initial-advertise-peer-urls': 'initialAdvertisePeerUrls',
  'advertise-client-urls': 'advertiseClientUrls',
  'listen-peer-urls': 'listenPeerUrls',
  'listen-client-urls': 'listenClientUrls',
  logger: 'logger',
  'log-outputs': 'logOutputs',
  'config-file': 'configFile',
  'force-new-cluster': 'forceNewCluster',
  'cert-file': 'certFile',
  'key-file': 'keyFile',
  'trusted-ca-file': 'trustedCaFile',
};

/** etcd's boolean flags: `--force-new-cluster` alone means true and never takes the next word. */
const BOOL_FLAGS = new Set([
  'force-new-cluster', 'enable-v2', 'strict-reconfig-check', 'enable-pprof', 'debug', 'auto-tls', 'peer-auto-tls',
  'client-cert-auth', 'peer-client-cert-auth', 'enable-grpc-gateway', 'version', 'help', 'h', 'auth-token-ttl-disabled',
  'experimental-initial-corrupt-check', 'experimental-enable-v2v3', 'experimental-enable-lease-checkpoint',
  'experimental-memory-mlock', 'unsafe-no-fsync', 'log-rotate', 'experimental-enable-distributed-tracing',
  'enable-log-rotation', 'socket-reuse-port', 'socket-reuse-address', 'experimental-enable-lease-checkpoint-persist',
]);

const SECRET_NAME_RE = /PASSWORD|PASSWD|SECRET|CREDENTIAL|PRIVATE_KEY$|TOKEN_KEY/i;
const SECRET_FLAG_RE = /password|passwd|secret|credential/i;
export const REDACTED = '<redacted>';

export const EMPTY_ETCD_CONFIG: EtcdConfig = {
  name: null,
  dataDir: null,
  initialCluster: null,
  initialClusterState: null,
  initialClusterToken: null,
  initialAdvertisePeerUrls: null,
  advertiseClientUrls: null,
  listenPeerUrls: null,
  listenClientUrls: null,
  logger: null,
  logOutputs: null,
  configFile: null,
  forceNewCluster: null,
  certFile: null,
  keyFile: null,
  trustedCaFile: null,
};

export function envNameOfFlag(flag: string): string {
  return 'ETCD_' + flag.toUpperCase().replace(/-/g, '_');
}

/** Split a shell command string into words: quotes and backslashes, no expansion. */
export function splitShellWords(script: string): string[] {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < script.length; i++) {
    const c = script[i]!;
    if (quote === "'") {
      if (c === "'") quote = null;
      else cur += c;
      continue;
    }
    if (quote === '"') {
      if (c === '"') quote = null;
      else if (c === '\\' && i + 1 < script.length && '"\\$`'.includes(script[i + 1]!)) cur += script[++i];
      else cur += c;
      continue;
    }
    if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < script.length) {
      if (script[i + 1] !== '\n') cur += script[i + 1];
      i++;
      inWord = true;
    } else if (/\s/.test(c) || c === ';' || c === '&' || c === '|') {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
      // A command separator: mark it so that flags after it are not read as etcd's.
      if (c === ';' || c === '&' || c === '|') words.push(c);
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (inWord) words.push(cur);
  return words;
}

const SHELLS = /(^|\/)(sh|bash|ash|dash|zsh)$/;

/**
 * The words etcd was started with, from docker's Path and Args: the words after `etcd` (or
 * all of them when etcd is not named), looking into `sh -c "..."` and `exec etcd ...`.
 */
export function etcdArgs(path: string, args: string[]): string[] {
  let words = [path, ...args];
  if (SHELLS.test(path)) {
    const c = args.indexOf('-c');
    if (c >= 0 && args[c + 1] !== undefined) words = splitShellWords(args[c + 1]!);
  }
  const at = words.findIndex((w) => /(^|\/)etcd$/.test(w));
  if (at < 0) return words.slice(1);
  const out: string[] = [];
  for (const w of words.slice(at + 1)) {
    if (w === ';' || w === '&' || w === '|') break;
    out.push(w);
  }
  return out;
}

/** Flag name -> value from etcd's words (Go's flag syntax: one or two dashes, `=` or next word). */
export function parseEtcdFlags(words: string[]): Map<string, string> {
  const flags = new Map<string, string>();
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w === '--' ) break;
    const m = /^--?([A-Za-z0-9][A-Za-z0-9._-]*)(?:=(.*))?$/s.exec(w);
    if (!m) continue;
    const name = m[1]!;
    if (m[2] !== undefined) {
      flags.set(name, m[2]);
    } else if (BOOL_FLAGS.has(name)) {
      flags.set(name, 'true');
    } else if (i + 1 < words.length && !/^--?[A-Za-z]/.test(words[i + 1]!)) {
      flags.set(name, words[++i]!);
    } else {
      flags.set(name, 'true');
    }
  }
  return flags;
}

/** `KEY=VALUE` list -> the ETCD_* and ALLOW_NONE_AUTHENTICATION entries, secrets redacted. */
export function pickEtcdEnv(env: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of env) {
    const eq = kv.indexOf('=');
    if (eq <= 0) continue;
    const key = kv.slice(0, eq);
    if (!key.startsWith('ETCD_') && key !== 'ALLOW_NONE_AUTHENTICATION') continue;
    out[key] = SECRET_NAME_RE.test(key) ? REDACTED : kv.slice(eq + 1);
  }
  return out;
}

/** Command words with the values of password-like flags redacted. */
export function redactArgs(args: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const w = args[i]!;
    const m = /^(--?[A-Za-z0-9._-]+)=(.*)$/s.exec(w);
    if (m && SECRET_FLAG_RE.test(m[1]!)) {
      out.push(`${m[1]}=${REDACTED}`);
    } else if (/^--?[A-Za-z]/.test(w) && SECRET_FLAG_RE.test(w) && i + 1 < args.length) {
      out.push(w, REDACTED);
      i++;
    } else {
      out.push(w);
    }
  }
  return out;
}

export interface ParsedEtcdConfig {
  config: EtcdConfig;
  from: Partial<Record<EtcdConfigKey, 'flag' | 'env'>>;
  style: 'env' | 'flags' | 'mixed' | 'none';
}

/** Read etcd's configuration from its command words and environment; flags win, as in etcd. */
export function parseEtcdConfig(path: string, args: string[], env: Record<string, string>): ParsedEtcdConfig {
  const flags = parseEtcdFlags(etcdArgs(path, args));
  const config: EtcdConfig = { ...EMPTY_ETCD_CONFIG };
  const from: ParsedEtcdConfig['from'] = {};
  for (const [flag, key] of Object.entries(FLAGS)) {
    const f = flags.get(flag);
    if (f !== undefined) {
      config[key] = f;
      from[key] = 'flag';
      continue;
    }
    const e = env[envNameOfFlag(flag)];
    if (e !== undefined) {
      config[key] = e;
      from[key] = 'env';
    }
  }
  const anyFlag = [...flags.keys()].length > 0;
  const anyEnv = Object.keys(env).some((k) => k.startsWith('ETCD_'));
  const style = anyFlag && anyEnv ? 'mixed' : anyFlag ? 'flags' : anyEnv ? 'env' : 'none';
  return { config, from, style };
}

/** The data dir etcd uses: --data-dir, else `<name>.etcd` (name defaults to "default") in the working dir. */
export function effectiveDataDir(config: EtcdConfig, workingDir: string | undefined): string {
  const dir = config.dataDir ?? `${config.name ?? 'default'}.etcd`;
  if (dir.startsWith('/')) return normalisePath(dir);
  const base = workingDir && workingDir !== '' ? workingDir : '/';
  return normalisePath(`${base}/${dir}`);
}

function normalisePath(p: string): string {
  const parts: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') parts.pop();
    else parts.push(seg);
  }
  return '/' + parts.join('/');
}

/** The mount whose destination holds `dir` (the deepest one when mounts nest). */
export function mountHolding<T extends { destination: string }>(dir: string, mounts: T[]): T | null {
  let best: T | null = null;
  for (const m of mounts) {
    const dest = normalisePath(m.destination);
    if (dir === dest || dir.startsWith(dest === '/' ? '/' : dest + '/')) {
      if (!best || dest.length > normalisePath(best.destination).length) best = m;
    }
  }
  return best;
}
