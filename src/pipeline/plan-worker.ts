// A worker thread that plans chunks for the quiet path (quiet-plan.ts) while the main thread
// parses the lines before them. It talks through shared memory only (plan-workers.ts has the
// layout): it waits on its doorbell, takes the slots assigned to it, reads the file chunk itself
// (or finds the bytes already in the slot), plans its region of whole lines and marks it done.
// No message port is used per chunk: posting a message takes a lock the two threads share,
// which stalls the main thread whenever this one is descheduled.
import { closeSync, openSync } from 'node:fs';
import { workerData } from 'node:worker_threads';
import { type PlanOptions, RegionPlanner } from './quiet-plan.js';
import { C, DONE, FILE_TASK, S as SLOT, type SlotMemory, TASK, WAKE_MS, WORKING } from './plan-slots.js';
import { runTask } from './plan-task.js';

const data = workerData as { triggers: string[]; options: PlanOptions; index: number; slots: SlotMemory[]; control: SharedArrayBuffer; path: SharedArrayBuffer };
const planner = new RegionPlanner(data.triggers, data.options);
const control = new Int32Array(data.control);
const pathBytes = Buffer.from(data.path);
const slots = data.slots.map((s) => ({ ctrl: new Int32Array(s.ctrl), chunk: Buffer.from(s.chunk), plan: new Int32Array(s.plan) }));
const mine = slots.map((_, i) => i).filter((i) => i % control[C.WORKERS]! === data.index);
let fd = -1;
let fdGen = -1;

/** The file of the current generation, opened on first need. */
function file(): number {
  const gen = control[C.PATH_GEN]!;
  if (gen !== fdGen) {
    if (fd >= 0) closeSync(fd);
    fd = openSync(pathBytes.toString('utf8', 0, control[C.PATH_LEN]!), 'r');
    fdGen = gen;
  }
  return fd;
}

for (;;) {
  const bell = Atomics.load(control, C.BELL);
  if (control[C.STOP] === 1) break;
  // the oldest task first: the main thread needs the chunks in order
  let slot: (typeof slots)[number] | null = null;
  for (const i of mine) {
    const s = slots[i]!;
    if (Atomics.load(s.ctrl, SLOT.STATE) === TASK && (slot === null || s.ctrl[SLOT.SEQ]! - slot.ctrl[SLOT.SEQ]! < 0)) slot = s;
  }
  if (slot !== null) {
    if (Atomics.compareExchange(slot.ctrl, SLOT.STATE, TASK, WORKING) !== TASK) continue; // the main thread took it
    try {
      runTask(slot, planner, slot.ctrl[SLOT.KIND] === FILE_TASK ? file() : -1);
    } catch {
      slot.ctrl[SLOT.GOT] = -1; // the main thread reads this chunk itself
    }
    Atomics.store(slot.ctrl, SLOT.STATE, DONE);
    // a futex wake costs the waker a scheduling round: only when the main thread sleeps on it
    if (Atomics.load(slot.ctrl, SLOT.WAITING) === 1) Atomics.notify(slot.ctrl, SLOT.STATE);
    continue;
  }
  Atomics.add(control, C.SLEEPERS, 1);
  Atomics.wait(control, C.BELL, bell, WAKE_MS);
  Atomics.sub(control, C.SLEEPERS, 1);
}
if (fd >= 0) closeSync(fd);
