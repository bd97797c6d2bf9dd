// One planning task on a slot (plan-slots.ts): read the file chunk (or take the bytes already
// there), find its region of whole lines and plan it. Workers run it (plan-worker.ts); so does the
// main thread when it would otherwise wait for them (plan-workers.ts).
import { readSync } from 'node:fs';
import { isCleanText, wholeLineRegion } from '../sources/line-reader.js';
import { FILE_TASK, S } from './plan-slots.js';
import type { RegionPlanner } from './quiet-plan.js';

export interface SlotView {
  ctrl: Int32Array;
  chunk: Buffer;
  plan: Int32Array;
}

const one = Buffer.alloc(1);

/** Read `len` bytes of `fd` at `offset` into `buf` (fewer at the end of the file); the count read. */
export function readFully(fd: number, buf: Buffer, len: number, offset: number): number {
  let got = 0;
  while (got < len) {
    const n = readSync(fd, buf, got, len - got, offset + got);
    if (n === 0) break;
    got += n;
  }
  return got;
}

/** Do the slot's task with `fd` (the current file, for a file task); results go into its control words. */
export function runTask(slot: SlotView, planner: RegionPlanner, fd: number): void {
  const ctrl = slot.ctrl;
  let len = ctrl[S.LEN]!;
  let carried = ctrl[S.CARRIED] === 1;
  if (ctrl[S.KIND] === FILE_TASK) {
    const offset = ctrl[S.OFF_HI]! * 2 ** 32 + (ctrl[S.OFF_LO]! >>> 0);
    len = readFully(fd, slot.chunk, len, offset);
    carried = offset > 0 && readSync(fd, one, 0, 1, offset - 1) === 1 && one[0] !== 0x0a;
  }
  ctrl[S.GOT] = len;
  ctrl[S.PLAN_LEN] = -1;
  // the region the reader will compute for this chunk (line-reader.ts), planned when clean
  const b = slot.chunk.subarray(0, len);
  const region = wholeLineRegion(b, carried);
  ctrl[S.FROM] = region?.from ?? -1;
  ctrl[S.TO] = region?.to ?? -1;
  if (region !== null && isCleanText(b.subarray(region.from, region.to))) {
    const plan = planner.plan(b, region.from, region.to);
    if (plan.length <= slot.plan.length) {
      slot.plan.set(plan);
      ctrl[S.PLAN_LEN] = plan.length;
    }
  }
}
