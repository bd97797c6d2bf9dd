// The CLI renders through renderReportLazily, which imports one renderer; it must write what
// report/index.ts renderReport writes, for every format, colour and verbosity.
import { describe, expect, it } from 'vitest';
import { renderReportLazily } from '../../src/cli/render.js';
import { orderReport } from '../../src/report/common.js';
import { REPORT_FORMATS, renderReport } from '../../src/report/index.js';
import { reportFor } from '../helpers/run-pipeline.js';

describe.each(['real/capnslog/cluster-id-mismatch', 'real/zap/quorum-lost'])('%s', (fixture) => {
  it.each([...REPORT_FORMATS])('%s equals renderReport', async (format) => {
    const report = orderReport(await reportFor(fixture));
    for (const color of [false, true]) {
      for (const verbose of [false, true]) {
        expect(await renderReportLazily(report, format, { color, verbose })).toBe(renderReport(report, format, { color, verbose }));
      }
    }
  });
});
