// Worker threads that plan the quiet path ahead of the reader (plan-worker.ts): on a large input
// the byte scan of the next chunks runs on the other cores while this thread parses the lines
// that matter. The plans are what RegionPlanner would compute inline, so the report is the same
// (test/perf/equivalence.test.ts runs both).
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { chunkPool } from '../sources/chunk-pool.js';
import { type ChunkPlanner, type PlannedChunk, wholeLineRegion } from '../sources/line-reader.js';
import type { LineSource } from '../sources/source.js';
import type { PlanReply, PlanRequest } from './plan-worker.js';
import type { PlanOptions } from './quiet-plan.js';

/** Inputs at least this large are planned in workers (smaller ones do not pay for starting them). */
export const PLAN_WORKERS_FROM = 32 * 1024 * 1024;
/** Chunks in flight per worker. */
const DEPTH = 4;

/** Whether a source is worth planning in workers. */
export function usePlanWorkers(source: LineSource, mode: 'auto' | 'always' | 'never' = 'auto'): boolean {
  if (mode !== 'auto') return mode === 'always';
  if (os.availableParallelism() < 2) return false;
  // stdin and the like: unknown size, planned in workers once PLAN_WORKERS_FROM bytes went by
  return source.size === undefined || source.size >= PLAN_WORKERS_FROM;
}

/**
 * The worker's script: beside this module once built; under the test runner (TypeScript
 * sources) the built copy in dist/. Null when there is none (then everything is planned inline).
 */
function workerScript(): string | null {
  const here = fileURLToPath(import.meta.url);
  const beside = path.join(path.dirname(here), 'plan-worker.js');
  if (!here.endsWith('.ts') && existsSync(beside)) return beside;
  const built = path.resolve(path.dirname(here), '../../dist/pipeline/plan-worker.js');
  return existsSync(built) ? built : null;
}

interface Waiting {
  resolve: (p: PlannedChunk) => void;
  chunk: Buffer;
  from: number;
  to: number;
}

export class PlanWorkers {
  private readonly workers: Worker[] = [];
  private started = false;
  private turn = 0;
  private seq = 0;
  private readonly waiting = new Map<number, Waiting>();
  private failure: Error | null = null;

  private constructor(
    private readonly script: string,
    private readonly triggers: readonly string[],
    private readonly options: PlanOptions,
    private readonly count: number,
  ) {}

  /** A pool of `count` workers (default: one per core, up to 4: this thread parses little), started on first use. */
  static start(triggers: readonly string[], options: PlanOptions, count?: number): PlanWorkers | null {
    const script = workerScript();
    if (script === null) return null;
    const n = count ?? Math.max(1, Math.min(4, os.availableParallelism()));
    return new PlanWorkers(script, triggers, options, n);
  }

  private spawn(): void {
    this.started = true;
    for (let i = 0; i < this.count; i++) {
      const w = new Worker(this.script, { workerData: { triggers: this.triggers, options: this.options } });
      w.unref();
      w.on('message', (reply: PlanReply) => this.onReply(reply));
      w.on('error', (err) => this.fail(err));
      w.on('exit', (code) => {
        if (this.waiting.size > 0) this.fail(new Error(`planning worker exited (${code})`));
      });
      this.workers.push(w);
    }
  }

  private onReply(reply: PlanReply): void {
    const w = this.waiting.get(reply.id);
    if (w === undefined) return;
    this.waiting.delete(reply.id);
    w.resolve({ chunk: w.chunk, from: w.from, to: w.to, plan: reply.plan });
  }

  /** A worker failed: stop using workers; what was in flight is planned inline (the chunks are still here). */
  private fail(err: Error): void {
    this.failure ??= err;
    for (const w of this.waiting.values()) w.resolve({ chunk: w.chunk, from: w.from, to: w.to, plan: null });
    this.waiting.clear();
    void this.close();
  }

  /** Plan the region [from, to] of `chunk` in a worker, which reads the chunk's shared memory in place. */
  private plan(chunk: Buffer, from: number, to: number): Promise<PlannedChunk> {
    if (this.failure === null && !this.started) this.spawn();
    // a chunk of a stream (stdin, gunzip) is copied into shared memory first
    const own = chunkPool.owns(chunk) ? chunk : chunk.length <= chunkPool.size ? chunkPool.copy(chunk) : null;
    if (this.failure !== null || own === null) return Promise.resolve({ chunk, from, to, plan: null });
    const id = this.seq++;
    const worker = this.workers[this.turn++ % this.workers.length]!;
    return new Promise<PlannedChunk>((resolve) => {
      this.waiting.set(id, { resolve, chunk: own, from, to });
      const req: PlanRequest = { id, sab: own.buffer as SharedArrayBuffer, offset: own.byteOffset, len: own.length, from, to };
      worker.postMessage(req);
    });
  }

  /**
   * A ChunkPlanner for one source: keeps up to DEPTH chunks per worker in flight, hands them on
   * in order. The first `unplannedBytes` pass unplanned (an input of unknown size may be small).
   */
  planner(unplannedBytes = 0): ChunkPlanner {
    return (chunks) => this.ahead(chunks, unplannedBytes);
  }

  private async *ahead(chunks: AsyncIterable<Buffer>, unplannedBytes: number): AsyncGenerator<PlannedChunk> {
    const it = chunks[Symbol.asyncIterator]();
    const queue: Promise<PlannedChunk>[] = [];
    let carried = false;
    let seen = 0;
    let done = false;
    try {
      for (;;) {
        while (!done && queue.length < DEPTH * this.count) {
          const r = await it.next();
          if (r.done === true) {
            done = true;
            break;
          }
          const chunk = r.value;
          const region = chunk.length > 0 ? wholeLineRegion(chunk, carried) : null;
          if (chunk.length > 0) carried = chunk[chunk.length - 1] !== 0x0a;
          seen += chunk.length;
          const skip = region === null || this.failure !== null || seen <= unplannedBytes;
          queue.push(skip ? Promise.resolve({ chunk, from: -1, to: -1, plan: null }) : this.plan(chunk, region.from, region.to));
        }
        const next = queue.shift();
        if (next === undefined) return;
        yield await next;
      }
    } finally {
      if (!done) await it.return?.(undefined);
      // let chunks still in flight land before the pool is closed
      await Promise.all(queue);
    }
  }

  async close(): Promise<void> {
    const ws = this.workers.splice(0);
    await Promise.all(ws.map((w) => w.terminate()));
  }
}
