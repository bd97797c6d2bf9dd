// Generates the benchmark log from real lines: every etcdN.log under fixtures/real/{capnslog,zap}
// is a template pool. Lines that hold a rule literal (or are warn and above) are failure lines;
// lines about the cluster's life (raft, membership, leaders, startup identity) are lifecycle
// lines, which a long-running member prints now and then; the rest are routine. Output: `docker compose logs` of a 3-node cluster (`etcdN_1  | <line>`) that
// ran etcd 3.4 with capnslog for the first half of the lines and zap JSON for the second;
// member and cluster IDs are rewritten to one cluster's, timestamps rise monotonically.
import { closeSync, existsSync, openSync, readdirSync, readFileSync, renameSync, writeSync } from 'node:fs';
import path from 'node:path';

export const BENCH_IDS = ['8e9e05c52164694d', '91bc3c398fb3c146', 'fd422379fda50e48'];
export const BENCH_CLUSTER = 'cdf818194e3a8c32';

/** mulberry32: small, fast, good enough for picking templates reproducibly. */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CAPNS_TS = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}/;
const RAFT_TS = /^raft\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}/;
const ZAP_TS = /"ts":"[^"]*"/;

function idsOf(text) {
  const m = /(?:starting|restarting) member ([0-9a-f]{1,16}) in cluster ([0-9a-f]{1,16})/.exec(text);
  if (m) return { member: m[1], cluster: m[2] };
  const id = /"msg":"(?:starting|restarting) local member","local-member-id":"([0-9a-f]{1,16})","cluster-id":"([0-9a-f]{1,16})"/.exec(text);
  if (id) return { member: id[1], cluster: id[2] };
  return null;
}

/** The template pools of one format: {routine: [{node, text}], failureKinds: [[{node, text}]]}. */
export function loadTemplates(root, format, literals) {
  const routine = [];
  const lifecycle = [];
  const failures = new Map();
  const base = path.join(root, 'fixtures/real', format);
  for (const scenario of readdirSync(base).sort()) {
    const dir = path.join(base, scenario);
    const files = [1, 2, 3].map((n) => path.join(dir, `etcd${n}.log`));
    if (!files.every((f) => existsSync(f))) continue;
    const texts = files.map((f) => readFileSync(f, 'utf8'));
    const swaps = [];
    texts.forEach((t, i) => {
      const ids = idsOf(t);
      if (ids) swaps.push([ids.member, BENCH_IDS[i]], [ids.cluster, BENCH_CLUSTER]);
    });
    texts.forEach((t, i) => {
      for (let line of t.split('\n')) {
        if (!(CAPNS_TS.test(line) || RAFT_TS.test(line) || (line.startsWith('{') && ZAP_TS.test(line)))) continue;
        for (const [from, to] of swaps) line = line.split(from).join(to);
        const failure = literals.some((l) => line.includes(l)) || / [WEC] \| /.test(line.slice(0, 40)) || /^raft\S+ \S+ (WARN|ERROR|PANIC|FATAL)/.test(line) || /"level":"(warn|error|dpanic|panic|fatal)"/.test(line);
        const entry = { node: i, text: line };
        if (!failure) {
          (LIFECYCLE.test(line) ? lifecycle : routine).push(entry);
          continue;
        }
        const kind = line.replace(/^.*?"msg":"([^"]*)".*$/, '$1').replace(/^\S+ \S+ [A-Z] \| /, '').replace(/[0-9a-f]{8,16}|\d+/g, '#').slice(0, 60);
        if (!failures.has(kind)) failures.set(kind, []);
        failures.get(kind).push(entry);
      }
    });
  }
  return { routine, lifecycle, failureKinds: [...failures.values()] };
}

const LIFECYCLE = /raft|member|leader|term|cluster-id|initial-cluster|[Vv]ersion|published|established|became|starting an etcd server|name = |data.dir|advertise/;

const pad = (n, w = 2) => String(n).padStart(w, '0');

function stamp(line, ms) {
  const d = new Date(ms);
  const Y = d.getUTCFullYear(), M = pad(d.getUTCMonth() + 1), D = pad(d.getUTCDate());
  const h = pad(d.getUTCHours()), m = pad(d.getUTCMinutes()), s = pad(d.getUTCSeconds());
  const us = pad(d.getUTCMilliseconds(), 3) + pad(Math.floor((ms * 1000) % 1000), 3);
  if (line.startsWith('{')) return line.replace(ZAP_TS, `"ts":"${Y}-${M}-${D}T${h}:${m}:${s}.${pad(d.getUTCMilliseconds(), 3)}Z"`);
  if (line.startsWith('raft')) return line.replace(RAFT_TS, `raft${Y}/${M}/${D} ${h}:${m}:${s}`);
  return line.replace(CAPNS_TS, `${Y}-${M}-${D} ${h}:${m}:${s}.${us}`);
}

/**
 * Write about `bytes` bytes of log to `file` (through a temp file, so a half-written file is never
 * reused). `failureShare` of the lines are failure lines, `lifecycleShare` lifecycle lines. Returns {lines, bytes, failures}.
 */
export function generateLog(root, file, { bytes, seed, literals, failureShare = 0.01, lifecycleShare = 0.02, prefix = true, node = null, maxLines = Infinity }) {
  const pools = { capnslog: loadTemplates(root, 'capnslog', literals), zap: loadTemplates(root, 'zap', literals) };
  const rand = rng(seed);
  const pick = (arr) => arr[Math.floor(rand() * arr.length)];
  const tmp = file + '.partial';
  const fd = openSync(tmp, 'w');
  let written = 0;
  let lines = 0;
  let failures = 0;
  let ms = Date.UTC(2026, 10, 1, 0, 0, 0);
  let buf = '';
  // capnslog for the first half of the bytes, zap after the "upgrade"
  while (written < bytes && lines < maxLines) {
    const firstHalf = Number.isFinite(bytes) ? written < bytes / 2 : lines < maxLines / 2;
    const pool = firstHalf ? pools.capnslog : pools.zap;
    let entry;
    const r = rand();
    if (r < failureShare) {
      entry = pick(pick(pool.failureKinds));
      failures++;
    } else if (r < failureShare + lifecycleShare) {
      entry = pick(pool.lifecycle);
    } else {
      entry = pick(pool.routine);
    }
    if (node !== null && entry.node !== node) continue;
    ms += Math.floor(rand() * 400);
    const text = stamp(entry.text, ms + rand());
    const line = (prefix ? `etcd${entry.node + 1}_1  | ` : '') + text + '\n';
    buf += line;
    lines++;
    if (buf.length > 1 << 20) {
      written += writeSync(fd, buf);
      buf = '';
    }
  }
  if (buf.length > 0) written += writeSync(fd, buf);
  closeSync(fd);
  renameSync(tmp, file);
  return { lines, bytes: written, failures };
}
