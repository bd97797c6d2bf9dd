// Golden files: every format of the report on real captures, byte for byte. Paths under fixtures/
// and the tool version are normalised; timestamps come from the logs, so they are stable already.
// UPDATE_GOLDEN=1 npx vitest run test/report/golden.test.ts rewrites them after a deliberate change.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/model/report.js';
import { orderReport } from '../../src/report/common.js';
import { renderReport, type ReportFormat } from '../../src/report/index.js';
import { FIXTURES, reportFor } from '../helpers/run-pipeline.js';

const GOLDEN = path.resolve(import.meta.dirname, 'golden');
const UPDATE = process.env.UPDATE_GOLDEN === '1';
const CAPTURES = ['real/capnslog/healthy', 'real/capnslog/cluster-id-mismatch', 'real/zap/quorum-lost', 'real/zap/peer-stopped'];
const EXTENSIONS: Record<ReportFormat, string> = { text: 'txt', json: 'json', markdown: 'md', junit: 'xml' };

/** The report as if run from the repository root by version 0.0.0-golden. */
function normalise(report: Report): Report {
  const prefix = FIXTURES + path.sep;
  const json = JSON.stringify(report, (_k, v: unknown) => (typeof v === 'string' && v.includes(prefix) ? v.split(prefix).join('fixtures/') : v));
  const r = JSON.parse(json) as Report;
  r.tool.version = '0.0.0-golden';
  return r;
}

describe.each(CAPTURES)('%s', (fixture) => {
  it.each(Object.keys(EXTENSIONS) as ReportFormat[])('%s matches its golden file', async (format) => {
    const report = orderReport(normalise(await reportFor(fixture)));
    const out = renderReport(report, format, { color: false, verbose: false });
    expect(out).not.toContain(FIXTURES);
    const file = path.join(GOLDEN, `${fixture.replace(/\//g, '-')}.${EXTENSIONS[format]}`);
    if (UPDATE) {
      await mkdir(GOLDEN, { recursive: true });
      await writeFile(file, out);
      return;
    }
    const golden = await readFile(file, 'utf8').catch(() => null);
    expect(golden, `${path.relative(process.cwd(), file)} is missing: run UPDATE_GOLDEN=1 npx vitest run test/report/golden.test.ts`).not.toBeNull();
    expect(out === golden, `${path.relative(process.cwd(), file)} differs; if the change is meant, run UPDATE_GOLDEN=1 npx vitest run test/report/golden.test.ts and review the diff`).toBe(true);
    if (out !== golden) expect(out).toBe(golden);
  });
});
