// The shared memory between the main thread and the planning workers (plan-workers.ts,
// plan-worker.ts). Each slot has a chunk buffer, a plan buffer and control words; the control
// block has a doorbell the workers wait on and the path of the file being read.

/** Control block words. */
/** SLEEPERS: workers blocked on the doorbell (only then is ringing it worth a futex wake). */
export const C = { BELL: 0, STOP: 1, WORKERS: 2, PATH_GEN: 3, PATH_LEN: 4, SLEEPERS: 5 } as const;
export const CONTROL_INTS = 8;
export const PATH_BYTES = 16 * 1024;

/** Slot control words: state, then the task and its result. */
/** WAITING: the main thread waits on this slot's state (only then does the worker wake it). */
export const S = { STATE: 0, KIND: 1, OFF_LO: 2, OFF_HI: 3, LEN: 4, CARRIED: 5, GOT: 6, FROM: 7, TO: 8, PLAN_LEN: 9, WAITING: 10, SEQ: 11 } as const;
export const SLOT_INTS = 16;

/**
 * Slot states. A worker claims a task (TASK -> WORKING, compare-and-exchange) before it works
 * on it, so two workers never take the same one.
 */
export const FREE = 0;
export const TASK = 1;
export const DONE = 2;
export const WORKING = 3;

/** Task kinds: read `len` bytes of the current file at the offset, or plan the bytes already in the slot. */
export const FILE_TASK = 1;
export const BYTES_TASK = 2;

/** Ints of a slot's plan buffer; a longer plan is left to the main thread. */
export const PLAN_INTS = 128 * 1024;

/** How long a waiting worker sleeps before looking at the stop word again. */
export const WAKE_MS = 200;

export interface SlotMemory {
  ctrl: SharedArrayBuffer;
  chunk: SharedArrayBuffer;
  plan: SharedArrayBuffer;
}
