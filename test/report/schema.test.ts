// schema/report.schema.json is generated from the zod Report schema; it must be current.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { REPORT_SCHEMA_VERSION } from '../../src/model/report.js';
import { generatedReportFiles, reportJsonSchema } from '../../src/report/json-schema.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('report JSON Schema', () => {
  it.each(generatedReportFiles().map((f) => [f.path, f] as const))('%s is up to date', async (rel, { content }) => {
    const onDisk = await readFile(root + rel, 'utf8').catch(() => '(missing)');
    expect(onDisk === content, `${rel} is stale: run \`npm run gen\` and commit the result`).toBe(true);
  });

  it('pins the schema version and lists every top-level field as required', () => {
    const schema = reportJsonSchema() as { properties: Record<string, { const?: unknown }>; required: string[] };
    expect(schema.properties.schemaVersion!.const).toBe(REPORT_SCHEMA_VERSION);
    expect(schema.required).toEqual(expect.arrayContaining(['schemaVersion', 'verdict', 'findings', 'rules', 'diagnoses', 'plan', 'timeline']));
  });

  it('ships in the package', async () => {
    const pkg = JSON.parse(await readFile(root + 'package.json', 'utf8')) as { files: string[] };
    expect(pkg.files).toContain('schema');
  });
});
