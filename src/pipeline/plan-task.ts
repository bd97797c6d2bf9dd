// One planning task on a slot (plan-slots.ts): read the file chunk (or take the bytes already
// there), find its region of whole lines and plan it. Workers run it (plan-worker.ts); so does the
// main thread when it would otherwise wait for them (plan-workers.ts).
import { isUtf8 } from 'node:buffer';
import { readSync } from 'node:fs';
import { FILE_TASK, S } from './plan-slots.js';
import type { RegionPlanner } from './quiet-plan.js';

export interface SlotView {
  ctrl: Int32Array;
  chunk: Buffer;
  plan: Int32Array;
}

const one = Buffer.alloc(1);

/** Do the slot's task with `fd` (the current file, for a file task); results go into its control words. */
export function runTask(slot: SlotView, planner: RegionPlanner, fd: number): void {
  const ctrl = slot.ctrl;
  let len = ctrl[S.LEN]!;
  let carried = ctrl[S.CARRIED] === 1;
  if (ctrl[S.KIND] === FILE_TASK) {
    const offset = ctrl[S.OFF_HI]! * 2 ** 32 + (ctrl[S.OFF_LO]! >>> 0);
    let got = 0;
    while (got < len) {
      const n = readSync(fd, slot.chunk, got, len - got, offset + got);
      if (n === 0) break;
      got += n;
    }
    len = got;
    carried = offset > 0 && readSync(fd, one, 0, 1, offset - 1) === 1 && one[0] !== 0x0a;
  }
  ctrl[S.GOT] = len;
  ctrl[S.PLAN_LEN] = -1;
  const b = slot.chunk;
  const firstNl = carried ? b.indexOf(0x0a) : -1;
  const from = carried ? (firstNl < 0 || firstNl >= len ? len : firstNl + 1) : 0;
  const last = len > 0 ? b.lastIndexOf(0x0a, len - 1) : -1;
  ctrl[S.FROM] = from;
  ctrl[S.TO] = last;
  if (last > from) {
    const region = b.subarray(from, last);
    if (region.indexOf(0) < 0 && isUtf8(region)) {
      const plan = planner.plan(b, from, last);
      if (plan.length <= slot.plan.length) {
        slot.plan.set(plan);
        ctrl[S.PLAN_LEN] = plan.length;
      }
    }
  }
}
