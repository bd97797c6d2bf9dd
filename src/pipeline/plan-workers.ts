// Worker threads that plan the quiet path ahead of the reader (plan-worker.ts): on a large input
// the workers read the next chunks of the file and scan them on the other cores while this
// thread parses the lines that matter. They share memory with this thread (plan-slots.ts) and
// are driven by Atomics, never by a message per chunk. Their plans are what RegionPlanner
// computes inline, so the report is the same (test/perf/equivalence.test.ts runs both); if a
// worker fails, this thread reads and plans what it had.
import { closeSync, existsSync, openSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { type ChunkPlanner, type PlannedChunk, wholeLineRegion } from '../sources/line-reader.js';
import type { LineSource } from '../sources/source.js';
import { BYTES_TASK, C, CONTROL_INTS, DONE, FILE_TASK, FREE, PATH_BYTES, PLAN_INTS, S, SLOT_INTS, type SlotMemory, TASK, WORKING } from './plan-slots.js';
import { readFully, runTask } from './plan-task.js';
import { type PlanOptions, RegionPlanner } from './quiet-plan.js';

/** Inputs at least this large are planned in workers (smaller ones do not pay for starting them). */
export const PLAN_WORKERS_FROM = 32 * 1024 * 1024;
/** Bytes of a slot's chunk. */
const SLOT_BYTES = 1 << 20;
/**
 * Slots per worker: chunks being read or planned while earlier ones are parsed. Failure lines
 * come in bursts: while the main thread parses one, the worker plans on into free slots instead
 * of idling (4 slots: the worker waited ~0.3 s per GB and the main thread planned in its place).
 */
const SLOTS_PER_WORKER = 8;

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

/** Atomics.waitAsync (Node 16+, ES2024): TypeScript's lib here predates it. */
interface AtomicsWaitAsync {
  waitAsync(array: Int32Array, index: number, value: number, timeout?: number): { async: false; value: string } | { async: true; value: Promise<string> };
}

interface Slot {
  index: number;
  mem: SlotMemory;
  ctrl: Int32Array;
  chunk: Buffer;
  plan: Int32Array;
  /** Handed out (a task in a worker, or a chunk the reader has not released). */
  busy: boolean;
}

export class PlanWorkers {
  private readonly workers: Worker[] = [];
  private readonly slots: Slot[] = [];
  private readonly free: Slot[] = [];
  private readonly control: Int32Array;
  private readonly pathBuf: Buffer;
  private readonly controlMem = new SharedArrayBuffer(CONTROL_INTS * 4);
  private readonly pathMem = new SharedArrayBuffer(PATH_BYTES);
  private started = false;
  private failure: Error | null = null;
  private stopping: Promise<void> | null = null;
  /** Task order, so workers take the oldest first. */
  private seq = 0;
  /** The file the workers read, opened here too for what they cannot do. */
  private fd = -1;

  private constructor(
    private readonly script: string,
    private readonly triggers: readonly string[],
    private readonly options: PlanOptions,
    private readonly count: number,
  ) {
    this.control = new Int32Array(this.controlMem);
    this.pathBuf = Buffer.from(this.pathMem);
    this.control[C.WORKERS] = count;
    for (let i = 0; i < count * SLOTS_PER_WORKER; i++) {
      const mem: SlotMemory = { ctrl: new SharedArrayBuffer(SLOT_INTS * 4), chunk: new SharedArrayBuffer(SLOT_BYTES), plan: new SharedArrayBuffer(PLAN_INTS * 4) };
      const slot: Slot = { index: i, mem, ctrl: new Int32Array(mem.ctrl), chunk: Buffer.from(mem.chunk), plan: new Int32Array(mem.plan), busy: false };
      this.slots.push(slot);
      this.free.push(slot);
    }
  }

  /**
   * A pool of `count` workers (default: one per core besides this thread's, at least one, at most
   * 4; on two cores a second worker gained 5 % and cost 15 MB, measured with npm run bench), started
   * on first use. `script` replaces the worker's script (tests start failing workers with it).
   */
  static start(triggers: readonly string[], options: PlanOptions, count?: number, script = workerScript()): PlanWorkers | null {
    if (script === null) return null;
    const n = count ?? Math.max(1, Math.min(4, os.availableParallelism() - 1));
    return new PlanWorkers(script, triggers, options, n);
  }

  private spawn(): void {
    this.started = true;
    for (let i = 0; i < this.count; i++) {
      const w = new Worker(this.script, {
        workerData: { triggers: this.triggers, options: this.options, index: i, slots: this.slots.map((s) => s.mem), control: this.controlMem, path: this.pathMem },
        // a planner keeps little: a small heap keeps the process's memory flat
        resourceLimits: { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 48 },
      });
      // kept referenced: Atomics.waitAsync alone does not keep the event loop alive (close() ends them)
      w.on('error', (err) => this.fail(err));
      w.on('exit', (code) => {
        if (this.control[C.STOP] !== 1) this.fail(new Error(`planning worker exited (${code})`));
      });
      this.workers.push(w);
    }
  }

  /** A worker failed: the rest is planned here (what was in its slots is redone by waitDone). */
  private fail(err: Error): void {
    this.failure ??= err;
  }

  private takeSlot(): Slot | null {
    const slot = this.free.shift();
    if (slot === undefined) return null;
    slot.busy = true;
    return slot;
  }

  private freeSlot(slot: Slot): void {
    if (!slot.busy) return;
    slot.busy = false;
    Atomics.store(slot.ctrl, S.STATE, FREE);
    this.free.push(slot);
    // a file being read: its next chunk goes to the workers at once, not when the reader asks
    this.feed?.();
  }

  /** Hands the next chunks of the file being read to free slots (set by readFile while it reads). */
  private feed: (() => void) | null = null;

  private dispatch(slot: Slot, kind: number, offset: number, len: number, carried: boolean): void {
    if (!this.started) this.spawn();
    const c = slot.ctrl;
    c[S.KIND] = kind;
    c[S.OFF_LO] = offset % 2 ** 32 | 0;
    c[S.OFF_HI] = Math.floor(offset / 2 ** 32);
    c[S.LEN] = len;
    c[S.CARRIED] = carried ? 1 : 0;
    c[S.GOT] = -1;
    c[S.SEQ] = this.seq++ | 0;
    Atomics.store(c, S.STATE, TASK);
    Atomics.add(this.control, C.BELL, 1);
    if (Atomics.load(this.control, C.SLEEPERS) > 0) Atomics.notify(this.control, C.BELL);
  }

  /**
   * The slot's task is done (by a worker, or here when the workers failed). While it is not,
   * this thread takes the newest task no worker has started and plans it itself: the workers
   * are the slower side, and waiting would leave this core idle.
   */
  private async waitDone(slot: Slot): Promise<void> {
    const c = slot.ctrl;
    for (;;) {
      const state = Atomics.load(c, S.STATE);
      if (state !== WORKING && state !== TASK) break;
      if (this.failure === null && this.helpOut()) continue;
      if (this.failure !== null) {
        // no worker may still write into the slot when this thread redoes its task
        await this.stop();
        Atomics.compareExchange(c, S.STATE, TASK, WORKING);
        break;
      }
      Atomics.store(c, S.WAITING, 1);
      const r = (Atomics as unknown as AtomicsWaitAsync).waitAsync(c, S.STATE, state, 1000);
      if (r.async) await r.value;
      Atomics.store(c, S.WAITING, 0);
    }
    if (Atomics.load(c, S.STATE) === DONE && c[S.GOT]! >= 0) return;
    this.doHere(slot);
  }

  /** Plan the newest task no worker has started, here; false when there is none. */
  private helpOut(): boolean {
    let newest: Slot | null = null;
    for (const s of this.slots) {
      if (Atomics.load(s.ctrl, S.STATE) === TASK && (newest === null || s.ctrl[S.SEQ]! - newest.ctrl[S.SEQ]! > 0)) newest = s;
    }
    if (newest === null || (newest.ctrl[S.KIND] === FILE_TASK && this.fd < 0)) return false;
    if (Atomics.compareExchange(newest.ctrl, S.STATE, TASK, WORKING) !== TASK) return false;
    this.inline ??= new RegionPlanner(this.triggers, this.options);
    try {
      runTask(newest, this.inline, this.fd);
    } catch {
      newest.ctrl[S.GOT] = -1;
    }
    if (newest.ctrl[S.GOT]! < 0) this.doHere(newest);
    else Atomics.store(newest.ctrl, S.STATE, DONE);
    return true;
  }

  /** The planner this thread uses when it helps out. */
  private inline: RegionPlanner | null = null;

  /** Do a slot's task here, unplanned: read a file chunk (the reader then plans it inline). */
  private doHere(slot: Slot): void {
    const c = slot.ctrl;
    // a failed worker, or one that could not read: read the chunk here, unplanned
    if (c[S.KIND] === FILE_TASK) {
      c[S.GOT] = readFully(this.fd, slot.chunk, c[S.LEN]!, c[S.OFF_HI]! * 2 ** 32 + (c[S.OFF_LO]! >>> 0));
    } else {
      c[S.GOT] = c[S.LEN]!;
    }
    c[S.PLAN_LEN] = -1;
    c[S.FROM] = -1;
    c[S.TO] = -1;
    Atomics.store(c, S.STATE, DONE);
  }

  private result(slot: Slot, handed: Set<Slot>): PlannedChunk {
    handed.add(slot);
    const c = slot.ctrl;
    const chunk = slot.chunk.subarray(0, c[S.GOT]!);
    const planLen = c[S.PLAN_LEN]!;
    return {
      chunk,
      from: c[S.FROM]!,
      to: c[S.TO]!,
      plan: planLen >= 0 ? slot.plan.subarray(0, planLen) : null,
      release: () => {
        handed.delete(slot);
        this.freeSlot(slot);
      },
    };
  }

  /** Wait for every task handed out, so the workers hold nothing of this source. */
  private async drain(queue: Slot[]): Promise<void> {
    for (const slot of queue) {
      await this.waitDone(slot);
      this.freeSlot(slot);
    }
    queue.length = 0;
  }

  /**
   * A regular file of `size` bytes, read and planned by the workers chunk by chunk, in order;
   * whatever was appended after `size` follows, read here. Each chunk must be released.
   */
  async *readFile(file: string, size: number): AsyncGenerator<PlannedChunk | Buffer> {
    const name = Buffer.from(file, 'utf8');
    this.fd = openSync(file, 'r');
    const queue: Slot[] = [];
    const handed = new Set<Slot>();
    let next = 0;
    try {
      if (name.length <= PATH_BYTES && this.failure === null) {
        name.copy(this.pathBuf);
        this.control[C.PATH_LEN] = name.length;
        Atomics.add(this.control, C.PATH_GEN, 1);
        this.feed = () => {
          while (next < size && this.failure === null) {
            const slot = this.takeSlot();
            if (slot === null) break;
            const len = Math.min(SLOT_BYTES, size - next);
            this.dispatch(slot, FILE_TASK, next, len, false);
            queue.push(slot);
            next += len;
          }
        };
        for (;;) {
          this.feed();
          const slot = queue.shift();
          if (slot === undefined) break;
          await this.waitDone(slot);
          const got = slot.ctrl[S.GOT]!;
          const asked = slot.ctrl[S.LEN]!;
          const offset = slot.ctrl[S.OFF_HI]! * 2 ** 32 + (slot.ctrl[S.OFF_LO]! >>> 0);
          if (got < asked) {
            // the file shrank while being read: what is left is read here, from where it ends now
            this.feed = null;
            await this.drain(queue);
            next = offset + got;
            if (got === 0) {
              this.freeSlot(slot);
              break;
            }
            yield this.result(slot, handed);
            break;
          }
          yield this.result(slot, handed);
        }
      }
      // appended since it was measured (or all of it, without workers): read here to its end
      for (;;) {
        const buf = Buffer.allocUnsafe(SLOT_BYTES);
        const got = readFully(this.fd, buf, buf.length, next);
        if (got === 0) break;
        next += got;
        yield buf.subarray(0, got);
        if (got < buf.length) break;
      }
    } finally {
      this.feed = null;
      await this.drain(queue);
      // chunks handed out and never given back (the reader stopped): the reader is done with them
      for (const slot of handed) this.freeSlot(slot);
      closeSync(this.fd);
      this.fd = -1;
    }
  }

  /**
   * A ChunkPlanner for streams (stdin, gunzip): each chunk is copied into a slot and planned by
   * a worker, in order. The first `unplannedBytes` pass unplanned (an input of unknown size may
   * be small), as do chunks larger than a slot and planned chunks (readFile's).
   */
  planner(unplannedBytes = 0): ChunkPlanner {
    return {
      plan: (chunks) => this.ahead(chunks, unplannedBytes),
      readFile: (file, size) => this.readFile(file, size),
    };
  }

  private async *ahead(chunks: AsyncIterable<Buffer | PlannedChunk>, unplannedBytes: number): AsyncGenerator<Buffer | PlannedChunk> {
    const queue: (Slot | Buffer | PlannedChunk)[] = [];
    const handed = new Set<Slot>();
    let carried = false;
    let seen = 0;
    const it = chunks[Symbol.asyncIterator]();
    let done = false;
    try {
      for (;;) {
        // one slot is always left for the chunk the reader holds
        while (!done && queue.length < this.slots.length - 1) {
          const r = await it.next();
          if (r.done === true) {
            done = true;
            break;
          }
          const item = r.value;
          if (!Buffer.isBuffer(item)) {
            queue.push(item);
            continue;
          }
          const region = item.length > 0 ? wholeLineRegion(item, carried) : null;
          const wasCarried = carried;
          if (item.length > 0) carried = item[item.length - 1] !== 0x0a;
          seen += item.length;
          const slot = region !== null && seen > unplannedBytes && item.length <= SLOT_BYTES && this.failure === null ? this.takeSlot() : null;
          if (slot === null) {
            queue.push(item);
            continue;
          }
          item.copy(slot.chunk);
          this.dispatch(slot, BYTES_TASK, 0, item.length, wasCarried);
          queue.push(slot);
        }
        const head = queue.shift();
        if (head === undefined) return;
        if (Buffer.isBuffer(head) || !('mem' in head)) {
          yield head;
          continue;
        }
        await this.waitDone(head);
        yield this.result(head, handed);
      }
    } finally {
      if (!done) await it.return?.(undefined);
      await this.drain(queue.filter((q): q is Slot => !Buffer.isBuffer(q) && 'mem' in q));
      for (const slot of handed) this.freeSlot(slot);
    }
  }

  /** Stop the workers (once) and wait until they are gone. */
  private stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.control[C.STOP] = 1;
      Atomics.add(this.control, C.BELL, 1);
      Atomics.notify(this.control, C.BELL);
      const ws = this.workers.splice(0);
      await Promise.all(ws.map((w) => w.terminate()));
    })();
    return this.stopping;
  }

  async close(): Promise<void> {
    await this.stop();
  }
}
