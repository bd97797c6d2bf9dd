// A container that prints exactly the bytes a test wants, through the engine's real logging
// driver: the etcd image has no shell, so a tiny static C program (built with cc) is bind-mounted
// as its entrypoint and plays a script of records, each written whole to stdout or stderr.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { ETCD_IMAGE, testDocker } from './docker-cluster.js';

const run = promisify(execFile);

/** Plays a script of records [fd][length, 4 bytes big-endian][bytes]: each written whole to fd 1 or 2. */
export const PRINTER_C = `
#include <unistd.h>
#include <fcntl.h>
static unsigned char buf[4 << 20];
static long readn(int fd, unsigned char *b, long n) {
  long got = 0;
  while (got < n) { long r = read(fd, b + got, n - got); if (r <= 0) break; got += r; }
  return got;
}
int main(int argc, char **argv) {
  int fd = open(argv[1], O_RDONLY);
  if (fd < 0) return 2;
  unsigned char h[5];
  for (;;) {
    long r = readn(fd, h, 5);
    if (r == 0) return 0;
    if (r < 5) return 3;
    long n = ((long)h[1] << 24) | (h[2] << 16) | (h[3] << 8) | h[4];
    if (n > (long)sizeof buf || readn(fd, buf, n) != n) return 4;
    long off = 0;
    while (off < n) { long w = write(h[0], buf + off, n - off); if (w <= 0) return 5; off += w; }
  }
}
`;

/** Largest record the printer takes. */
export const PRINTER_MAX_RECORD = 4 << 20;

/** One write: to stdout (1) or stderr (2). */
export type Rec = [1 | 2, string | Buffer];

/** The printer's script for `recs`. */
export function printerScript(recs: Rec[]): Buffer {
  return Buffer.concat(
    recs.flatMap(([fd, data]) => {
      const body = typeof data === 'string' ? Buffer.from(data) : data;
      if (body.length > PRINTER_MAX_RECORD) throw new Error(`a printer record holds at most ${PRINTER_MAX_RECORD} bytes, not ${body.length}`);
      const h = Buffer.alloc(5);
      h[0] = fd;
      h.writeUInt32BE(body.length, 1);
      return [h, body];
    }),
  );
}

/**
 * Build `dir/printer` (cc -O2 -static). Null when built; else why not, one line, for a skip
 * message (no cc, no static libc).
 */
export async function buildPrinter(dir: string): Promise<string | null> {
  const printer = path.join(dir, 'printer');
  await writeFile(printer + '.c', PRINTER_C);
  try {
    await run('cc', ['-O2', '-static', '-o', printer, printer + '.c']);
    return null;
  } catch (err) {
    return `cannot build the static printer with cc: ${(err as Error).message.split('\n')[0]}`;
  }
}

export interface PrinterRun {
  /** The container's name (any earlier container of that name is removed first). */
  name: string;
  /** Holds `printer` (buildPrinter); the script is written there as `<name>.script`. */
  dir: string;
  recs: Rec[];
  /** --log-opt values, e.g. max-size=40k. */
  logOpts?: string[];
  tty?: boolean;
}

/**
 * Run a container of the etcd image (no network) that plays `recs` and wait until it exited
 * (and, with compress=true, until its rotated files are compressed). Throws when the printer
 * fails. The container is left for the test to read and remove.
 */
export async function runPrinter(r: PrinterRun): Promise<void> {
  await run('docker', ['rm', '-f', r.name]).catch(() => undefined);
  await writeFile(path.join(r.dir, `${r.name}.script`), printerScript(r.recs));
  const args = ['run', '-d', '--name', r.name, '--network', 'none', '-v', `${r.dir}:/t:ro`, '--entrypoint', '/t/printer'];
  for (const o of r.logOpts ?? []) args.push('--log-opt', o);
  if (r.tty) args.push('-t');
  await run('docker', [...args, ETCD_IMAGE, `/t/${r.name}.script`]);
  const { stdout } = await run('docker', ['wait', r.name]);
  if (stdout.trim() !== '0') throw new Error(`printer container ${r.name} exited ${stdout.trim()}`);
  if ((r.logOpts ?? []).includes('compress=true')) {
    const data = await testDocker().getContainer(r.name).inspect();
    // compression runs after rotation, in the background: wait until no plain .1 is left
    for (let i = 0; i < 100 && existsSync(`${data.LogPath}.1`); i++) await new Promise((res) => setTimeout(res, 100));
  }
}

/** Remove containers by name, ignoring those already gone (kept with ETCDDOCTOR_KEEP_CONTAINERS). */
export async function removeContainers(names: readonly string[]): Promise<void> {
  if (process.env.ETCDDOCTOR_KEEP_CONTAINERS) return;
  for (const n of names) await run('docker', ['rm', '-f', n]).catch(() => undefined);
}
