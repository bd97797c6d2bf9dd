// Exit codes: 0 nothing at or above --fail-on, 1 a diagnosis at or above it, 2 usage/input error.
export const EXIT_OK = 0;
export const EXIT_PROBLEMS = 1;
export const EXIT_ERROR = 2;
