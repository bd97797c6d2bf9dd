// A worker thread that plans regions of chunks for the quiet path (quiet-plan.ts): the main
// thread parses while this one scans the next chunks. Every chunk goes back, planned or not.
import { isUtf8 } from 'node:buffer';
import { parentPort, workerData } from 'node:worker_threads';
import { type PlanOptions, RegionPlanner } from './quiet-plan.js';

export interface PlanRequest {
  id: number;
  /** The chunk's shared memory, and where the chunk lies in it. */
  sab: SharedArrayBuffer;
  offset: number;
  len: number;
  from: number;
  to: number;
}

export interface PlanReply {
  id: number;
  /** Null when the region is not clean (a NUL, invalid UTF-8) or planning failed. */
  plan: Int32Array | null;
  error?: string;
}

const data = workerData as { triggers: string[]; options: PlanOptions };
const planner = new RegionPlanner(data.triggers, data.options);
const port = parentPort!;

port.on('message', (req: PlanRequest) => {
  const b = Buffer.from(req.sab, req.offset, req.len);
  let plan: Int32Array | null = null;
  let error: string | undefined;
  try {
    const region = b.subarray(req.from, req.to);
    if (region.indexOf(0) < 0 && isUtf8(region)) plan = planner.plan(b, req.from, req.to, true);
  } catch (err) {
    error = String(err);
  }
  const reply: PlanReply = { id: req.id, plan, ...(error !== undefined ? { error } : {}) };
  port.postMessage(reply, plan !== null ? [plan.buffer as ArrayBuffer] : []);
});
