// Writes the generated files (rules/README.md, schema/rule.schema.json, schema/report.schema.json); `--check` only
// reports which are stale and exits 1. Run with `npm run gen` (node dist/rules/gen.js).
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generatedReportFiles } from '../report/json-schema.js';
import { generatedRuleFiles } from './docs.js';
import { loadRules } from './load.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const check = process.argv.includes('--check');
const rules = await loadRules([]);
let stale = 0;
for (const { path: rel, content } of [...generatedRuleFiles(rules), ...generatedReportFiles()]) {
  const file = path.join(root, rel);
  const old = await readFile(file, 'utf8').catch(() => null);
  if (old === content) continue;
  if (check) {
    console.error(`${rel} is stale; run npm run gen`);
    stale++;
  } else {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, content);
    console.log(`wrote ${rel}`);
  }
}
if (stale > 0) process.exitCode = 1;
