// The built executable: `--version` and `-V` answer without loading the program (main.ts), and
// must print what the commander program prints. Runs dist/, which npm test builds first.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';

const BIN = path.resolve(import.meta.dirname, '../../bin/etcddoctor.js');

async function programOutput(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  err.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const code = await runCli(argv, { stdout: out, stderr: err, stdin: Readable.from([]), stdinIsTTY: true, stdoutIsTTY: false, stderrIsTTY: false, env: {} });
  return { code, stdout, stderr };
}

it.each([['--version'], ['-V'], ['--version', '--help'], ['-V', 'logs']])('etcddoctor %s prints what the program prints', async (...argv) => {
  const r = spawnSync(process.execPath, [BIN, ...argv], { encoding: 'utf8' });
  const p = await programOutput(argv);
  expect({ code: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual(p);
  expect(r.stdout).toMatch(/^\d+\.\d+\.\d+\S*\n$/);
});
