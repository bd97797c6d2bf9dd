// rules/README.md and schema/rule.schema.json are generated from the catalog; they must be current.
// `npm run gen` rewrites them; so does UPDATE_GENERATED=1 npx vitest run test/rules-docs.test.ts.
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { generatedRuleFiles } from '../src/rules/docs.js';
import { loadRules } from '../src/rules/load.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const files = generatedRuleFiles(await loadRules());

describe('generated rule docs', () => {
  it.each(files.map((f) => [f.path, f] as const))('%s is up to date', async (rel, { content }) => {
    const onDisk = await readFile(root + rel, 'utf8').catch(() => '(missing)');
    if (onDisk !== content && process.env.UPDATE_GENERATED === '1') await writeFile(root + rel, content);
    else expect(onDisk === content, `${rel} is stale: run \`npm run gen\` (or UPDATE_GENERATED=1 npx vitest run test/rules-docs.test.ts) and commit the result`).toBe(true);
  });

  it('the rule index lists every rule, linked to its file', async () => {
    const index = files.find((f) => f.path === 'rules/README.md')!.content;
    for (const { rule, file } of await loadRules()) expect(index).toContain(`| [${rule.id}](${file.slice('rules/'.length)}) | ${rule.severity} |`);
    expect(index).toContain('logs (8 in 60s per node)');
  });
});
