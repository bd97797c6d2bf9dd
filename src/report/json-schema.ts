// The Report's published JSON Schema, generated from the zod schema (the one source of truth);
// schema/report.schema.json is written by `npm run gen` and checked by a test. The JSON output
// itself is src/report/json.ts, which needs no zod.
import { z } from 'zod';
import { REPORT_SCHEMA_VERSION, ReportSchema } from '../model/report.js';

// Still exported from here for the callers that import it with the schema.
export { renderJson } from './json.js';

export const REPORT_SCHEMA_PATH = 'schema/report.schema.json';

/** The JSON Schema of `etcddoctor logs --format json`. */
export function reportJsonSchema(): Record<string, unknown> {
  // io 'output': the schema describes what etcddoctor writes, not what it would accept.
  const schema = z.toJSONSchema(ReportSchema, { io: 'output', unrepresentable: 'any' });
  return {
    ...schema,
    $id: 'https://github.com/etcddoctor/etcddoctor/schema/report.schema.json',
    title: 'etcddoctor report',
    description: `The output of \`etcddoctor logs --format json\`, schemaVersion ${REPORT_SCHEMA_VERSION}. Generated from src/model/report.ts by npm run gen; do not edit.`,
  };
}

export function renderReportJsonSchema(): string {
  return JSON.stringify(reportJsonSchema(), null, 2) + '\n';
}

/** Generated files, relative to the package root, for the generator and its staleness test. */
export function generatedReportFiles(): { path: string; content: string }[] {
  return [{ path: REPORT_SCHEMA_PATH, content: renderReportJsonSchema() }];
}
