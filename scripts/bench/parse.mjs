// Throughput of the full parse path (every line parsed, no quiet path) through the engine and the
// cluster model: median lines/s of a few runs. For measuring parser and observer work.
//   npm run build && node scripts/bench/parse.mjs [file] [--lines N] [--runs 3]
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dist = (p) => import(path.join(root, 'dist', p));
const { analyzeSources } = await dist('pipeline/analyze.js');
const { createEngine } = await dist('engine/index.js');
const { ClusterModelBuilder } = await dist('correlate/index.js');
const { loadRules } = await dist('rules/load.js');
const { compileRules } = await dist('rules/compile.js');
const { expandInputs } = await dist('sources/file-source.js');
const { INPUT_NAMES } = await dist('rules/schema.js');

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args.splice(i, 2)[1] : dflt;
};
const maxLines = Number(opt('--lines', '200000'));
const runs = Number(opt('--runs', '3'));
// --dump FILE: write the last run's analysis, findings and cluster model, to compare before/after with cmp
const dump = opt('--dump', null);
// --read-only: only iterate the source's lines (the floor under the parse path)
const readOnly = args.includes('--read-only') && args.splice(args.indexOf('--read-only'), 1).length > 0;
const file = path.resolve(root, args[0] ?? '.tmp/bench/bench-s42-100mb.log');

// the first maxLines lines, as a file of their own (so the source reads them from disk as usual)
let input = file;
if (maxLines > 0) {
  const buf = readFileSync(file);
  let at = 0;
  for (let n = 0; n < maxLines && at >= 0; n++) at = buf.indexOf(0x0a, at) + 1 || -1;
  const dir = path.join(root, '.tmp/bench-parse');
  mkdirSync(dir, { recursive: true });
  input = path.join(dir, `head-${maxLines}.log`);
  writeFileSync(input, at < 0 ? buf : buf.subarray(0, at));
}

// relative names, so dumps made in two checkouts compare equal
process.chdir(root);
input = path.relative(root, input);
const rules = compileRules((await loadRules()).map((r) => r.rule));
const rates = [];
// lines per CPU second too: on a busy machine the wall clock says more about the neighbours
const cpuRates = [];
for (let i = 0; i < runs; i++) {
  const expanded = await expandInputs([{ input }], () => Readable.from([]));
  const engine = createEngine(rules);
  const model = new ClusterModelBuilder();
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  if (readOnly) {
    let n = 0;
    for (const src of expanded.sources) for await (const _ of src.lines()) n++;
    const ms = performance.now() - t0;
    rates.push(n / (ms / 1000));
    console.log(`run ${i + 1}: read ${n} lines in ${ms.toFixed(0)} ms: ${Math.round(n / (ms / 1000))} lines/s`);
    continue;
  }
  const analysis = await analyzeSources(expanded.sources, expanded.errors, { quietPath: false, observers: [engine, model] });
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const rate = analysis.totals.lines / (ms / 1000);
  rates.push(rate);
  cpuRates.push(analysis.totals.lines / (cpuMs / 1000));
  if (dump !== null && i === runs - 1) {
    const given = new Set(INPUT_NAMES.filter((n) => analysis.inputsGiven.has(n)));
    const result = engine.finish({ snapshot: analysis.cluster, inputsGiven: given, nodeAliases: analysis.nodeAliases });
    const all = { analysis: { ...analysis, nodeAliases: [...analysis.nodeAliases], inputsGiven: [...analysis.inputsGiven] }, result, model: model.build(analysis.nodeAliases) };
    writeFileSync(dump, JSON.stringify(all, null, 1));
  }
  console.log(`run ${i + 1}: ${analysis.totals.lines} lines in ${ms.toFixed(0)} ms (${cpuMs.toFixed(0)} ms CPU): ${Math.round(rate)} lines/s`);
}
const median = (xs) => Math.round([...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]);
console.log(`median ${median(rates)} lines/s${cpuRates.length > 0 ? `, ${median(cpuRates)} lines per CPU second` : ''} (${path.relative(root, file)}, ${maxLines > 0 ? `first ${maxLines} lines` : 'all lines'})`);
