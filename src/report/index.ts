// The report formats by name, for the CLI: one call turns an ordered Report into output text.
import type { Report } from '../model/report.js';
import { renderJson } from './json.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';
import { renderText } from './text.js';

export const REPORT_FORMATS = ['text', 'json', 'markdown', 'junit'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export interface RenderOptions {
  color: boolean;
  verbose: boolean;
}

export function renderReport(report: Report, format: ReportFormat, options: RenderOptions): string {
  switch (format) {
    case 'json':
      return renderJson(report);
    case 'markdown':
      return renderMarkdown(report, { maxEvidence: options.verbose ? Number.MAX_SAFE_INTEGER : 5 });
    case 'junit':
      return renderJunit(report, { maxEvidence: options.verbose ? Number.MAX_SAFE_INTEGER : 10 });
    case 'text':
      return renderText(report, options);
  }
}
