// Exit codes: 0 nothing at or above --fail-on, 1 a diagnosis at or above it, 2 usage/input error.
import type { Report } from '../model/report.js';
import { diagnosesAtOrAbove, type FailOn } from '../report/common.js';

export const EXIT_OK = 0;
export const EXIT_PROBLEMS = 1;
export const EXIT_ERROR = 2;

/** The exit code of a finished run: 1 when a diagnosis reaches --fail-on, else 0. */
export function exitCodeFor(report: Report, failOn: FailOn): number {
  return diagnosesAtOrAbove(report, failOn).length > 0 ? EXIT_PROBLEMS : EXIT_OK;
}

/** For --help and the README. */
export const EXIT_CODES_HELP = `Exit codes:
  0  ran; no diagnosis at or above --fail-on (default: error)
  1  ran; a diagnosis at or above --fail-on
  2  usage error, bad rule file, no input could be read, or internal error`;
