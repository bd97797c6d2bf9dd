// The --docker part of the benchmark: three containers of the local etcddoctor/etcd:3.4.23 image
// each print 200k real-format etcd lines (from the same templates as the file benchmark, one
// node's lines per container) to stderr, through Docker's json-file driver; then
// `etcddoctor logs --docker c1 --docker c2 --docker c3` reads them end to end.
// The image has no shell, so a tiny static printer (built with cc) is bind-mounted as entrypoint.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateLog } from './generate.mjs';

const IMAGE = 'etcddoctor/etcd:3.4.23';
const LINES = 200_000;

const PRINTER_C = `
#include <stdio.h>
#include <unistd.h>
#include <fcntl.h>
/* Copies a file to stderr (etcd logs to stderr), then exits. */
int main(int argc, char **argv) {
  char buf[1 << 16];
  int fd = open(argv[1], O_RDONLY);
  if (fd < 0) return 2;
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0) {
    ssize_t off = 0;
    while (off < n) { ssize_t w = write(2, buf + off, n - off); if (w <= 0) return 3; off += w; }
  }
  return 0;
}
`;

const sh = (cmd, args, opts = {}) => spawnSync(cmd, args, { encoding: 'utf8', ...opts });

export async function benchDocker(root, { cli, seed, literals, runs, timed, median, benchDir }) {
  if (sh('docker', ['info', '--format', '{{.ServerVersion}}'], { timeout: 15000 }).status !== 0) return { skipped: 'no Docker engine answers (scripts/docker/engine.sh start)' };
  if (sh('docker', ['image', 'inspect', IMAGE]).status !== 0) return { skipped: `image ${IMAGE} missing (scripts/docker/build-image.sh)` };
  const dir = path.join(benchDir, 'docker');
  mkdirSync(dir, { recursive: true });
  const printer = path.join(dir, 'printer');
  if (!existsSync(printer)) {
    writeFileSync(printer + '.c', PRINTER_C);
    const cc = sh('cc', ['-O2', '-static', '-o', printer, printer + '.c']);
    if (cc.status !== 0) return { skipped: `cannot build the static printer: ${cc.stderr.trim().split('\n')[0]}` };
  }
  const names = [1, 2, 3].map((n) => `etcddoctor-bench-etcd${n}`);
  let lines = 0;
  let bytes = 0;
  for (let i = 0; i < 3; i++) {
    const file = path.join(dir, `etcd${i + 1}.log`);
    // 200k lines of one node
    const meta = existsSync(file) ? null : generateLog(root, file, { bytes: Infinity, maxLines: LINES, seed: seed + i, literals, prefix: false, node: i });
    const count = Number(sh('wc', ['-l', file]).stdout.trim().split(' ')[0]);
    lines += count;
    bytes += meta?.bytes ?? Number(sh('stat', ['-c', '%s', file]).stdout.trim());
    const name = names[i];
    sh('docker', ['rm', '-f', name]);
    const run = sh('docker', ['run', '--name', name, '--network', 'none', '-v', `${dir}:/bench:ro`, '--entrypoint', '/bench/printer', IMAGE, `/bench/etcd${i + 1}.log`], { stdio: ['ignore', 'ignore', 'ignore'] });
    if (run.status !== 0) return { skipped: `docker run ${name} failed (exit ${run.status})` };
  }
  const args = [cli, 'logs', ...names.flatMap((n) => ['--docker', n]), '--no-exec', '--format', 'json', '--fail-on', 'none'];
  const help = sh(process.execPath, [cli, 'logs', '--help'], { cwd: root }).stdout;
  if (!help.includes('--no-exec')) args.splice(args.indexOf('--no-exec'), 1);
  const out = [];
  for (let r = 0; r < runs; r++) {
    const res = await timed(process.execPath, args, path.join(dir, 'report.json'));
    if (res.code !== 0) return { skipped: `etcddoctor --docker exited ${res.code}: ${res.stderr.trim().split('\n').slice(-2).join(' ')}` };
    out.push(res);
    process.stderr.write(`bench: docker run ${r + 1}/${runs}: ${res.sec.toFixed(2)} s, ${res.rssMB?.toFixed(0)} MB\n`);
  }
  for (const n of names) sh('docker', ['rm', '-f', n]);
  const sec = median(out.map((r) => r.sec));
  return {
    containers: 3,
    lines,
    bytes,
    runsSec: out.map((r) => +r.sec.toFixed(3)),
    medianSec: +sec.toFixed(3),
    mbPerSec: +(bytes / 1e6 / sec).toFixed(1),
    linesPerSec: Math.round(lines / sec),
    peakRssMB: +median(out.map((r) => r.rssMB)).toFixed(1),
    targetSec: 3,
  };
}
