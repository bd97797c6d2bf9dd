// Runs etcdctl inside a running container (docker exec) and keeps its output as a line source,
// so `member list`, `endpoint status` and `endpoint health` reach the pipeline's etcdctl reader.
import { Readable } from 'node:stream';
import type Docker from 'dockerode';
import type { RawLine } from '../../model/event.js';
import { SourceError } from '../errors.js';
import { type LineReaderStats, newReaderStats, readLines } from '../line-reader.js';
import type { LineSource } from '../source.js';
import { engineMessage } from './client.js';
import { ExecCollector } from './demux.js';

export const ETCDCTL_COMMANDS = [
  { id: 'member-list', args: ['member', 'list'] },
  { id: 'endpoint-status', args: ['endpoint', 'status'] },
  { id: 'endpoint-health', args: ['endpoint', 'health'] },
] as const;
export type EtcdctlCommandId = (typeof ETCDCTL_COMMANDS)[number]['id'];

/** etcdctl's JSON is one line per command; anything beyond this is not what we asked for. */
const MAX_OUTPUT = 4 * 1024 * 1024;
const MAX_STDERR = 64 * 1024;

export interface ExecResult {
  stdout: Buffer;
  stderr: string;
  exitCode: number | null;
  timedOut: boolean;
  /** The image has no etcdctl. */
  notFound: boolean;
}

/**
 * Run one command in the container, bounded by `timeoutMs` end to end. A hung exec is cut off
 * (the engine has no way to kill an exec'd process; etcdctl's own timeouts, set below, end it).
 */
