// Throughput of LiteralScanner.scan (the quiet path's literal prefilter) over a log held in memory,
// in 1 MiB chunks ending at a newline as the reader hands them: median MB/s of 5 runs, for the
// previous Wu-Manber scanner (a copy below) and the current one, which must give the same hits.
//   npm run build && node scripts/bench/scan.mjs [file] [--runs 5]
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dist = (p) => import(path.join(root, 'dist', p));
const { loadRules } = await dist('rules/load.js');
const { compileRules } = await dist('rules/compile.js');
const { createEngine } = await dist('engine/index.js');
const { ClusterModelBuilder } = await dist('correlate/index.js');
const { LiteralScanner, quietTriggers } = await dist('engine/prefilter.js');
const { NODE_STATS_TRIGGERS } = await dist('pipeline/node-stats.js');

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args.splice(i, 2)[1] : dflt;
};
const runs = Number(opt('--runs', '5'));
const file = path.resolve(root, args[0] ?? '.tmp/bench/bench-s42-100mb.log');

/** The scanner before the split into two passes: one Wu-Manber scan, two-byte blocks, m = min(8, shortest). */
class OldLiteralScanner {
  constructor(literals) {
    const bytes = [...new Set(literals)].filter((l) => l.length > 0).map((l) => Buffer.from(l, 'utf8'));
    if (bytes.some((b) => b.length < 2)) throw new Error('LiteralScanner: literals must be at least 2 bytes');
    this.buckets = new Map();
    this.m = Math.min(8, ...bytes.map((b) => b.length));
    const m = this.m;
    this.shift = new Uint8Array(65536).fill(m - 1);
    for (const lit of bytes) {
      for (let j = 1; j < m; j++) {
        const block = (lit[j - 1] << 8) | lit[j];
        const s = m - 1 - j;
        if (s < this.shift[block]) this.shift[block] = s;
      }
      const last = (lit[m - 2] << 8) | lit[m - 1];
      let list = this.buckets.get(last);
      if (!list) this.buckets.set(last, (list = []));
      list.push(lit);
    }
  }

  scan(buf, start, end, out) {
    out.length = 0;
    const m = this.m;
    const shift = this.shift;
    let i = start + m - 1;
    while (i < end) {
      const s = shift[(buf[i - 1] << 8) | buf[i]];
      if (s > 0) {
        i += s;
        continue;
      }
      const at = i - m + 1;
      const list = this.buckets.get((buf[i - 1] << 8) | buf[i]);
      if (list !== undefined) {
        for (let k = 0; k < list.length; k++) {
          const lit = list[k];
          const n = lit.length;
          if (at + n > end) continue;
          let j = 0;
          while (j < n && buf[at + j] === lit[j]) j++;
          if (j === n) {
            out.push(at);
            break;
          }
        }
      }
      i++;
    }
  }
}

// the literals the analysis scans for (as in pipeline/analyze.ts and quiet-plan.ts)
const rules = compileRules((await loadRules()).map((r) => r.rule));
const literals = quietTriggers([
  createEngine(rules, {}).quietTriggers(),
  new ClusterModelBuilder().quietTriggers(),
  NODE_STATS_TRIGGERS,
  { literals: ['clientv3/', 'retry_interceptor.go'], fields: [] },
]);
if (literals === null) throw new Error('no literal prefilter for these rules');

const buf = readFileSync(file);
const chunks = [];
for (let at = 0; at < buf.length; ) {
  let end = Math.min(buf.length, at + (1 << 20));
  if (end < buf.length) end = buf.lastIndexOf(0x0a, end - 1) + 1 || end;
  chunks.push([at, end]);
  at = end;
}

/** One pass over the file: wall and CPU ms, and every chunk's hits. */
function run(scanner) {
  const out = [];
  const hits = [];
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  for (const [s, e] of chunks) {
    scanner.scan(buf, s, e, out);
    hits.push(out.slice());
  }
  const c = process.cpuUsage(c0);
  return { ms: performance.now() - t0, cpu: (c.user + c.system) / 1000, hits };
}

const mb = buf.length / 1e6;
const scanners = { old: new OldLiteralScanner(literals), new: new LiteralScanner(literals) };
const times = { old: [], new: [] };
// CPU time as well: on a shared machine the wall clock also counts time spent descheduled
const cpus = { old: [], new: [] };
const last = {};
// alternate old and new so both see the same machine load
for (let r = 0; r < runs; r++) {
  for (const name of ['old', 'new']) {
    const { ms, cpu, hits } = run(scanners[name]);
    times[name].push(ms);
    cpus[name].push(cpu);
    last[name] = hits;
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
console.log(`${path.relative(root, file)}: ${mb.toFixed(1)} MB, ${chunks.length} chunks, ${literals.length} literals`);
for (const name of ['old', 'new']) {
  const ms = median(times[name]);
  const cpu = median(cpus[name]);
  console.log(
    `${name}: median ${ms.toFixed(1)} ms, ${(mb / (ms / 1000)).toFixed(0)} MB/s wall; ${cpu.toFixed(1)} ms, ${(mb / (cpu / 1000)).toFixed(0)} MB/s CPU ` +
      `(wall runs: ${times[name].map((t) => t.toFixed(0)).join(' ')} ms)`,
  );
}
console.log(`speedup: ${(median(times.old) / median(times.new)).toFixed(2)}x wall, ${(median(cpus.old) / median(cpus.new)).toFixed(2)}x CPU`);
let diff = -1;
for (let c = 0; c < chunks.length && diff < 0; c++) {
  if (last.old[c].length !== last.new[c].length || last.old[c].some((x, k) => x !== last.new[c][k])) diff = c;
}
const total = last.new.reduce((n, h) => n + h.length, 0);
if (diff >= 0) {
  console.error(`DIFFERENT hits in chunk ${diff} [${chunks[diff]}]: old ${last.old[diff].length}, new ${last.new[diff].length}`);
  process.exitCode = 1;
} else console.log(`hits identical: ${total}`);
