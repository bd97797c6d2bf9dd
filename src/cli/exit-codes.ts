// Exit codes: 0 nothing at or above --fail-on, 1 a diagnosis at or above it, 2 usage/input error.
// Constants only: the program factory imports this module, and `--version` should load no zod
// (logs-command.ts decides a finished run's code from its Report).

export const EXIT_OK = 0;
export const EXIT_PROBLEMS = 1;
export const EXIT_ERROR = 2;

/** For --help and the README. */
export const EXIT_CODES_HELP = `Exit codes:
  0  ran; no diagnosis at or above --fail-on (default: error)
  1  ran; a diagnosis at or above --fail-on
  2  usage error, bad rule file, no input could be read, or internal error`;
