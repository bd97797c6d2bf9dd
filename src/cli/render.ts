// report/index.ts renderReport for the CLI, importing only the chosen format's renderer: a JSON
// run loads no cli-table3, no Markdown or JUnit code. test/cli/render.test.ts checks both agree.
import type { Report } from '../model/report.js';
import type { RenderOptions, ReportFormat } from '../report/index.js';

export async function renderReportLazily(report: Report, format: ReportFormat, options: RenderOptions): Promise<string> {
  switch (format) {
    case 'json':
      return (await import('../report/json.js')).renderJson(report);
    case 'markdown':
      return (await import('../report/markdown.js')).renderMarkdown(report, { maxEvidence: options.verbose ? Number.MAX_SAFE_INTEGER : 5 });
    case 'junit':
      return (await import('../report/junit.js')).renderJunit(report, { maxEvidence: options.verbose ? Number.MAX_SAFE_INTEGER : 10 });
    case 'text':
      return (await import('../report/text.js')).renderText(report, options);
  }
}
