// Shell quoting for generated scripts: the one function every value passes through on its way
// into a bash script, so no text read from a log or an output can become shell syntax.

/**
 * `s` as one bash word, single-quoted: inside single quotes bash interprets nothing (no `$`,
 * backticks, `\`, globbing or word splitting), and a single quote is written as `'\''`.
 * Newlines stay literal inside the quotes. NUL cannot live in a bash word, so it is refused.
 */
export function shellQuote(s: string): string {
  if (s.includes('\0')) throw new Error('shellQuote: a NUL byte cannot be passed to a shell');
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * Free text for an `echo`-like line: control characters (newlines included, and C1 controls such
 * as the 8-bit CSI) become spaces, then quoted. Bidi overrides and isolates become spaces too: in
 * the script file they would make a reviewer's editor show the code in another order (Trojan
 * Source), and printed they would reorder the operator's terminal line.
 */
export function shellQuoteText(s: string): string {
  return shellQuote(s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, ' '));
}
