// The Report's JSON output (`logs --format json`). No zod here: printing a report never needs it;
// its published JSON Schema is src/report/json-schema.ts.
import type { Report } from '../model/report.js';

/** The Report as JSON: two-space indented, one trailing newline. Expects orderReport's output. */
export function renderJson(report: Report): string {
  return JSON.stringify(report, null, 2) + '\n';
}