export async function runExec(
  container: Docker.Container,
  cmd: string[],
  env: string[],
  timeoutMs: number,
): Promise<ExecResult> {
  const deadline = AbortSignal.timeout(timeoutMs);
  const exec = await container.exec({ Cmd: cmd, Env: env, AttachStdout: true, AttachStderr: true, Tty: false, abortSignal: deadline });
  const stream = (await exec.start({ hijack: true, stdin: false, abortSignal: deadline })) as NodeJS.ReadWriteStream & { destroy(): void };
  const collector = new ExecCollector(false, MAX_OUTPUT);
  const timedOut = await new Promise<boolean>((resolve) => {
    let settled = false;
    const finish = (t: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(t);
    };
    const timer = setTimeout(() => {
      stream.destroy();
      finish(true);
    }, Math.max(0, timeoutMs));
    stream.on('data', (b: Buffer) => collector.push(b));
    // The deadline's abort can close the stream a moment before our timer fires: same verdict.
    const ended = (): void => finish(deadline.aborted);
    stream.on('end', ended);
    stream.on('close', ended);
    stream.on('error', ended);
  });
  let exitCode: number | null = null;
  if (!timedOut) {
    // The exit code can lag the end of the stream by a moment.
    for (let i = 0; i < 20; i++) {
      try {
        const info = await exec.inspect({ abortSignal: AbortSignal.timeout(2000) });
        if (!info.Running) {
          exitCode = info.ExitCode ?? null;
          break;
        }
      } catch {
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  const stdout = collector.buffer('stdout');
  const stderr = collector.text('stderr').slice(0, MAX_STDERR);
  const combined = stdout.toString('utf8', 0, Math.min(stdout.length, 4096)) + stderr;
  const notFound =
    (exitCode === 126 || exitCode === 127 || exitCode === null) &&
    /executable file not found|no such file or directory/i.test(combined);
  return { stdout, stderr, exitCode, timedOut, notFound };
}

/** An etcdctl command's output held in memory (it is small) and read as lines. */
export class CapturedOutputSource implements LineSource {
  readonly kind = 'docker' as const;
  readonly nodeOrigin = 'docker' as const;
  readonly stats: LineReaderStats = newReaderStats();
  readonly warnings: string[] = [];

  constructor(
    readonly name: string,
    readonly node: string,
    private readonly output: Buffer,
    warnings: string[] = [],
  ) {
    this.warnings.push(...warnings);
  }

  get size(): number {
    return this.output.length;
  }

  async *lines(): AsyncIterable<RawLine> {
    try {
      for await (const line of readLines(Readable.from([this.output]), this.stats)) {
        yield { source: this.name, lineNo: line.lineNo, text: line.text, node: this.node, nodeOrigin: 'docker' };
      }
    } catch (err) {
      throw new SourceError(this.name, String(err));
    }
  }
}

/** The line worth showing from etcdctl's stderr: its `Error: ...`, else the last line. */
export function etcdctlErrorLine(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const err = lines.find((l) => l.startsWith('Error:'));
  if (err) return err;
  const last = lines[lines.length - 1] ?? '';
  // zap's JSON warning lines: show their msg and error, not the whole object.
  if (last.startsWith('{')) {
    try {
      const j = JSON.parse(last) as { msg?: string; error?: string };
      return [j.msg, j.error].filter(Boolean).join(': ');
    } catch {
      return last;
    }
  }
  return last;
}

export interface EtcdctlCaptureResult {
  sources: LineSource[];
  errors: { input: string; message: string }[];
  status: 'captured' | 'partial' | 'failed' | 'not-in-image';
  note: string | null;
}

/**
 * Capture member list, endpoint status and endpoint health (-w json) from one container, each
 * bounded by `timeoutMs`. When the image has no etcdctl that is one note, not three errors.
 */
export async function captureEtcdctl(
  docker: Docker,
  containerName: string,
  containerId: string,
  image: string,
  env: string[],
  timeoutMs: number,
  /** The etcdctl to run: a name on the container's PATH or a path. */
  etcdctl = 'etcdctl',
): Promise<EtcdctlCaptureResult> {
  const container = docker.getContainer(containerId);
  // etcdctl's own limits, inside ours, so that it ends itself rather than lingering in the container.
  const commandTimeout = Math.max(1, Math.min(5, Math.floor(timeoutMs / 2000)));
  const execEnv = [
    'ETCDCTL_API=3',
    'ETCDCTL_WRITE_OUT=json',
    `ETCDCTL_DIAL_TIMEOUT=${Math.max(1, Math.min(2, commandTimeout))}s`,
    `ETCDCTL_COMMAND_TIMEOUT=${commandTimeout}s`,
    ...env,
  ];
  const sources: LineSource[] = [];
  const errors: EtcdctlCaptureResult['errors'] = [];

  const one = async (c: (typeof ETCDCTL_COMMANDS)[number]): Promise<'ok' | 'failed' | 'not-found'> => {
    const input = `docker:${containerName}:${c.id}`;
    let r: ExecResult;
    try {
      r = await runExec(container, [etcdctl, ...c.args], execEnv, timeoutMs);
    } catch (err) {
      const e = err as { name?: string; statusCode?: number };
      const msg =
        e.name === 'AbortError' || e.name === 'TimeoutError'
          ? `etcdctl ${c.args.join(' ')} did not finish within ${timeoutMs / 1000}s`
          : e.statusCode === 409
            ? `not captured: ${engineMessage(err)}`
            : `docker exec failed: ${engineMessage(err)}`;
      errors.push({ input, message: msg });
      return 'failed';
    }
    if (r.notFound) return 'not-found';
    if (r.timedOut) {
      errors.push({ input, message: `etcdctl ${c.args.join(' ')} did not finish within ${timeoutMs / 1000}s` });
      return 'failed';
    }
    const why = r.exitCode !== 0 ? `etcdctl exited with code ${r.exitCode ?? '?'}: ${etcdctlErrorLine(r.stderr) || 'no message'}` : null;
    // etcdctl 3.4 prints an empty JSON list when endpoint status reached no endpoint: nothing said.
    if (/^(?:\[\s*\]|null)?$/.test(r.stdout.toString('utf8').trim())) {
      errors.push({ input, message: why ?? 'etcdctl printed nothing' });
      return 'failed';
    }
    sources.push(new CapturedOutputSource(input, containerName, r.stdout, why ? [why] : []));
    return 'ok';
  };

  // All three at once: a cluster without quorum makes each wait for etcdctl's own timeout.
  const results = await Promise.all(ETCDCTL_COMMANDS.map(one));
  if (results.includes('not-found')) {
    return {
      sources: [],
      errors: [],
      status: 'not-in-image',
      note: `image ${image} has no ${etcdctl}: member list, endpoint status and endpoint health not captured`,
    };
  }
  // Keep the sources in command order whatever order the execs finished in.
  sources.sort((a, b) => order(a.name) - order(b.name));
  const ok = results.filter((r) => r === 'ok').length;
  const status = ok === results.length ? 'captured' : ok === 0 ? 'failed' : 'partial';
  const note = status === 'captured' ? null : errors.map((e) => `${e.input.split(':').pop()}: ${e.message}`).join('; ');
  return { sources, errors, status, note };
}

function order(name: string): number {
  return ETCDCTL_COMMANDS.findIndex((c) => name.endsWith(':' + c.id));
}
