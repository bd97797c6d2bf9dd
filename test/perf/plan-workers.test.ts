// The planning workers (src/pipeline/plan-workers.ts) against inline planning: every chunk comes
// back whole and in order, its plan is the one RegionPlanner computes on the main thread, and a
// worker that fails costs nothing but speed (the main thread reads and plans what it had).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ClusterModelBuilder } from '../../src/correlate/index.js';
import { createEngine } from '../../src/engine/index.js';
import { quietTriggers } from '../../src/engine/prefilter.js';
import { NODE_STATS_TRIGGERS } from '../../src/pipeline/node-stats.js';
import { PlanWorkers } from '../../src/pipeline/plan-workers.js';
import { RegionPlanner } from '../../src/pipeline/quiet-plan.js';
import type { PlannedChunk } from '../../src/sources/line-reader.js';
import { catalog, FIXTURES } from '../helpers/run-pipeline.js';

const OPTIONS = { capnslogUtc: true, transportWins: true };

async function triggers(): Promise<string[]> {
  const engine = createEngine(await catalog());
  const t = quietTriggers([engine.quietTriggers()!, new ClusterModelBuilder().quietTriggers(), NODE_STATS_TRIGGERS]);
  if (t === null) throw new Error('no triggers');
  return t;
}

/** A few MB of generated bench-like log (several chunks). */
async function sample(dir: string): Promise<string> {
  // @ts-expect-error plain JS helper of the benchmark
  const { generateLog } = (await import('../../scripts/bench/generate.mjs')) as { generateLog: (...a: unknown[]) => unknown };
  const { ruleLiterals } = await import('../../src/rules/compile.js');
  const file = path.join(dir, 'bench.log');
  generateLog(path.resolve(FIXTURES, '..'), file, { bytes: 5e6, seed: 11, literals: ruleLiterals(await catalog()), failureShare: 0.03 });
  return file;
}

async function collect(pw: PlanWorkers, file: string, size: number, inline: RegionPlanner): Promise<{ bytes: Buffer; planned: number }> {
  const parts: Buffer[] = [];
  let planned = 0;
  let carried = false;
  for await (const item of pw.readFile(file, size)) {
    const p = item as PlannedChunk;
    const chunk = Buffer.isBuffer(item) ? item : p.chunk;
    if (!Buffer.isBuffer(item) && p.plan !== null) {
      planned++;
      // the region is the one the reader computes, and the plan is the inline one
      const firstNl = carried ? chunk.indexOf(0x0a) : -1;
      expect(p.from).toBe(carried ? firstNl + 1 : 0);
      expect(p.to).toBe(chunk.lastIndexOf(0x0a));
      expect([...p.plan]).toEqual([...inline.plan(chunk, p.from, p.to)]);
    }
    carried = chunk[chunk.length - 1] !== 0x0a;
    parts.push(Buffer.from(chunk));
    if (!Buffer.isBuffer(item)) p.release?.();
  }
  return { bytes: Buffer.concat(parts), planned };
}

describe('planning workers', () => {
  it('read a file whole and in order, with the inline plans', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'etcddoctor-plan-'));
    const file = await sample(dir);
    const t = await triggers();
    const pw = PlanWorkers.start(t, OPTIONS, 2);
    expect(pw, 'the built worker (dist/pipeline/plan-worker.js) is missing: run npm run build').not.toBeNull();
    try {
      const size = readFileSync(file).length;
      const { bytes, planned } = await collect(pw!, file, size, new RegionPlanner(t, OPTIONS));
      expect(bytes.equals(readFileSync(file))).toBe(true);
      expect(planned).toBeGreaterThan(2);
    } finally {
      await pw!.close();
    }
  });

  it('a worker that fails leaves the main thread to read and plan everything (no wait, no lost chunk)', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'etcddoctor-plan-'));
    const file = await sample(dir);
    const broken = path.join(dir, 'broken-worker.mjs');
    writeFileSync(broken, "throw new Error('planning worker broke');\n");
    const pw = PlanWorkers.start(await triggers(), OPTIONS, 2, broken)!;
    try {
      const size = readFileSync(file).length;
      // every chunk whole and in order; what the main thread planned while it waited is checked like the rest
      const { bytes } = await collect(pw, file, size, new RegionPlanner(await triggers(), OPTIONS));
      expect(bytes.equals(readFileSync(file))).toBe(true);
    } finally {
      await pw.close();
    }
  });

  it('a file that grew or shrank after it was measured is read to its end', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'etcddoctor-plan-'));
    const file = await sample(dir);
    const t = await triggers();
    const pw = PlanWorkers.start(t, OPTIONS, 1)!;
    try {
      // measured at 3 MB: the rest is what was "appended"
      const grew = await collect(pw, file, 3e6, new RegionPlanner(t, OPTIONS));
      expect(grew.bytes.equals(readFileSync(file))).toBe(true);
      // measured 4 MB longer than it is
      const shrank = await collect(pw, file, readFileSync(file).length + 4e6, new RegionPlanner(t, OPTIONS));
      expect(shrank.bytes.equals(readFileSync(file))).toBe(true);
    } finally {
      await pw.close();
    }
  });
});
