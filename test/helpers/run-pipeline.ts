// Runs the real pipeline (sources, parsers, rule catalog, engine) over a fixture folder, cached,
// so scenario tests assert on real captures without repeating the work.
import path from 'node:path';
import { Readable } from 'node:stream';
import type { Report } from '../../src/model/report.js';
import { diagnoseSources } from '../../src/pipeline/diagnose.js';
import { compileRules, type CompiledRule } from '../../src/rules/compile.js';
import { loadRules } from '../../src/rules/load.js';
import { expandInputs } from '../../src/sources/file-source.js';

export const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures');

let rulesPromise: Promise<CompiledRule[]> | undefined;
export function catalog(): Promise<CompiledRule[]> {
  rulesPromise ??= loadRules().then((rules) => compileRules(rules.map((r) => r.rule)));
  return rulesPromise;
}

const cache = new Map<string, Promise<Report>>();

/** The Report for inputs under fixtures/ (folders or files), e.g. 'real/capnslog/healthy'. */
export function reportFor(...inputs: string[]): Promise<Report> {
  const key = inputs.join('\u0000');
  let p = cache.get(key);
  if (!p) {
    p = (async () => {
      const rules = await catalog();
      const expanded = await expandInputs(
        inputs.map((i) => ({ input: path.join(FIXTURES, i) })),
        () => Readable.from([]),
      );
      return (await diagnoseSources(expanded.sources, expanded.errors, { rules })).report;
    })();
    cache.set(key, p);
  }
  return p;
}
