// Runs the CLI in memory: a fresh commander program, captured stdout/stderr, a given stdin.
import { PassThrough, Readable } from 'node:stream';
import type { CliIO } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/program.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runInMemory(argv: string[], stdin: string | Buffer | null = null, env: Record<string, string> = {}): Promise<CliRun> {
  const out = new PassThrough();
  const err = new PassThrough();
  const chunks: Buffer[] = [];
  const errChunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  err.on('data', (c: Buffer) => errChunks.push(c));
  const io: CliIO = {
    stdout: out,
    stderr: err,
    stdin: Readable.from(stdin === null ? [] : [typeof stdin === 'string' ? Buffer.from(stdin) : stdin]),
    stdinIsTTY: stdin === null,
    stdoutIsTTY: false,
    stderrIsTTY: false,
    env: { NO_COLOR: '1', ...env },
  };
  const code = await runCli(argv, io);
  return { code, stdout: Buffer.concat(chunks).toString('utf8'), stderr: Buffer.concat(errChunks).toString('utf8') };
}
