// The option choices the program factory needs before any command runs. They live here, as plain
// literals, so that `--version` and `--help` load neither zod (through src/model/) nor the report
// renderers; test/cli/choices.test.ts checks they equal the lists they copy.
import type { FailOn } from '../report/common.js';
import type { ReportFormat } from '../report/index.js';

/** report/index.ts REPORT_FORMATS. */
export const REPORT_FORMAT_CHOICES = ['text', 'json', 'markdown', 'junit'] as const satisfies readonly ReportFormat[];

/** report/common.ts FAIL_ON_LEVELS: the severities, then none. */
export const FAIL_ON_CHOICES = ['info', 'warning', 'error', 'critical', 'none'] as const satisfies readonly FailOn[];
