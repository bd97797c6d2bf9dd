// `npm run bench`: throughput and memory of the full `etcddoctor logs` against `grep -cE` with the
// rule catalog's literals, on a generated log (scripts/bench/generate.mjs) of 100 MB and 1 GB, plus
// three 200k-line container sources through --docker. A script, not a test: machines are noisy,
// so it reports medians of alternating runs and the ratio etcddoctor time / grep time.
//
// Options: --sizes 100,1000 (MB)  --runs 3  --seed 42  --no-docker
//          --bin DIR (a copy of the project with bin/ dist/ rules/, to time another build)
//          --out FILE (results, default .tmp/bench/results.json)
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, closeSync, readFileSync, statfsSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { generateLog } from './bench/generate.mjs';
import { benchDocker } from './bench/docker.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
};
const sizesMB = arg('sizes', '100,1000').split(',').map(Number);
const runs = Math.max(3, Number(arg('runs', '3')));
const seed = Number(arg('seed', '42'));
const withDocker = !process.argv.includes('--no-docker');
const binDir = path.resolve(arg('bin', root));
const cli = path.join(binDir, 'bin/etcddoctor.js');
const resultsFile = path.resolve(arg('out', path.join(root, '.tmp/bench/results.json')));
const benchDir = path.join(root, '.tmp/bench');
mkdirSync(benchDir, { recursive: true });

const { loadRules } = await import(path.join(root, 'dist/rules/load.js'));
const { compileRules, ruleLiterals } = await import(path.join(root, 'dist/rules/compile.js'));
const literals = ruleLiterals(compileRules((await loadRules()).map((r) => r.rule)));
const grepPattern = literals.map((l) => l.replace(/[.[\]()*+?{}|^$\\]/g, '\\$&')).join('|');

// --- disk: the largest log plus outputs must fit with room to spare
const fsInfo = statfsSync(benchDir);
const freeMB = (fsInfo.bavail * fsInfo.bsize) / 1e6;
const needMB = sizesMB.filter((s) => !existsSync(logPath(s))).reduce((a, b) => a + b, 0) * 1.1 + 200;
if (freeMB < needMB) {
  console.error(`bench: ${Math.round(freeMB)} MB free under .tmp/bench, need ~${Math.round(needMB)} MB; use --sizes`);
  process.exit(2);
}

function logPath(mb) {
  return path.join(root, '.tmp/bench', `bench-s${seed}-${mb}mb.log`);
}

/** The log of `mb` megabytes, generated once per seed and size (meta beside it). */
function ensureLog(mb, file = logPath(mb)) {
  const metaFile = file + '.meta.json';
  if (existsSync(file) && existsSync(metaFile)) {
    const meta = JSON.parse(readFileSync(metaFile, 'utf8'));
    if (meta.seed === seed && meta.mb === mb && meta.literals === literals.length) return meta;
  }
  process.stderr.write(`bench: generating ${path.relative(root, file)} ... `);
  const t = performance.now();
  const r = generateLog(root, file, { bytes: mb * 1e6, seed, literals });
  const meta = { seed, mb, literals: literals.length, ...r };
  writeFileSync(metaFile, JSON.stringify(meta));
  process.stderr.write(`${((performance.now() - t) / 1000).toFixed(1)} s\n`);
  return meta;
}

