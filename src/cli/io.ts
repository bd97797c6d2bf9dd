// The process edges the CLI touches, passed in so tests can run the program in memory.
import type { Readable, Writable } from 'node:stream';

export interface CliIO {
  stdout: Writable;
  stderr: Writable;
  stdin: Readable;
  stdinIsTTY: boolean;
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  env: Record<string, string | undefined>;
}

export function processIO(): CliIO {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    stdinIsTTY: Boolean(process.stdin.isTTY),
    stdoutIsTTY: Boolean(process.stdout.isTTY),
    stderrIsTTY: Boolean(process.stderr.isTTY),
    env: process.env,
  };
}

/** Write and wait until the stream took it, so the exit code is set only after the output. */
export function writeOut(stream: Writable, text: string): Promise<void> {
  return new Promise((resolve) => {
    if (text === '') return resolve();
    const ok = stream.write(text, () => resolve());
    if (!ok) stream.once('drain', () => resolve());
  });
}