/** Run a command under /usr/bin/time -v; wall time from here, peak RSS from time's report. */
function timed(cmd, args, stdoutFile) {
  return new Promise((resolve, reject) => {
    const out = stdoutFile ? openSync(stdoutFile, 'w') : 'pipe';
    const t0 = process.hrtime.bigint();
    const child = spawn('/usr/bin/time', ['-v', cmd, ...args], { cwd: root, stdio: ['ignore', out, 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => {
      const sec = Number(process.hrtime.bigint() - t0) / 1e9;
      if (typeof out === 'number') closeSync(out);
      const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
      resolve({ code, sec, rssMB: rss ? Number(rss[1]) / 1024 : null, stdout, stderr });
    });
  });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

async function benchFile(mb) {
  const meta = ensureLog(mb);
  const file = logPath(mb);
  const rel = path.relative(root, file);
  const reportFile = path.join(benchDir, `report-${mb}mb.json`);
  // warm the page cache so neither side pays for the disk
  spawnSync('cat', [file], { stdio: ['ignore', 'ignore', 'ignore'] });
  const doctor = [];
  const grep = [];
  let grepCount = null;
  for (let i = 0; i < runs; i++) {
    const d = await timed(process.execPath, [cli, 'logs', rel, '--format', 'json', '--fail-on', 'none'], reportFile);
    if (d.code !== 0) throw new Error(`etcddoctor exited ${d.code}: ${d.stderr.slice(-500)}`);
    doctor.push(d);
    const g = await timed('grep', ['-cE', grepPattern, rel]);
    if (g.code !== 0 && g.code !== 1) throw new Error(`grep exited ${g.code}: ${g.stderr.slice(-500)}`);
    grepCount = Number(g.stdout.trim());
    grep.push(g);
    process.stderr.write(`bench: ${mb} MB run ${i + 1}/${runs}: etcddoctor ${d.sec.toFixed(2)} s, ${d.rssMB?.toFixed(0)} MB; grep ${g.sec.toFixed(2)} s\n`);
  }
  const report = JSON.parse(readFileSync(reportFile, 'utf8'));
  const dSec = median(doctor.map((r) => r.sec));
  const gSec = median(grep.map((r) => r.sec));
  return {
    sizeMB: mb,
    bytes: meta.bytes,
    lines: meta.lines,
    failureLines: meta.failures,
    etcddoctor: {
      runsSec: doctor.map((r) => +r.sec.toFixed(3)),
      medianSec: +dSec.toFixed(3),
      mbPerSec: +(meta.bytes / 1e6 / dSec).toFixed(1),
      linesPerSec: Math.round(meta.lines / dSec),
      peakRssMB: +median(doctor.map((r) => r.rssMB)).toFixed(1),
      peakRssMaxMB: +Math.max(...doctor.map((r) => r.rssMB)).toFixed(1),
      verdict: report.verdict?.status,
      findings: report.findings?.length,
      reportLines: report.totals?.lines,
    },
    grep: {
      runsSec: grep.map((r) => +r.sec.toFixed(3)),
      medianSec: +gSec.toFixed(3),
      mbPerSec: +(meta.bytes / 1e6 / gSec).toFixed(1),
      count: grepCount,
      peakRssMB: +median(grep.map((r) => r.rssMB)).toFixed(1),
    },
    ratio: +(dSec / gSec).toFixed(3),
  };
}

function machine() {
  const cpuinfo = existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '';
  const model = /model name\s*:\s*(.*)/.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model ?? 'unknown';
  const grepVersion = spawnSync('grep', ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0];
  return { nproc: os.availableParallelism(), cpu: model, node: process.version, grep: grepVersion, locale: process.env.LC_ALL || process.env.LANG || 'unset', memGB: +(os.totalmem() / 2 ** 30).toFixed(1) };
}

const results = { date: new Date().toISOString(), seed, runs, machine: machine(), grepLiterals: literals.length, files: [], docker: null };
// a small log of the same kind for the equivalence check (scripts/bench/equivalence.mjs)
const head = path.join(benchDir, 'head.log');
if (!existsSync(head)) generateLog(root, head, { bytes: 4e6, seed, literals, failureShare: 0.05 });
for (const mb of sizesMB) results.files.push(await benchFile(mb));
if (withDocker) results.docker = await benchDocker(root, { cli, seed, literals, runs, timed, median, benchDir });

const [small, large] = [results.files[0], results.files[results.files.length - 1]];
if (small && large && small !== large) {
  results.rssGrowth = +((large.etcddoctor.peakRssMB / small.etcddoctor.peakRssMB - 1) * 100).toFixed(1);
}
results.build = path.relative(root, binDir) || '.';
writeFileSync(resultsFile, JSON.stringify(results, null, 2) + '\n');

// --- table
const rows = [['input', 'lines', 'etcddoctor s', 'MB/s', 'lines/s', 'peak RSS MB', 'grep -cE s', 'grep MB/s', 'ratio']];
for (const f of results.files) {
  rows.push([`${f.sizeMB} MB log`, String(f.lines), f.etcddoctor.medianSec.toFixed(2), f.etcddoctor.mbPerSec.toFixed(0), String(f.etcddoctor.linesPerSec), f.etcddoctor.peakRssMB.toFixed(0), f.grep.medianSec.toFixed(2), f.grep.mbPerSec.toFixed(0), f.ratio.toFixed(2)]);
}
if (results.docker?.skipped) rows.push(['docker 3x200k', '-', `skipped: ${results.docker.skipped}`, '', '', '', '', '', '']);
else if (results.docker) rows.push(['docker 3x200k', String(results.docker.lines), results.docker.medianSec.toFixed(2), results.docker.mbPerSec.toFixed(0), String(results.docker.linesPerSec), results.docker.peakRssMB.toFixed(0), '', '', '']);
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
for (const r of rows) console.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '));
const m = results.machine;
console.log(`\n${m.nproc} cores, ${m.cpu}, Node ${m.node}, ${m.grep} (${m.locale}); medians of ${runs} alternating runs; ratio = etcddoctor time / grep time`);
if (results.rssGrowth !== undefined) console.log(`peak RSS growth ${sizesMB[0]} MB -> ${sizesMB[sizesMB.length - 1]} MB: ${results.rssGrowth}%`);
console.log(`results: ${path.relative(root, resultsFile)}`);
